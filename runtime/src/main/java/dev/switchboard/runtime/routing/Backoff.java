package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.RetryPolicy;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before retry {@code n} (from 0) wait a uniformly random time in
 * {@code [0, min(maxDelay, initialDelay * multiplier^n)]}. Full jitter spreads the retries of many callers that
 * failed together, so they do not hit the provider again in lock-step. Thread-safe if the random source is.
 */
public final class Backoff {

    private final RetryPolicy policy;
    private final DoubleSupplier random;

    /** @param random uniform values in [0, 1]; values outside are clamped */
    public Backoff(RetryPolicy policy, DoubleSupplier random) {
        this.policy = policy;
        this.random = random;
    }

    /** The upper bound of the wait before retry {@code n}. */
    Duration cap(int n) {
        double nanos = policy.initialDelay().toNanos() * Math.pow(policy.multiplier(), n);
        long max = policy.maxDelay().toNanos();
        // Compare as doubles: the growth overflows a long long before it reaches maxDelay for big n.
        return Duration.ofNanos(nanos >= max ? max : (long) nanos);
    }

    /** A random wait before retry {@code n}. */
    Duration delay(int n) {
        double r = random.getAsDouble();
        r = r < 0 || Double.isNaN(r) ? 0 : Math.min(r, 1);
        return Duration.ofNanos((long) (cap(n).toNanos() * r));
    }

    /** Whether a provider's retry hint is short enough to wait for. */
    boolean isWorthWaiting(Duration hint) {
        return hint.compareTo(policy.maxDelay()) <= 0;
    }
}
