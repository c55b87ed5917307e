package dev.switchboard.cli;

/** The command's exit codes. */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** A provider or route failed (nothing answered, or the answer broke off). */
    static final int FAILURE = 1;
    /** The command line or the configuration is wrong. */
    static final int USAGE = 2;

    private ExitCodes() {}
}
