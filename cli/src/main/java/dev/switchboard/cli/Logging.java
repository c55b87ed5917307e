package dev.switchboard.cli;

import dev.switchboard.runtime.LogMasking;
import java.io.PrintWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Routes the library's {@code System.Logger} output (java.util.logging by default) to standard error, one line per
 * record: warnings only, or with {@code --verbose} Switchboard's own debug messages and stack traces too. The
 * command reports fallbacks and failures itself, so the runtime's INFO lines would only repeat them. Every record,
 * from any logger (HttpClient's header and wire logs included), is masked by {@link LogMasking} before any handler
 * sees it, and the line handler masks once more.
 */
final class Logging {

    private static final String SWITCHBOARD = "dev.switchboard";
    /**
     * The Redis client's reconnection logger: it warns at every failed reconnection (several a second while a server
     * is away), which the state backend's own outage lines (one when it starts, one when it ends) already say.
     */
    private static final String REDIS_RECONNECTS = "io.lettuce.core.protocol.ConnectionWatchdog";
    /** Kept referenced: java.util.logging holds loggers weakly, and a collected one would lose its level. */
    private static Logger switchboardLogger;
    private static Logger redisReconnects;

    private Logging() {}

    static synchronized void configure(boolean verbose, PrintWriter err, Redaction redaction) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.setLevel(Level.WARNING);
        root.addHandler(new LineHandler(err, redaction, verbose));
        switchboardLogger = Logger.getLogger(SWITCHBOARD);
        switchboardLogger.setLevel(verbose ? Level.FINE : Level.WARNING);
        redisReconnects = Logger.getLogger(REDIS_RECONNECTS);
        redisReconnects.setLevel(verbose ? Level.WARNING : Level.SEVERE);
        LogMasking.install();
    }

    /** Writes each record as {@code switchboard: <level>: <message>}. */
    private static final class LineHandler extends Handler {
        /** Only for {@link Formatter#formatMessage}: fills in parameters the way java.util.logging does. */
        private static final Formatter FORMATTER = new SimpleFormatter();
        private final PrintWriter err;
        private final Redaction redaction;
        private final boolean stackTraces;

        LineHandler(PrintWriter err, Redaction redaction, boolean stackTraces) {
            this.err = err;
            this.redaction = redaction;
            this.stackTraces = stackTraces;
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String message = FORMATTER.formatMessage(record);
            synchronized (err) {
                err.println("switchboard: " + levelName(record.getLevel()) + ": " + redaction.apply(message));
                if (stackTraces && record.getThrown() != null) {
                    err.print(redaction.apply(Errors.stackTrace(record.getThrown())));
                }
                err.flush();
            }
        }

        /** The System.Logger names (java.util.logging's FINE is the library's DEBUG). */
        private static String levelName(Level level) {
            int v = level.intValue();
            return v >= Level.SEVERE.intValue() ? "error" : v >= Level.WARNING.intValue() ? "warning"
                    : v >= Level.INFO.intValue() ? "info" : v >= Level.FINE.intValue() ? "debug" : "trace";
        }

        @Override
        public void flush() {
            err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
