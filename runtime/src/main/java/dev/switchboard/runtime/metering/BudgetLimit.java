package dev.switchboard.runtime.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * A spending limit: at most {@code amount} US dollars per {@code period} ({@code budget { amount = 5.00, period = 1d }}).
 * Immutable.
 */
public record BudgetLimit(BigDecimal amount, Duration period) {

    public BudgetLimit {
        Objects.requireNonNull(amount, "amount");
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("a budget amount must be positive, was " + amount.toPlainString());
        }
        Objects.requireNonNull(period, "period");
        if (period.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a budget period must be at least 1s, was " + period);
        }
    }

    public static BudgetLimit of(String amount, Duration period) {
        return new BudgetLimit(new BigDecimal(amount), period);
    }
}
