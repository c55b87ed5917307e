package dev.switchboard.runtime.metering;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * What one model costs, in US dollars per million tokens: input, cached input and output. Immutable.
 *
 * @param input       per million input tokens that were not read from the provider's prompt cache
 * @param cachedInput per million input tokens read from the cache; when absent, cached tokens cost {@code input}
 * @param output      per million output tokens (reasoning tokens included: providers bill them as output); absent
 *                    for models that produce none (embeddings)
 */
public record Price(BigDecimal input, Optional<BigDecimal> cachedInput, Optional<BigDecimal> output) {

    public Price {
        requireNotNegative(input, "input");
        Objects.requireNonNull(cachedInput, "cachedInput").ifPresent(v -> requireNotNegative(v, "cached-input"));
        Objects.requireNonNull(output, "output").ifPresent(v -> requireNotNegative(v, "output"));
    }

    /** A chat model's price. */
    public static Price of(String input, String cachedInput, String output) {
        return new Price(new BigDecimal(input), Optional.ofNullable(cachedInput).map(BigDecimal::new),
                Optional.ofNullable(output).map(BigDecimal::new));
    }

    /** Whether every figure is zero (a local model): then even a call without token counts costs nothing. */
    public boolean isFree() {
        return input.signum() == 0 && cachedInput.map(BigDecimal::signum).orElse(0) == 0
                && output.map(BigDecimal::signum).orElse(0) == 0;
    }

    /**
     * The cost of {@code usage}: uncached input at {@link #input}, cached input at {@link #cachedInput} (or input),
     * output at {@link #output}, divided by a million. Unknown when the provider reported no token counts (unless
     * the model is free), or when output tokens were reported but this price has no output figure.
     */
    public Cost cost(Usage usage) {
        Objects.requireNonNull(usage, "usage");
        if (isFree()) {
            return Cost.ZERO;
        }
        if (usage.equals(Usage.NONE)) {
            return Cost.UNKNOWN;
        }
        if (usage.outputTokens() > 0 && output.isEmpty()) {
            return Cost.UNKNOWN;
        }
        long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
        long uncached = usage.inputTokens() - cached;
        BigDecimal perMillion = input.multiply(BigDecimal.valueOf(uncached))
                .add(cachedInput.orElse(input).multiply(BigDecimal.valueOf(cached)))
                .add(output.orElse(BigDecimal.ZERO).multiply(BigDecimal.valueOf(usage.outputTokens())));
        // A shift of the decimal point, not a division: exact, and without BigInteger's long division on every call.
        return Cost.usd(perMillion.movePointLeft(6));
    }

    private static void requireNotNegative(BigDecimal v, String what) {
        Objects.requireNonNull(v, what);
        if (v.signum() < 0) {
            throw new IllegalArgumentException(what + " price cannot be negative, was " + v.toPlainString());
        }
    }
}
