package dev.switchboard.gateway;

import dev.switchboard.internal.FormattedHeaders;
import java.io.IOException;
import org.apache.hc.core5.http.ConnectionReuseStrategy;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpResponseInterceptor;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.impl.DefaultConnectionReuseStrategy;
import org.apache.hc.core5.http.impl.HttpProcessors;
import org.apache.hc.core5.http.message.MessageSupport;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestConformance;
import org.apache.hc.core5.http.protocol.RequestValidateHost;
import org.apache.hc.core5.http.protocol.ResponseConformance;
import org.apache.hc.core5.http.protocol.ResponseConnControl;
import org.apache.hc.core5.http.protocol.ResponseContent;

/**
 * HttpCore's {@code Connection} handling for an answer, with a short way for the usual request: HTTP/1.1 with no
 * {@code Connection} header or a single {@code Connection: keep-alive}. HttpCore's own {@link ResponseConnControl}
 * and {@link DefaultConnectionReuseStrategy} parse the request's and the answer's {@code Connection} headers into
 * tokens for every answer (a few string and iterator objects, a measurable share of a cached answer's time); here
 * those two cases are recognised by comparing the one header value, with the same outcome. Anything else (another
 * value, several headers, HTTP/1.0, an answer that closes, {@code Upgrade}, a 204) is left to HttpCore's own code.
 */
final class KeepAlive {

    private static final String KEEP_ALIVE = "keep-alive";
    /** The header HttpCore's reuse strategy reads when an answer has no {@code Connection} header. */
    private static final String PROXY_CONNECTION = "Proxy-Connection";
    /** {@code Connection: keep-alive}, one header for every answer that says it (headers are immutable). */
    private static final Header KEEP_ALIVE_HEADER = FormattedHeaders.of(HttpHeaders.CONNECTION, KEEP_ALIVE);

    private KeepAlive() {
    }

    /**
     * HttpCore's default server processor ({@link HttpProcessors#server()}), with {@link #CONTROL} for its connection
     * step, {@link HostAuthority} for its {@link RequestValidateHost} step, and {@link FixedAnswerHeaders} for its
     * {@code ResponseDate} and {@code ResponseServer} steps.
     */
    static HttpProcessor serverProcessor() {
        return HttpProcessorBuilder.create()
                .addAll(ResponseConformance.INSTANCE, FixedAnswerHeaders.DateHeader.SYSTEM,
                        FixedAnswerHeaders.SERVER_HEADER, ResponseContent.INSTANCE, CONTROL)
                .addAll(HostAuthority.INSTANCE, RequestConformance.INSTANCE)
                .build();
    }

    /** {@link ResponseConnControl}: what the answer's {@code Connection} header says. */
    static final HttpResponseInterceptor CONTROL = new HttpResponseInterceptor() {
        @Override
        public void process(HttpResponse response, EntityDetails entity, HttpContext context)
                throws HttpException, IOException {
            if (!closesAlways(response.getCode()) && !response.containsHeader(HttpHeaders.CONNECTION)
                    && !response.containsHeader(HttpHeaders.UPGRADE)) {
                HttpCoreContext core = HttpCoreContext.cast(context);
                ProtocolVersion version = core.getProtocolVersion();
                HttpRequest request = core.getRequest();
                if (version != null && version.greaterEquals(HttpVersion.HTTP_1_1) && request != null) {
                    int n = request.countHeaders(HttpHeaders.CONNECTION);
                    if (n == 0) {
                        return; // HTTP/1.1 keeps the connection: nothing to say
                    }
                    if (n == 1 && keepAlive(request.getFirstHeader(HttpHeaders.CONNECTION))) {
                        response.addHeader(KEEP_ALIVE_HEADER);
                        return;
                    }
                }
            }
            ResponseConnControl.INSTANCE.process(response, entity, context);
        }
    };

    /** {@link DefaultConnectionReuseStrategy}: whether the connection serves another request after this answer. */
    static final ConnectionReuseStrategy REUSE = (request, response, context) -> {
        if (request != null && !request.containsHeader(HttpHeaders.TRANSFER_ENCODING)
                && response.getCode() != HttpStatus.SC_NO_CONTENT
                && !response.containsHeader(HttpHeaders.TRANSFER_ENCODING) && answerKeepsAlive(response)) {
            int asked = request.countHeaders(HttpHeaders.CONNECTION);
            ProtocolVersion version = response.getVersion() != null ? response.getVersion()
                    : context.getProtocolVersion();
            if ((asked == 0 || asked == 1 && keepAlive(request.getFirstHeader(HttpHeaders.CONNECTION)))
                    && version != null && version.greaterEquals(HttpVersion.HTTP_1_1)) {
                // a body HttpCore cannot delimit without closing: one Content-Length or none needed
                return !MessageSupport.canResponseHaveBody(request.getMethod(), response)
                        || response.countHeaders(HttpHeaders.CONTENT_LENGTH) == 1;
            }
        }
        return DefaultConnectionReuseStrategy.INSTANCE.keepAlive(request, response, context);
    };

    /**
     * The answer's own say: a single {@code Connection: keep-alive}, or none at all, which is what {@link #CONTROL}
     * leaves on the usual HTTP/1.1 answer (then HttpCore reads {@code Proxy-Connection} instead, so that one must be
     * absent too).
     */
    private static boolean answerKeepsAlive(HttpResponse response) {
        int n = response.countHeaders(HttpHeaders.CONNECTION);
        return n == 0 ? !response.containsHeader(PROXY_CONNECTION)
                : n == 1 && keepAlive(response.getFirstHeader(HttpHeaders.CONNECTION));
    }

    /** The statuses after which {@link ResponseConnControl} always closes the connection. */
    private static boolean closesAlways(int status) {
        return status == HttpStatus.SC_BAD_REQUEST || status == HttpStatus.SC_REQUEST_TIMEOUT
                || status == HttpStatus.SC_LENGTH_REQUIRED || status == HttpStatus.SC_REQUEST_TOO_LONG
                || status == HttpStatus.SC_REQUEST_URI_TOO_LONG || status == HttpStatus.SC_SERVICE_UNAVAILABLE
                || status == HttpStatus.SC_NOT_IMPLEMENTED;
    }

    private static boolean keepAlive(Header connection) {
        return connection != null && KEEP_ALIVE.equalsIgnoreCase(connection.getValue());
    }
}
