package dev.switchboard.gateway;

import java.io.IOException;
import java.net.URISyntaxException;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.RequestValidateHost;
import org.apache.hc.core5.net.URIAuthority;

/**
 * HttpCore's {@link RequestValidateHost} (a request's authority from its {@code Host} header; 400 for none in
 * HTTP/1.1, for several, or for one that is not a host), keeping the authority it read last: clients send the same
 * {@code Host} value on every request, and HttpCore parses it anew each time (a cursor, a tokenizer's builders and
 * strings, about 450 bytes a request). A {@link URIAuthority} is immutable, so requests with the same value share one.
 * Thread-safe: both I/O threads use it; a race only parses a value twice.
 */
final class HostAuthority implements HttpRequestInterceptor {

    static final HostAuthority INSTANCE = new HostAuthority();

    /** A Host value and the authority HttpCore read from it. */
    private record Read(String value, URIAuthority authority) {}

    private volatile Read last;

    private HostAuthority() {
    }

    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context)
            throws HttpException, IOException {
        if (request.getAuthority() != null) {
            return; // given by an absolute request target
        }
        Header header = request.getHeader(HttpHeaders.HOST); // throws for more than one, as HttpCore's does
        if (header != null) {
            request.setAuthority(authority(header.getValue()));
        } else {
            ProtocolVersion version = request.getVersion() != null ? request.getVersion() : HttpVersion.HTTP_1_1;
            if (version.greaterEquals(HttpVersion.HTTP_1_1)) {
                throw new ProtocolException("Host header is absent");
            }
        }
    }

    private URIAuthority authority(String value) throws ProtocolException {
        Read read = last;
        if (read != null && read.value.equals(value)) {
            return read.authority;
        }
        URIAuthority authority;
        try {
            authority = URIAuthority.create(value);
        } catch (URISyntaxException e) {
            throw new ProtocolException(e.getMessage(), e);
        }
        if (authority != null) {
            last = new Read(value, authority);
        }
        return authority;
    }
}
