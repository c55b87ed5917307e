package dev.switchboard.spring.boot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.switchboard.spi.SecretRegistry;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * A Logback filter that drops every record of HttpClient's loggers ({@code org.apache.hc.*}) whose text carries a
 * secret of {@link SecretRegistry#global()}: the wire log ({@code org.apache.hc.client5.http.wire} at DEBUG) prints
 * the request bytes, credential headers included, and Logback cannot rewrite a record, only let it through or not.
 * Records of other loggers are not looked at (a turbo filter runs before the level check, for every call).
 *
 * <p>The starter adds it to Logback's context when Logback is Spring Boot's logging system. An application using
 * Logback without Spring Boot adds {@code <turboFilter class="dev.switchboard.spring.boot.SecretLogFilter"/>} to
 * its {@code logback.xml}.
 */
public final class SecretLogFilter extends TurboFilter {

    private static final String HTTP_CLIENT_LOGGERS = "org.apache.hc.";

    private final SecretRegistry secrets;

    /** A filter over the process-wide registry (what {@code logback.xml} makes). */
    public SecretLogFilter() {
        this(SecretRegistry.global());
    }

    SecretLogFilter(SecretRegistry secrets) {
        this.secrets = secrets;
        setName("switchboard-secrets");
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        // not logger.isEnabledFor(level): that runs the turbo filters again
        if (format == null || level == null || !logger.getName().startsWith(HTTP_CLIENT_LOGGERS)
                || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        String text = params == null || params.length == 0 ? format
                : MessageFormatter.arrayFormat(format, params).getMessage();
        boolean secret = secrets.containsSecret(text) || t != null && secrets.containsSecret(String.valueOf(t));
        return secret ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /** Adds a filter over {@code secrets} to {@code context} unless one is there; returns the one in place. */
    static SecretLogFilter install(LoggerContext context, SecretRegistry secrets) {
        for (TurboFilter f : context.getTurboFilterList()) {
            if (f instanceof SecretLogFilter existing && existing.secrets == secrets) {
                return existing;
            }
        }
        SecretLogFilter filter = new SecretLogFilter(secrets);
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        return filter;
    }
}
