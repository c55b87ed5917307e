package dev.switchboard.gateway;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.RequestHeaderFieldsTooLargeException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestFactory;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestParser;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.LazyLineParser;
import org.apache.hc.core5.http.message.RequestLine;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.NHttpMessageParserFactory;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads a request head as HttpCore's {@link DefaultHttpRequestParser} does (the same lines from the session buffer,
 * the same {@link Http1Config} limits and exceptions, the same request and header names and values), with less
 * garbage: HttpCore makes a new line buffer, a {@code BufferedHeader} and its name string for every header line, and
 * tokenizes the request line into fresh strings and a URI for every request. Here one connection reads every line
 * into one line buffer and keeps the header lines of a head back to back in one head buffer; the strings and
 * headers of its previous request are kept and reused where the same bytes come again, as they do on a kept-alive
 * connection (the same method and path, host, content type, authorization..., only the content length differing).
 *
 * <p>Only the usual shapes take that way: a request line {@code METHOD SP target SP HTTP/1.1} (or {@code 1.0}) and a
 * header line {@code name: value} with no whitespace at the name's ends and no CR, LF or NUL inside the value.
 * Any other line goes to HttpCore's own parsing ({@link LazyLineParser}), so what it makes of the line, or its
 * {@code ParseException}, is the library's own. Folded header lines are joined as HttpCore joins them.
 *
 * <p>One parser per connection (see {@link #factory}); used by that connection's I/O thread only. The headers it
 * returns are immutable {@link BasicHeader}s, so handing the same one to a later request is safe.
 */
final class RequestHeadParser implements NHttpMessageParser<HttpRequest> {

    /** A new parser for each connection, with the server's limits. */
    static NHttpMessageParserFactory<HttpRequest> factory(Http1Config config) {
        return () -> new RequestHeadParser(config);
    }

    private enum State { REQUEST_LINE, HEADERS, COMPLETED }

    private static final int LINE = 64;
    private static final int HEAD = 256;
    /** Buffers grown past this by one large head are let go at the next head, not kept for the connection's life. */
    private static final int KEPT_CAPACITY = 4096;
    /** Header lines of the previous request kept for reuse: a usual request has fewer than a dozen. */
    private static final int KEPT_HEADERS = 32;

    private final Http1Config config;
    // Small at first (a thousand open streams hold a thousand parsers); they grow to the connection's heads.
    private CharArrayBuffer line = new CharArrayBuffer(LINE);
    /** The header lines of the head being read, back to back; line i ends at {@code ends[i]}. */
    private CharArrayBuffer head = new CharArrayBuffer(HEAD);
    private int[] ends = new int[8];
    private int lines;
    private State state = State.REQUEST_LINE;
    private int emptyLines;
    private HttpRequest request;

    // What the previous request of this connection was made of, for reuse.
    private String method;
    private String target;
    private String scheme;
    private URIAuthority authority;
    private String path;
    private final Header[] kept = new Header[KEPT_HEADERS];

    RequestHeadParser(Http1Config config) {
        this.config = config != null ? config : Http1Config.DEFAULT;
    }

    @Override
    public void reset() {
        state = State.REQUEST_LINE;
        lines = 0;
        emptyLines = 0;
        request = null;
        if (head.capacity() > KEPT_CAPACITY) {
            head = new CharArrayBuffer(HEAD);
        }
        if (line.capacity() > KEPT_CAPACITY) {
            line = new CharArrayBuffer(LINE);
        }
        head.clear();
    }

    @Override
    public HttpRequest parse(SessionInputBuffer input, boolean endOfStream)
            throws IOException, HttpException {
        try {
            return read(input, endOfStream);
        } catch (MessageConstraintException e) {
            throw new RequestHeaderFieldsTooLargeException(e.getMessage(), e); // as DefaultHttpRequestParser does
        }
    }

    /** AbstractMessageParser.parse's loop, line for line. */
    private HttpRequest read(SessionInputBuffer input, boolean endOfStream)
            throws IOException, HttpException {
        int maxLine = config.getMaxLineLength();
        while (state != State.COMPLETED) {
            line.clear();
            boolean complete = input.readLine(line, endOfStream);
            if (maxLine > 0 && (line.length() > maxLine || (!complete && input.length() > maxLine))) {
                throw new MessageConstraintException("Maximum line length limit exceeded");
            }
            if (!complete) {
                break;
            }
            if (state == State.REQUEST_LINE) {
                if (line.isEmpty()) {
                    if (++emptyLines >= config.getMaxEmptyLineCount()) {
                        throw new MessageConstraintException("Maximum empty line limit exceeded");
                    }
                } else {
                    request = requestLine(line);
                    state = State.HEADERS;
                }
            } else if (line.length() > 0) {
                int maxCount = config.getMaxHeaderCount();
                if (maxCount > 0 && lines >= maxCount) {
                    throw new MessageConstraintException("Maximum header count exceeded");
                }
                headerLine(maxLine);
            } else {
                state = State.COMPLETED;
            }
            if (endOfStream && !input.hasData()) {
                state = State.COMPLETED;
            }
        }
        if (state != State.COMPLETED) {
            return null;
        }
        int from = 0;
        for (int i = 0; i < lines; i++) {
            request.addHeader(header(i, from, ends[i]));
            from = ends[i];
        }
        return request;
    }

    /** Keeps a header line; a line starting with a space or tab continues the previous one (obsolete folding). */
    private void headerLine(int maxLine) throws MessageConstraintException {
        char first = line.charAt(0);
        if ((first == ' ' || first == '\t') && lines > 0) {
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            int previous = head.length() - (lines > 1 ? ends[lines - 2] : 0);
            if (maxLine > 0 && previous + 1 + line.length() - i > maxLine) {
                throw new MessageConstraintException("Maximum line length limit exceeded");
            }
            head.append(' ');
            head.append(line, i, line.length() - i);
            ends[lines - 1] = head.length();
            return;
        }
        head.append(line.array(), 0, line.length());
        if (lines == ends.length) {
            ends = Arrays.copyOf(ends, lines * 2);
        }
        ends[lines++] = head.length();
    }

    /** The request of a request line: {@code METHOD SP target SP HTTP/1.x} here, anything else by HttpCore. */
    private HttpRequest requestLine(CharArrayBuffer buffer) throws HttpException {
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

    /**
     * Header line {@code i}, in {@code head[from, to)}: the previous request's header at the same place when the line
     * says the same, else a new one; an unusual line as HttpCore's {@code BufferedHeader} reads it.
     */
    private Header header(int i, int from, int to) throws HttpException {
        char[] c = head.array();
        int colon = indexOf(c, ':', from, to);
        if (colon <= from || whitespace(c[from]) || whitespace(c[colon - 1])) {
            return unusual(from, to);
        }
        int start = colon + 1;
        int end = to;
        while (start < end && whitespace(c[start])) {
            start++;
        }
        while (end > start && whitespace(c[end - 1])) {
            end--;
        }
        for (int k = start; k < end; k++) {
            if (c[k] == '\r' || c[k] == '\n' || c[k] == 0) {
                return unusual(from, to); // BufferedHeader turns these into spaces
            }
        }
        Header before = i < kept.length ? kept[i] : null;
        String name;
        if (before != null && same(c, from, colon, before.getName())) {
            if (same(c, start, end, before.getValue())) {
                return before;
            }
            name = before.getName();
        } else {
            name = new String(c, from, colon - from);
        }
        Header made = new BasicHeader(name, new String(c, start, end - start));
        if (i < kept.length) {
            kept[i] = made;
        }
        return made;
    }

    /** A header line read by HttpCore's own parser, from a copy (its header keeps the buffer it was given). */
    private Header unusual(int from, int to) throws HttpException {
        CharArrayBuffer copy = new CharArrayBuffer(to - from);
        copy.append(head.array(), from, to - from);
        return LazyLineParser.INSTANCE.parseHeader(copy);
    }

    /** HttpCore's whitespace ({@code Tokenizer.isWhitespace}). */
    private static boolean whitespace(char ch) {
        return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    private static int indexOf(char[] c, char ch, int from, int to) {
        for (int i = from; i < to; i++) {
            if (c[i] == ch) {
                return i;
            }
        }
        return -1;
    }

    private static boolean same(char[] c, int from, int to, String s) {
        if (s == null || s.length() != to - from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (c[i] != s.charAt(i - from)) {
                return false;
            }
        }
        return true;
    }
}
