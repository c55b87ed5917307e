package dev.switchboard.runtime;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A read-only snapshot of one route target's cooldown, e.g. for a readiness endpoint.
 *
 * @param label               the target's label: provider name, with {@code /model} when the route sets the model
 * @param state               closed, open (cooling down) or half-open (a probe may go through)
 * @param consecutiveFailures failures since the last success
 * @param openUntil           when the current or last cooldown ends; null while closed
 */
public record TargetState(String label, CircuitState state, int consecutiveFailures, @Nullable Instant openUntil) {

    public TargetState {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(state, "state");
    }
}
