package dev.switchboard.runtime;

/** Where a route target's cooldown stands. */
public enum CircuitState {
    /** Healthy: calls go through. */
    CLOSED,
    /** Cooling down after consecutive failures: calls skip the target until the cooldown ends. */
    OPEN,
    /** The cooldown is over: one probe call may go through; its outcome closes or re-opens the target. */
    HALF_OPEN
}
