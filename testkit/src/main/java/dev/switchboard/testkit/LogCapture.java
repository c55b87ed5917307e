package dev.switchboard.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every java.util.logging record at every level, from every logger, as the text a console handler would
 * write (message with its parameters, and the stack trace): for tests that assert what logs may never contain. While
 * open, the root logger and the loggers named in {@link #open(String...)} log at {@code ALL}; {@link #close()}
 * restores their levels.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = LogManager.getLogManager().getLogger("");
    /** Each raised logger with the level it had (null: inherited). */
    private final List<Saved> previous = new ArrayList<>();
    private final List<Logger> loggers = new ArrayList<>();
    private final List<String> records = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                records.add(record.getLoggerName() + " " + record.getLevel() + " " + formatter.format(record));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(String... loggerNames) {
        handler.setLevel(Level.ALL);
        raise(root);
        for (String name : loggerNames) {
            Logger l = Logger.getLogger(name);
            loggers.add(l); // held: java.util.logging keeps loggers weakly, and a collected one would lose its level
            raise(l);
        }
        root.addHandler(handler);
    }

    /** Starts capturing; {@code loggerNames} are set to {@code ALL} too (e.g. ones configured with a level). */
    public static LogCapture open(String... loggerNames) {
        return new LogCapture(loggerNames);
    }

    private void raise(Logger l) {
        previous.add(new Saved(l, l.getLevel()));
        l.setLevel(Level.ALL);
    }

    /** The records captured so far, each formatted as one text. */
    public List<String> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** All captured records as one text. */
    public String text() {
        return String.join("\n", records());
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        for (Saved s : previous) {
            s.logger().setLevel(s.level());
        }
    }

    private record Saved(Logger logger, Level level) {}
}
