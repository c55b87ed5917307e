package dev.switchboard.api;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a call cost in US dollars, or that its cost is unknown (no price for the model, or no token counts). Money is
 * a {@link BigDecimal}, never a double, so sums of many small calls stay exact. Immutable.
 *
 * @param usd the amount, empty when unknown; never negative
 */
public record Cost(Optional<BigDecimal> usd) {

    /** The cost of a call whose price or token counts are not known. */
    public static final Cost UNKNOWN = new Cost(Optional.empty());

    /** A call that cost nothing (e.g. a local model). */
    public static final Cost ZERO = new Cost(Optional.of(BigDecimal.ZERO));

    private static final MathContext DISPLAY = new MathContext(3, RoundingMode.HALF_UP);

    public Cost {
        Objects.requireNonNull(usd, "usd");
        if (usd.isPresent()) {
            if (usd.get().signum() < 0) {
                throw new IllegalArgumentException("a cost cannot be negative, was " + usd.get());
            }
            // One value, one representation: 0.10 and 0.1 are the same cost and must be equal.
            usd = Optional.of(usd.get().signum() == 0 ? BigDecimal.ZERO : usd.get().stripTrailingZeros());
        }
    }

    /** A known cost of {@code amount} dollars. */
    public static Cost usd(BigDecimal amount) {
        return new Cost(Optional.of(Objects.requireNonNull(amount, "amount")));
    }

    /** A known cost written as a decimal string, e.g. {@code "0.00012"}. */
    public static Cost usd(String amount) {
        return usd(new BigDecimal(Objects.requireNonNull(amount, "amount")));
    }

    public boolean isKnown() {
        return usd.isPresent();
    }

    /** The sum; unknown when either is unknown (a total with a hole in it is not a total). */
    public Cost plus(Cost other) {
        Objects.requireNonNull(other, "other");
        if (usd.isEmpty() || other.usd.isEmpty()) {
            return UNKNOWN;
        }
        return usd(usd.get().add(other.usd.get()));
    }

    /**
     * For people: {@code $0.00042} (three significant digits, no exponent), {@code $0} or {@code unknown}.
     */
    public String format() {
        if (usd.isEmpty()) {
            return "unknown";
        }
        BigDecimal v = usd.get();
        if (v.signum() == 0) {
            return "$0";
        }
        return "$" + v.round(DISPLAY).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return usd.map(v -> "Cost[$" + v.toPlainString() + "]").orElse("Cost[unknown]");
    }
}
