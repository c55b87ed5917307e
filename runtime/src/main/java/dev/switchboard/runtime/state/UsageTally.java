package dev.switchboard.runtime.state;

import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageTotals;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A running {@link UsageTotals} that a store adds calls to in place, for the totals it keeps per provider, model,
 * route and key: adding a call allocates nothing, where adding {@link UsageTotals} makes a new one and a
 * {@link BigDecimal} sum each time. Money stays exact: the cost is counted in whole picodollars (10<sup>-12</sup> US
 * dollars) in a {@code long}, which holds exactly every price of up to six decimals per million tokens times any
 * token count; a cost finer than that, or a sum past the long's range (about $9.2 million), goes to an exact decimal
 * beside it. {@link #totals()} turns it back into a {@link UsageTotals} for whoever reads it. Not thread-safe: the
 * store guards it.
 */
public final class UsageTally {

    /** The decimal places of the picodollars the cost is counted in. */
    static final int SCALE = 12;
    /** Integer digits of a dollar amount that surely fit in a long once in picodollars (10^18 < Long.MAX_VALUE). */
    private static final int WHOLE_DIGITS = 18 - SCALE;

    private long requests;
    private long inputTokens;
    private long outputTokens;
    private long cachedInputTokens;
    private long unpricedRequests;
    private long estimatedRequests;
    /** The known cost in picodollars, but for {@link #finer}. */
    private long picos;
    /** The part of the known cost that {@link #picos} could not hold exactly; null while there is none. */
    private BigDecimal finer;

    /** A tally of nothing yet. */
    public UsageTally() {}

    /** A tally holding {@code totals} (e.g. as read back from a file). */
    public UsageTally(UsageTotals totals) {
        add(totals);
    }

    /** Adds one answered call. */
    public void add(UsageRecord r) {
        add(r, picosOf(r));
    }

    /** What {@link #picosOf} answers for a cost no long holds exactly (or an unknown one). */
    static final long NOT_PICOS = Long.MIN_VALUE;

    /**
     * {@code r}'s known cost in whole picodollars, or {@link #NOT_PICOS} when it is unknown or a long cannot hold it
     * exactly: worked out once for the several tallies a record counts in ({@link #add(UsageRecord, long)}).
     */
    static long picosOf(UsageRecord r) {
        if (!r.cost().isKnown()) {
            return NOT_PICOS;
        }
        BigDecimal usd = r.cost().usd().get();
        if (usd.signum() == 0) {
            return 0;
        }
        if (usd.scale() <= SCALE && usd.precision() - usd.scale() <= WHOLE_DIGITS) {
            return usd.movePointRight(SCALE).longValueExact(); // exact: whole picodollars, at most 10^18
        }
        return NOT_PICOS;
    }

    /** Adds one answered call whose cost in picodollars is {@code picos}, as {@link #picosOf} gave it. */
    void add(UsageRecord r, long picos) {
        requests++;
        inputTokens += r.usage().inputTokens();
        outputTokens += r.usage().outputTokens();
        cachedInputTokens += r.usage().cachedInputTokens();
        if (picos != NOT_PICOS) {
            if (picos != 0) {
                addPicos(picos);
            }
        } else if (r.cost().isKnown()) {
            addFiner(r.cost().usd().get());
        } else {
            unpricedRequests++;
        }
        if (r.estimated()) {
            estimatedRequests++;
        }
    }

    /** Adds totals of calls counted elsewhere. */
    public void add(UsageTotals t) {
        requests += t.requests();
        inputTokens += t.inputTokens();
        outputTokens += t.outputTokens();
        cachedInputTokens += t.cachedInputTokens();
        unpricedRequests += t.unpricedRequests();
        estimatedRequests += t.estimatedRequests();
        addCost(t.costUsd());
    }

    /** Adds another tally's calls. */
    public void add(UsageTally t) {
        requests += t.requests;
        inputTokens += t.inputTokens;
        outputTokens += t.outputTokens;
        cachedInputTokens += t.cachedInputTokens;
        unpricedRequests += t.unpricedRequests;
        estimatedRequests += t.estimatedRequests;
        addPicos(t.picos);
        if (t.finer != null) {
            addFiner(t.finer);
        }
    }

    /** The calls added so far. */
    public UsageTotals totals() {
        BigDecimal cost = BigDecimal.valueOf(picos, SCALE);
        if (finer != null) {
            cost = cost.add(finer);
        }
        cost = cost.signum() == 0 ? BigDecimal.ZERO : cost.stripTrailingZeros();
        return new UsageTotals(requests, inputTokens, outputTokens, cachedInputTokens, cost, unpricedRequests,
                estimatedRequests);
    }

    private void addCost(BigDecimal usd) {
        Objects.requireNonNull(usd, "usd");
        if (usd.signum() == 0) {
            return;
        }
        if (usd.scale() <= SCALE && usd.precision() - usd.scale() <= WHOLE_DIGITS) {
            addPicos(usd.movePointRight(SCALE).longValueExact()); // exact: whole picodollars, at most 10^18
        } else {
            addFiner(usd);
        }
    }

    private void addPicos(long p) {
        long sum = picos + p;
        if (((picos ^ sum) & (p ^ sum)) < 0) { // past the long's range: what it held moves to the exact decimal
            addFiner(BigDecimal.valueOf(picos, SCALE));
            picos = p;
        } else {
            picos = sum;
        }
    }

    private void addFiner(BigDecimal usd) {
        finer = finer == null ? usd : finer.add(usd);
    }

    @Override
    public String toString() {
        return "UsageTally[" + totals() + "]";
    }
}
