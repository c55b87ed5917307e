package dev.switchboard.cli;

/** The command was used wrongly (exit code 2); the message says how to use it. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
