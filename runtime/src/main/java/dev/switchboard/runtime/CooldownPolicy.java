package dev.switchboard.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * When a route stops sending to a failing target: after {@code failureThreshold} consecutive failures it skips the
 * target for {@code duration}, then lets one probe request through (half-open); success closes it again.
 */
public record CooldownPolicy(int failureThreshold, Duration duration) {

    public static final CooldownPolicy DEFAULT = new CooldownPolicy(3, Duration.ofSeconds(30));

    public CooldownPolicy {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failure-threshold must be at least 1, was " + failureThreshold);
        }
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cooldown duration cannot be negative");
        }
    }

    /** Never cool down. */
    public static CooldownPolicy disabled() {
        return new CooldownPolicy(Integer.MAX_VALUE, Duration.ZERO);
    }
}
