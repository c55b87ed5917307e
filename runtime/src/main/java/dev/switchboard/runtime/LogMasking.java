package dev.switchboard.runtime;

import dev.switchboard.http.Redactor;
import dev.switchboard.spi.SecretRegistry;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Masks secrets in every java.util.logging record before any handler writes it: the message with its parameters
 * filled in, and the messages of the attached exception and its causes. That covers {@code System.Logger} (which
 * logs through java.util.logging unless the application installs another backend) and libraries bridged to it, such
 * as HttpClient's wire and header logs through SLF4J's {@code slf4j-jdk14} binding, as the distribution ships it.
 *
 * <p>{@link #install(SecretRegistry)} puts a masking filter on every logger and every handler that exists, keeping
 * any filter they had behind it. Loggers and handlers added later are covered as records pass: a masking filter
 * covers the logger a record comes from and the handlers of that logger and its parents before they see it. Records
 * are masked with every installed registry and the known key shapes ({@link Redactor}). Installing twice is harmless.
 * No logging framework is needed: this is plain java.util.logging.
 */
public final class LogMasking {

    private static final List<SecretRegistry> REGISTRIES = new CopyOnWriteArrayList<>();
    /** Only for {@link Formatter#formatMessage}: fills in parameters the way java.util.logging does. */
    private static final Formatter PARAMETERS = new SimpleFormatter();

    private LogMasking() {}

    /** {@link #install(SecretRegistry)} with the process-wide {@link SecretRegistry#global()}. */
    public static void install() {
        install(SecretRegistry.global());
    }

    /** Masks the values of {@code secrets} in every log record from now on. */
    public static synchronized void install(SecretRegistry secrets) {
        if (REGISTRIES.stream().noneMatch(r -> r == secrets)) {
            REGISTRIES.add(secrets);
        }
        LogManager manager = LogManager.getLogManager();
        for (Enumeration<String> names = manager.getLoggerNames(); names.hasMoreElements(); ) {
            Logger logger = manager.getLogger(names.nextElement());
            if (logger != null) {
                cover(logger);
            }
        }
    }

    /** Whether masking is installed for {@code secrets}. */
    public static boolean isInstalled(SecretRegistry secrets) {
        return REGISTRIES.stream().anyMatch(r -> r == secrets);
    }

    /** Masks the record in place; returns whether anything was masked. */
    public static boolean mask(LogRecord record) {
        boolean changed = false;
        String message = record.getMessage();
        if (message != null) {
            String full = record.getParameters() == null || record.getParameters().length == 0
                    ? message : PARAMETERS.formatMessage(record);
            String masked = redact(full);
            if (!masked.equals(full)) {
                record.setMessage(masked);
                record.setParameters(null);
                record.setResourceBundle(null);
                record.setResourceBundleName(null);
                changed = true;
            }
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && needsMasking(thrown, Collections.newSetFromMap(new java.util.IdentityHashMap<>()))) {
            record.setThrown(MaskedThrowable.of(thrown, LogMasking::redact));
            changed = true;
        }
        return changed;
    }

    private static String redact(String text) {
        String out = text;
        for (SecretRegistry r : REGISTRIES) {
            out = Redactor.of(r).redact(out);
        }
        return REGISTRIES.isEmpty() ? Redactor.patternsOnly().redact(out) : out;
    }

    private static boolean needsMasking(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        String m = t.getMessage();
        if (m != null && !redact(m).equals(m)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (needsMasking(s, seen)) {
                return true;
            }
        }
        return needsMasking(t.getCause(), seen);
    }

    /** Puts a masking filter on the logger and on its handlers and its parents' handlers, where there is none. */
    private static void cover(Logger logger) {
        if (!(logger.getFilter() instanceof MaskingFilter)) {
            logger.setFilter(new MaskingFilter(logger.getFilter()));
        }
        for (Logger l = logger; l != null; l = l.getParent()) {
            for (Handler h : l.getHandlers()) {
                if (!(h.getFilter() instanceof MaskingFilter)) {
                    h.setFilter(new MaskingFilter(h.getFilter()));
                }
            }
            if (!l.getUseParentHandlers()) {
                break;
            }
        }
    }

    /** Masks each record it sees, covers what the record will reach next, then asks the filter it replaced. */
    private static final class MaskingFilter implements Filter {
        private final Filter next;

        MaskingFilter(Filter next) {
            this.next = next;
        }

        @Override
        public boolean isLoggable(LogRecord record) {
            mask(record);
            String name = record.getLoggerName();
            Logger origin = name == null ? null : LogManager.getLogManager().getLogger(name);
            if (origin != null) {
                cover(origin);
            }
            return next == null || next.isLoggable(record);
        }
    }
}
