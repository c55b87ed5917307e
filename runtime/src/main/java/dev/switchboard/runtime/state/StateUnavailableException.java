package dev.switchboard.runtime.state;

/** The state backend cannot be reached or failed to answer; the message names the backend and why. */
public final class StateUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
