package dev.switchboard.runtime.state;

import dev.switchboard.api.ErrorKind;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A target's cooldown as it stands. Immutable.
 *
 * @param openUntil   when the current or last cooldown ends; null while closed
 * @param lastFailure the kind of the last failure; null if the target never failed
 */
public record CooldownView(int consecutiveFailures, @Nullable Instant openUntil, boolean probeInFlight,
                           @Nullable ErrorKind lastFailure) {

    public static final CooldownView CLOSED = new CooldownView(0, null, false, null);
}
