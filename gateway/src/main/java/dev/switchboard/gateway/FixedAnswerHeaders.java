package dev.switchboard.gateway;

import dev.switchboard.internal.FormattedHeaders;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpResponseInterceptor;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.impl.HttpProcessors;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.ResponseDate;
import org.apache.hc.core5.http.protocol.ResponseServer;
import org.apache.hc.core5.util.VersionInfo;

/**
 * The {@code Date} and {@code Server} headers of every answer, as HttpCore's {@link ResponseDate} and
 * {@link ResponseServer} add them, each one header object shared by all answers (immutable) instead of one made per
 * answer, and formatted already ({@link FormattedHeaders}). HttpCore's date generator takes a lock that every I/O
 * thread shares for each answer; here the date of the current second is read from a volatile field and formatted
 * again only when the second has changed (two threads that both see it change format it both, harmlessly).
 */
final class FixedAnswerHeaders {

    /** IMF-fixdate (RFC 9110, 5.6.7), in English whatever the default locale. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** What HttpCore's default server processor says in {@code Server}. */
    static final Header SERVER = FormattedHeaders.of(HttpHeaders.SERVER,
            VersionInfo.getSoftwareInfo("Apache-HttpCore", "org.apache.hc.core5", HttpProcessors.class));

    /** Adds {@link #SERVER} to an answer that has no {@code Server} header. */
    static final HttpResponseInterceptor SERVER_HEADER = (HttpResponse response, EntityDetails entity,
                                                          HttpContext context) -> {
        if (!response.containsHeader(HttpHeaders.SERVER)) {
            response.addHeader(SERVER);
        }
    };

    private FixedAnswerHeaders() {
    }


    /** Adds the current {@code Date} to a final answer (2xx and over) that has none, as {@link ResponseDate}. */
    static final class DateHeader implements HttpResponseInterceptor {

        static final DateHeader SYSTEM = new DateHeader(System::currentTimeMillis);

        private record Stamp(long second, Header header) {}

        private final LongSupplier millis;
        private volatile Stamp current = new Stamp(Long.MIN_VALUE, null);

        DateHeader(LongSupplier millis) {
            this.millis = millis;
        }

        @Override
        public void process(HttpResponse response, EntityDetails entity, HttpContext context) {
            if (response.getCode() >= HttpStatus.SC_OK && !response.containsHeader(HttpHeaders.DATE)) {
                response.setHeader(current());
            }
        }

        /** The {@code Date} header of the current second. */
        Header current() {
            long second = Math.floorDiv(millis.getAsLong(), 1000);
            Stamp stamp = current;
            if (stamp.second() != second) {
                String date = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
                stamp = new Stamp(second, FormattedHeaders.of(HttpHeaders.DATE, date));
                current = stamp;
            }
            return stamp.header();
        }
    }
}
