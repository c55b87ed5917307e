package dev.switchboard.http;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseFactory;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseParser;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.LazyLaxLineParser;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.NHttpMessageParserFactory;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads an upstream answer's head on the non-blocking client as HttpCore's {@link DefaultHttpResponseParser} does
 * there (its default line parser, {@link LazyLaxLineParser}: the same lines from the session buffer, the same
 * {@link Http1Config} limits and exceptions, the same status, reason, version, header names and values), with less
 * garbage: HttpCore makes a new line buffer, a {@code BufferedHeader} and its name and value strings for every header
 * line of every answer. Here one connection reads every line into one line buffer and keeps the header lines of a head
 * back to back in one head buffer; the reason phrase and headers of its previous answer are reused where the same
 * bytes come again, as they do on a kept-alive connection (the same {@code Content-Type}, {@code Server},
 * {@code Connection}..., only {@code Date}, {@code Content-Length}, request ids and rate-limit counters differing).
 *
 * <p>Only the usual shapes take that way: a status line {@code HTTP/1.1 DDD reason} (or {@code 1.0}, or no reason)
 * with a status code from 100 and a reason without whitespace at its ends, and a header line {@code name: value} with
 * no whitespace at the name's ends and no CR, LF or NUL inside the value. Any other line goes to HttpCore's own
 * parsing, so what it makes of the line, or its {@code ParseException}, is the library's own. Folded header lines are
 * joined as HttpCore joins them.
 *
 * <p>One parser per connection (see {@link #factory}), used by that connection's I/O thread only, so what it keeps of
 * one answer (a credential an upstream echoes included) is never seen by another connection. The headers it returns
 * are immutable {@link BasicHeader}s, so handing the same one to a later answer is safe.
 */
final class AnswerHeadParser implements NHttpMessageParser<HttpResponse> {

    /** A new parser for each connection, with the transport's head limits. */
    static NHttpMessageParserFactory<HttpResponse> factory(Http1Config config) {
        return () -> new AnswerHeadParser(config);
    }

    private enum State { STATUS_LINE, HEADERS, COMPLETED }

    private static final int LINE = 64;
    private static final int HEAD = 256;
    /** Buffers grown past this by one large head are let go at the next head, not kept for the connection's life. */
    private static final int KEPT_CAPACITY = 4096;
    /** Header lines of the previous answer kept for reuse: a usual answer has fewer than two dozen. */
    private static final int KEPT_HEADERS = 32;
    /** A header with a longer value is not kept for the next answer to compare with (as the blocking client's). */
    private static final int KEPT_VALUE_CHARS = ResponseHeadParser.KEPT_VALUE_CHARS;

    private final Http1Config config;
    private CharArrayBuffer line = new CharArrayBuffer(LINE);
    /** The header lines of the head being read, back to back; line i ends at {@code ends[i]}. */
    private CharArrayBuffer head = new CharArrayBuffer(HEAD);
    private int[] ends = new int[16];
    private int lines;
    private State state = State.STATUS_LINE;
    private int emptyLines;
    private HttpResponse response;

    // What the previous answer on this connection was made of, for reuse.
    private String reason = "";
    private final Header[] kept = new Header[KEPT_HEADERS];

    AnswerHeadParser(Http1Config config) {
        this.config = config != null ? config : Http1Config.DEFAULT;
    }

    @Override
    public void reset() {
        state = State.STATUS_LINE;
        lines = 0;
        emptyLines = 0;
        response = null;
        if (head.capacity() > KEPT_CAPACITY) {
            head = new CharArrayBuffer(HEAD);
        }
        if (line.capacity() > KEPT_CAPACITY) {
            line = new CharArrayBuffer(LINE);
        }
        head.clear();
    }

    /** HttpCore's {@code AbstractMessageParser.parse} loop, line for line. */
    @Override
    public HttpResponse parse(SessionInputBuffer input, boolean endOfStream) throws IOException, HttpException {
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
            if (state == State.STATUS_LINE) {
                if (line.isEmpty()) {
                    if (++emptyLines >= config.getMaxEmptyLineCount()) {
                        throw new MessageConstraintException("Maximum empty line limit exceeded");
                    }
                } else {
                    response = statusLine(line);
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
            response.addHeader(header(i, from, ends[i]));
            from = ends[i];
        }
        return response;
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

    /**
     * The answer of a status line: {@code HTTP/1.x DDD} followed by nothing or by a space and a reason without
     * whitespace at its ends here, anything else by HttpCore ({@code DefaultHttpResponseParser.createMessage}).
     */
    private HttpResponse statusLine(CharArrayBuffer buffer) throws HttpException {
        char[] c = buffer.array();
        int n = buffer.length();
        ProtocolVersion version = n >= 12 ? version(c) : null;
        int code = version != null ? code(c) : -1;
        boolean usual = code > 0 && (n == 12
                || (n > 13 && c[12] == ' ' && !whitespace(c[13]) && !whitespace(c[n - 1])));
        if (!usual) {
            StatusLine parsed = LazyLaxLineParser.INSTANCE.parseStatusLine(buffer);
            HttpResponse unusual = DefaultHttpResponseFactory.INSTANCE.newHttpResponse(parsed.getStatusCode(),
                    parsed.getReasonPhrase());
            unusual.setVersion(parsed.getProtocolVersion());
            return unusual;
        }
        if (n == 12) {
            // HttpCore's reason of a status line without one is the empty string
            return answer(code, "", version);
        }
        if (!same(c, 13, n, reason)) {
            reason = new String(c, 13, n - 13);
        }
        return answer(code, reason, version);
    }

    private static HttpResponse answer(int code, String reason, ProtocolVersion version) {
        HttpResponse made = DefaultHttpResponseFactory.INSTANCE.newHttpResponse(code, reason);
        made.setVersion(version);
        return made;
    }

    /** {@code HTTP/1.1 } or {@code HTTP/1.0 } exactly at the line's start; null for anything else. */
    private static ProtocolVersion version(char[] c) {
        if (c[0] != 'H' || c[1] != 'T' || c[2] != 'T' || c[3] != 'P' || c[4] != '/' || c[5] != '1' || c[6] != '.'
                || c[8] != ' ') {
            return null;
        }
        return c[7] == '1' ? HttpVersion.HTTP_1_1 : c[7] == '0' ? HttpVersion.HTTP_1_0 : null;
    }

    /** The three digits after the version, from 100; -1 for anything else (HttpCore's to read or refuse). */
    private static int code(char[] c) {
        if (c[9] < '1' || c[9] > '9' || c[10] < '0' || c[10] > '9' || c[11] < '0' || c[11] > '9') {
            return -1;
        }
        return (c[9] - '0') * 100 + (c[10] - '0') * 10 + (c[11] - '0');
    }

    /**
     * Header line {@code i}, in {@code head[from, to)}: the previous answer's header at the same place when the line
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
            kept[i] = end - start <= KEPT_VALUE_CHARS ? made : null;
        }
        return made;
    }

    /** A header line read by HttpCore's own line parser, from a copy (its header keeps the buffer it was given). */
    private Header unusual(int from, int to) throws HttpException {
        CharArrayBuffer copy = new CharArrayBuffer(to - from);
        copy.append(head.array(), from, to - from);
        return LazyLaxLineParser.INSTANCE.parseHeader(copy);
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
