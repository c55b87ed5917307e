package dev.switchboard.http;

import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.core5.http.ConnectionReuseStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Whether an upstream connection may serve the next request, as HttpClient's
 * {@link DefaultClientConnectionReuseStrategy} decides, without tokenizing the usual {@code Connection: keep-alive}
 * request header and iterating the answer's absent {@code Connection} headers for every call. The usual exchange (a
 * GET or POST whose {@code Connection} header, if any, says only {@code keep-alive}; an HTTP/1.1 answer with a body
 * delimited by one {@code Content-Length} or a {@code Transfer-Encoding}, and no {@code Connection} or
 * {@code Proxy-Connection} header) is kept alive, which is HttpClient's answer for it; every other exchange is left to
 * HttpClient's strategy.
 */
final class ConnectionReuse implements ConnectionReuseStrategy {

    static final ConnectionReuse INSTANCE = new ConnectionReuse();

    private static final ConnectionReuseStrategy HTTP_CLIENTS = DefaultClientConnectionReuseStrategy.INSTANCE;

    private ConnectionReuse() {}

    @Override
    public boolean keepAlive(HttpRequest request, HttpResponse response, HttpContext context) {
        if (request != null && usualRequest(request) && usualAnswer(response)) {
            return true;
        }
        return HTTP_CLIENTS.keepAlive(request, response, context);
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
        if (connection == 0) {
            return true;
        }
        Header only = request.getFirstHeader(HttpHeaders.CONNECTION);
        return connection == 1 && "keep-alive".equalsIgnoreCase(only.getValue());
    }

    private static boolean usualAnswer(HttpResponse response) {
        int code = response.getCode();
        return HttpVersion.HTTP_1_1.equals(response.getVersion())
                && code >= HttpStatus.SC_OK && code != HttpStatus.SC_NO_CONTENT && code != HttpStatus.SC_NOT_MODIFIED
                && (response.containsHeader(HttpHeaders.TRANSFER_ENCODING)
                        || response.countHeaders(HttpHeaders.CONTENT_LENGTH) == 1)
                && !response.containsHeader(HttpHeaders.CONNECTION)
                && !response.containsHeader("Proxy-Connection");
    }
}
