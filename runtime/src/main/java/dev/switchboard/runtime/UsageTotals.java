package dev.switchboard.runtime;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a set of calls added up to. Only known costs are summed: {@code unpricedRequests} counts the calls whose
 * cost was unknown (no price for their model, or no token counts), so {@code costUsd} is a lower bound whenever it
 * is not zero. Immutable.
 *
 * @param requests          answered calls
 * @param inputTokens       input tokens, cached ones included
 * @param outputTokens      output tokens, reasoning included
 * @param cachedInputTokens input tokens read from the provider's prompt cache
 * @param costUsd           the sum of the known costs, in US dollars
 * @param unpricedRequests  calls whose cost is unknown
 * @param estimatedRequests calls whose tokens were partly estimated by Switchboard ({@link UsageRecord#estimated()})
 */
public record UsageTotals(long requests, long inputTokens, long outputTokens, long cachedInputTokens, BigDecimal costUsd,
                          long unpricedRequests, long estimatedRequests) {

    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, BigDecimal.ZERO, 0, 0);

    public UsageTotals {
        Objects.requireNonNull(costUsd, "costUsd");
    }

    /** Totals without estimated calls. */
    public UsageTotals(long requests, long inputTokens, long outputTokens, long cachedInputTokens, BigDecimal costUsd,
                       long unpricedRequests) {
        this(requests, inputTokens, outputTokens, cachedInputTokens, costUsd, unpricedRequests, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** These totals and {@code other} added up. */
    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(requests + other.requests, inputTokens + other.inputTokens,
                outputTokens + other.outputTokens, cachedInputTokens + other.cachedInputTokens,
                costUsd.add(other.costUsd), unpricedRequests + other.unpricedRequests,
                estimatedRequests + other.estimatedRequests);
    }

    /** These totals with one more call. */
    public UsageTotals plus(UsageRecord r) {
        return new UsageTotals(requests + 1, inputTokens + r.usage().inputTokens(), outputTokens + r.usage().outputTokens(),
                cachedInputTokens + r.usage().cachedInputTokens(),
                r.cost().usd().map(costUsd::add).orElse(costUsd), unpricedRequests + (r.cost().isKnown() ? 0 : 1),
                estimatedRequests + (r.estimated() ? 1 : 0));
    }
}
