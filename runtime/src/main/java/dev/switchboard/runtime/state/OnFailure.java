package dev.switchboard.runtime.state;

/** What a call does while the state backend cannot be reached: {@code switchboard.state.on-failure}. */
public enum OnFailure {
    /** Let calls through uncounted (limits and budgets are not enforced until the backend returns). */
    ALLOW,
    /** Refuse calls until the backend returns. */
    DENY
}
