package dev.switchboard.runtime.state;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A pair of buckets as of one moment: what is available (negative after a settlement in debt) and the hold in force,
 * if any. Immutable.
 *
 * @param heldUntil null when no hold is in force
 * @param heldWhy   null when no hold is in force
 */
public record BucketView(double requestsAvailable, double tokensAvailable, @Nullable Instant heldUntil,
                         @Nullable String heldWhy) {}
