package dev.switchboard.runtime.state;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link StateStore#takeFromBucket} decided: taken, or how long until there may be room and why there is
 * none. Immutable.
 *
 * @param reason null when granted
 */
public record BucketDecision(boolean granted, Duration retryAfter, @Nullable String reason) {

    public static final BucketDecision GRANTED = new BucketDecision(true, Duration.ZERO, null);

    public BucketDecision {
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public static BucketDecision refused(Duration retryAfter, String reason) {
        return new BucketDecision(false, retryAfter, Objects.requireNonNull(reason, "reason"));
    }
}
