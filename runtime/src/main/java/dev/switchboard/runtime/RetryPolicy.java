package dev.switchboard.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a route retries one target: up to {@code maxRetries} more tries after the first,
 * waiting a random time in {@code [0, min(maxDelay, initialDelay * multiplier^n)]} before retry {@code n}
 * (exponential backoff with full jitter), or the provider's retry hint when it gave one.
 */
public record RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay, double multiplier) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(10), 2.0);

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max-retries cannot be negative, was " + maxRetries);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("retry delays cannot be negative");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
    }

    /** {@code maxRetries} retries starting at {@code initialDelay}, doubling, capped at 30 s. */
    public static RetryPolicy exponential(int maxRetries, Duration initialDelay) {
        return new RetryPolicy(maxRetries, initialDelay, Duration.ofSeconds(30), 2.0);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1.0);
    }
}
