package dev.switchboard.gateway;

import dev.switchboard.internal.ReusingHeadParser;
import java.io.IOException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.RequestHeaderFieldsTooLargeException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestFactory;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestParser;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.LazyLineParser;
import org.apache.hc.core5.http.message.RequestLine;
import org.apache.hc.core5.http.nio.NHttpMessageParserFactory;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads a request head as HttpCore's {@link DefaultHttpRequestParser} does (with its line parser,
 * {@link LazyLineParser}), with less garbage: see {@link ReusingHeadParser}, which reads the lines and headers. What is
 * the request's own is its request line: {@code METHOD SP target SP HTTP/1.1} (or {@code 1.0}) is read here, HttpCore
 * tokenizing it into fresh strings and a URI for every request otherwise, and the method and target of the previous
 * request are reused when the same bytes come again (as they do on a kept-alive connection); any other request line
 * goes to HttpCore. A head over a limit is refused as {@link DefaultHttpRequestParser} refuses it. One parser per
 * connection ({@link #factory}).
 */
final class RequestHeadParser extends ReusingHeadParser<HttpRequest> {

    /** A new parser for each connection, with the server's limits. */
    static NHttpMessageParserFactory<HttpRequest> factory(Http1Config config) {
        return () -> new RequestHeadParser(config);
    }

    // What the previous request of this connection was made of, for reuse.
    private String method;
    private String target;
    private String scheme;
    private URIAuthority authority;
    private String path;

    RequestHeadParser(Http1Config config) {
        super(config, LazyLineParser.INSTANCE, Integer.MAX_VALUE);
    }

    @Override
    public HttpRequest parse(SessionInputBuffer input, boolean endOfStream) throws IOException, HttpException {
        try {
            return super.parse(input, endOfStream);
        } catch (MessageConstraintException e) {
            throw new RequestHeaderFieldsTooLargeException(e.getMessage(), e); // as DefaultHttpRequestParser does
        }
    }

    /** The request of a request line: {@code METHOD SP target SP HTTP/1.x} here, anything else by HttpCore. */
    @Override
    protected HttpRequest firstLine(CharArrayBuffer buffer) throws HttpException {
        char[] c = buffer.array();
        int n = buffer.length();
        int gap1 = indexOf(c, ' ', 0, n);
        int gap2 = gap1 < 0 ? -1 : indexOf(c, ' ', gap1 + 1, n);
        ProtocolVersion version = gap2 < 0 ? null : version(c, gap2 + 1, n);
        if (gap1 <= 0 || gap2 <= gap1 + 1 || version == null || hasOtherWhitespace(c, gap2)) {
            RequestLine parsed = LazyLineParser.INSTANCE.parseRequestLine(buffer);
            HttpRequest unusual = DefaultHttpRequestFactory.INSTANCE.newHttpRequest(parsed.getMethod(),
                    parsed.getUri());
            unusual.setVersion(parsed.getProtocolVersion());
            return unusual;
        }
        if (method == null || !same(c, 0, gap1, method)) {
            method = new String(c, 0, gap1);
        }
        if (target == null || !same(c, gap1 + 1, gap2, target)) {
            target = new String(c, gap1 + 1, gap2 - gap1 - 1);
            // HttpCore's own reading of the target (a URI, or the raw text when it is not one), kept for the next
            HttpRequest made = DefaultHttpRequestFactory.INSTANCE.newHttpRequest(method, target);
            scheme = made.getScheme();
            authority = made.getAuthority();
            path = made.getPath();
        }
        HttpRequest made = new BasicHttpRequest(method, scheme, authority, path);
        made.setVersion(version);
        return made;
    }

    /** {@code HTTP/1.1} or {@code HTTP/1.0} exactly, from {@code from} to the line's end; null for anything else. */
    private static ProtocolVersion version(char[] c, int from, int to) {
        if (to - from != 8 || c[from] != 'H' || c[from + 1] != 'T' || c[from + 2] != 'T' || c[from + 3] != 'P'
                || c[from + 4] != '/' || c[from + 5] != '1' || c[from + 6] != '.') {
            return null;
        }
        return c[from + 7] == '1' ? HttpVersion.HTTP_1_1 : c[from + 7] == '0' ? HttpVersion.HTTP_1_0 : null;
    }

    /** Whether the request line's method or target holds a tab, CR or LF (HttpCore's tokenizer treats those apart). */
    private static boolean hasOtherWhitespace(char[] c, int to) {
        for (int i = 0; i < to; i++) {
            if (c[i] == '\t' || c[i] == '\r' || c[i] == '\n') {
                return true;
            }
        }
        return false;
    }
}
