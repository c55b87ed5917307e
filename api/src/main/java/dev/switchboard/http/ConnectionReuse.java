package dev.switchboard.http;

import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.client5.http.impl.DefaultConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ConnectionReuseStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HeaderElements;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Whether an upstream connection may serve the next request, and for how long, as HttpClient's
 * {@link DefaultClientConnectionReuseStrategy} and {@link DefaultConnectionKeepAliveStrategy} decide, without
 * tokenizing the usual exchange's {@code Connection: keep-alive} headers for every call. The usual exchange (a GET or
 * POST whose {@code Connection} header, if any, says only {@code keep-alive}; an HTTP/1.1 answer with a body delimited
 * by one {@code Content-Length} or a {@code Transfer-Encoding}, and one {@code Connection: keep-alive} header or
 * neither {@code Connection} nor {@code Proxy-Connection}) is kept alive, which is HttpClient's answer for it; an
 * answer without a {@code Keep-Alive} header is kept for the request config's keep-alive time, as HttpClient's
 * strategy does. Every other exchange is left to HttpClient's strategies.
 */
final class ConnectionReuse implements ConnectionReuseStrategy, ConnectionKeepAliveStrategy {

    static final ConnectionReuse INSTANCE = new ConnectionReuse();

    private static final ConnectionReuseStrategy HTTP_CLIENTS = DefaultClientConnectionReuseStrategy.INSTANCE;
    private static final ConnectionKeepAliveStrategy HTTP_CLIENTS_KEEP_ALIVE = DefaultConnectionKeepAliveStrategy.INSTANCE;

    private ConnectionReuse() {}

    @Override
    public boolean keepAlive(HttpRequest request, HttpResponse response, HttpContext context) {
        if (request != null && usualRequest(request) && usualAnswer(response)) {
            return true;
        }
        return HTTP_CLIENTS.keepAlive(request, response, context);
    }

    @Override
    public TimeValue getKeepAliveDuration(HttpResponse response, HttpContext context) {
        if (response.containsHeader(HttpHeaders.KEEP_ALIVE)) {
            return HTTP_CLIENTS_KEEP_ALIVE.getKeepAliveDuration(response, context); // a timeout the upstream gives
        }
        return HttpClientContext.cast(context).getRequestConfigOrDefault().getConnectionKeepAlive();
    }

    private static boolean usualRequest(HttpRequest request) {
        String method = request.getMethod();
        if (!Method.POST.isSame(method) && !Method.GET.isSame(method)) {
            return false;
        }
        if (request.containsHeader(HttpHeaders.CONTENT_LENGTH) && request.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return false;
        }
        int connection = request.countHeaders(HttpHeaders.CONNECTION);
        return connection == 0 || connection == 1 && keepAlive(request.getFirstHeader(HttpHeaders.CONNECTION));
    }

    private static boolean keepAlive(Header connection) {
        return HeaderElements.KEEP_ALIVE.equalsIgnoreCase(connection.getValue());
    }

    private static boolean usualAnswer(HttpResponse response) {
        int code = response.getCode();
        return HttpVersion.HTTP_1_1.equals(response.getVersion())
                && code >= HttpStatus.SC_OK && code != HttpStatus.SC_NO_CONTENT && code != HttpStatus.SC_NOT_MODIFIED
                && (response.containsHeader(HttpHeaders.TRANSFER_ENCODING)
                        || response.countHeaders(HttpHeaders.CONTENT_LENGTH) == 1)
                && usualConnectionHeader(response);
    }

    /** One {@code Connection: keep-alive}, or neither that header nor the old {@code Proxy-Connection} in its place. */
    private static boolean usualConnectionHeader(HttpResponse response) {
        int connection = response.countHeaders(HttpHeaders.CONNECTION);
        if (connection == 0) {
            return !response.containsHeader("Proxy-Connection");
        }
        return connection == 1 && keepAlive(response.getFirstHeader(HttpHeaders.CONNECTION));
    }
}
