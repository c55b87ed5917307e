package dev.switchboard.gateway;

import dev.switchboard.http.Redactor;

/**
 * A throwable as one bounded log line: its class and its message on one line, with anything that looks like a key
 * masked. The gateway logs failures this way so that a fatal error (an OutOfMemoryError, say) is one line in the log,
 * not a stack trace on standard error; the trace is logged at DEBUG for whoever needs it.
 */
final class FailureLine {

    private static final int MAX = 300;
    private static final Redactor REDACTOR = Redactor.patternsOnly();

    private FailureLine() {}

    static String of(Throwable t) {
        String message = t.getMessage();
        String text = t.getClass().getName() + (message == null ? "" : ": " + message);
        text = REDACTOR.redact(text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        return text.length() <= MAX ? text : text.substring(0, MAX) + "...";
    }

    /** Logs {@code what} and the failure as one line at {@code level}, and the stack trace at DEBUG. */
    static void log(System.Logger.Level level, String what, Throwable t) {
        System.Logger log = GatewayServer.LOG;
        log.log(level, what + ": " + of(t));
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, what, t);
        }
    }
}
