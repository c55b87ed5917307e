package dev.switchboard.internal;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.LineParser;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads a message head on a non-blocking connection as HttpCore's {@code AbstractMessageParser} does (the same lines
 * from the session buffer, the same {@link Http1Config} limits and exceptions, the same header names and values), with
 * less garbage: HttpCore makes a new line buffer, a {@code BufferedHeader} and its strings for every header line. Here
 * one connection reads every line into one line buffer and keeps the header lines of a head back to back in one head
 * buffer; the headers of its previous message are reused where the same bytes come again, as they do on a kept-alive
 * connection. A header line {@code name: value} with no whitespace at the name's ends and no CR, LF or NUL inside the
 * value takes that way; any other goes to HttpCore's own {@code unusualLines} parser, so what it makes of the line, or
 * its {@code ParseException}, is the library's own. Folded header lines are joined as HttpCore joins them. What is
 * the subclass's own is the first line ({@link #firstLine}): the server's request line, the client's status line.
 *
 * <p>One parser per connection, used by that connection's I/O thread only, so what it keeps of one message (a
 * credential included) is never seen by another connection. The headers it returns are immutable {@link BasicHeader}s,
 * so handing the same one to a later message is safe.
 */
public abstract class ReusingHeadParser<T extends HttpMessage> implements NHttpMessageParser<T> {

    private enum State { FIRST_LINE, HEADERS, COMPLETED }

    private static final int LINE = 64;
    private static final int HEAD = 256;
    /** Buffers grown past this by one large head are let go at the next head, not kept for the connection's life. */
    private static final int KEPT_CAPACITY = 4096;
    /** Header lines of the previous message kept for reuse: a usual head has fewer than two dozen. */
    private static final int KEPT_HEADERS = 32;

    private final Http1Config config;
    private final LineParser unusualLines;
    private final int keptValueChars;
    // Small at first (a thousand open streams hold a thousand parsers); they grow to the connection's heads.
    private CharArrayBuffer line = new CharArrayBuffer(LINE);
    /** The header lines of the head being read, back to back; line i ends at {@code ends[i]}. */
    private CharArrayBuffer head = new CharArrayBuffer(HEAD);
    private int[] ends = new int[16];
    private int lines;
    private State state = State.FIRST_LINE;
    private int emptyLines;
    private T message;
    private final Header[] kept = new Header[KEPT_HEADERS];

    /**
     * @param unusualLines   HttpCore's parser of the lines this one leaves to it (and of the first line's, by the
     *                       subclass): the one HttpCore's own message parser would use
     * @param keptValueChars the longest header value kept for the next message to compare with
     */
    protected ReusingHeadParser(Http1Config config, LineParser unusualLines, int keptValueChars) {
        this.config = config != null ? config : Http1Config.DEFAULT;
        this.unusualLines = unusualLines;
        this.keptValueChars = keptValueChars;
    }

    /** The message of a (non-empty) first line, without its headers. */
    protected abstract T firstLine(CharArrayBuffer line) throws HttpException;

    @Override
    public void reset() {
        state = State.FIRST_LINE;
        lines = 0;
        emptyLines = 0;
        message = null;
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
    public T parse(SessionInputBuffer input, boolean endOfStream) throws IOException, HttpException {
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
            if (state == State.FIRST_LINE) {
                if (line.isEmpty()) {
                    if (++emptyLines >= config.getMaxEmptyLineCount()) {
                        throw new MessageConstraintException("Maximum empty line limit exceeded");
                    }
                } else {
                    message = firstLine(line);
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
            message.addHeader(header(i, from, ends[i]));
            from = ends[i];
        }
        return message;
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
     * Header line {@code i}, in {@code head[from, to)}: the previous message's header at the same place when the line
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
            kept[i] = end - start <= keptValueChars ? made : null;
        }
        return made;
    }

    /** A header line read by HttpCore's own line parser, from a copy (its header keeps the buffer it was given). */
    private Header unusual(int from, int to) throws HttpException {
        CharArrayBuffer copy = new CharArrayBuffer(to - from);
        copy.append(head.array(), from, to - from);
        return unusualLines.parseHeader(copy);
    }

    /** HttpCore's whitespace ({@code Tokenizer.isWhitespace}). */
    protected static boolean whitespace(char ch) {
        return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    protected static int indexOf(char[] c, char ch, int from, int to) {
        for (int i = from; i < to; i++) {
            if (c[i] == ch) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code c[from, to)} holds exactly {@code s} (false for a null {@code s}). */
    protected static boolean same(char[] c, int from, int to, String s) {
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
