package dev.switchboard.runtime.metering;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * A {@link Price} (or none) as {@link PriceTable} keeps it for the calls it prices: its figures per million tokens in
 * whole micro-dollars, so that a call's cost is three long multiplications in picodollars (10<sup>-12</sup> US
 * dollars) and one decimal at the end, where {@link Price#cost} multiplies and adds decimals. Exactly the same costs:
 * a price with more than six decimals, or a product past the long's range, is priced by {@link Price#cost}.
 * Immutable.
 */
final class ScaledPrice {

    static final ScaledPrice NONE = new ScaledPrice(Optional.empty());

    /** The decimal places of a price per million tokens held in a long; the cost then has twice as many. */
    private static final int PRICE_SCALE = 6;
    private static final int COST_SCALE = 2 * PRICE_SCALE;
    /** Marks a figure a long cannot hold exactly. */
    private static final long NOT_SCALED = -1;

    private final Optional<Price> price;
    private final boolean free;
    private final long input;
    private final long cachedInput;
    /** {@link #NOT_SCALED} when the price has no output figure too; {@link #hasOutput} tells the two apart. */
    private final long output;
    private final boolean hasOutput;
    private final boolean scaled;

    private ScaledPrice(Optional<Price> price) {
        this.price = price;
        Price p = price.orElse(null);
        this.free = p != null && p.isFree();
        this.input = p == null ? NOT_SCALED : scaled(p.input());
        this.cachedInput = p == null ? NOT_SCALED : scaled(p.cachedInput().orElse(p.input()));
        this.hasOutput = p != null && p.output().isPresent();
        this.output = hasOutput ? scaled(p.output().get()) : 0;
        this.scaled = input != NOT_SCALED && cachedInput != NOT_SCALED && output != NOT_SCALED;
    }

    static ScaledPrice of(Optional<Price> price) {
        return price.isEmpty() ? NONE : new ScaledPrice(price);
    }

    Optional<Price> price() {
        return price;
    }

    /** The same cost as {@link Price#cost}; unknown when there is no price. */
    Cost cost(Usage usage) {
        if (price.isEmpty()) {
            return Cost.UNKNOWN;
        }
        if (free) {
            return Cost.ZERO;
        }
        if (!scaled || usage.equals(Usage.NONE) || (usage.outputTokens() > 0 && !hasOutput)) {
            return price.get().cost(usage); // the decimal way, and the same rules for an unknown cost
        }
        long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
        long uncached = usage.inputTokens() - cached;
        try {
            long picos = Math.addExact(Math.addExact(Math.multiplyExact(input, uncached),
                    Math.multiplyExact(cachedInput, cached)), Math.multiplyExact(output, usage.outputTokens()));
            return Cost.usd(BigDecimal.valueOf(picos, COST_SCALE));
        } catch (ArithmeticException e) {
            return price.get().cost(usage); // counts beyond any real call's; the decimals hold them
        }
    }

    /** {@code perMillion} in micro-dollars, or {@link #NOT_SCALED} when a long cannot hold it exactly. */
    private static long scaled(BigDecimal figure) {
        BigDecimal perMillion = figure.stripTrailingZeros();
        if (perMillion.scale() > PRICE_SCALE || perMillion.precision() - perMillion.scale() > 18 - PRICE_SCALE) {
            return NOT_SCALED;
        }
        return perMillion.movePointRight(PRICE_SCALE).longValueExact();
    }
}
