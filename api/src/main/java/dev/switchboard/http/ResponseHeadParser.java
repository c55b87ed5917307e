package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.client5.http.impl.io.LenientHttpResponseParser;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.util.Args;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads the head of each answer on one upstream connection, as HttpClient's own parser does (HttpCore's
 * {@code AbstractMessageParser} under {@link LenientHttpResponseParser}: the same status line handling, skipped
 * garbage lines, folded header lines, line and field limits, and failures), with two differences in what it
 * allocates:
 * <ul>
 *   <li>the header lines are read into line buffers the connection keeps from one answer to the next, where HttpCore
 *       makes a new buffer (and its array) for every line of every answer;</li>
 *   <li>a line that spells, at the same position, the header this connection's previous answer had there
 *       ({@code Name: value}, as upstreams repeat their {@code Content-Type}, {@code Server} or rate-limit headers)
 *       is answered with that same immutable header instead of new strings.</li>
 * </ul>
 * One instance per connection, used by the one thread that holds the connection, so nothing here is shared. A head
 * that fails leaves its connection unusable (the exec chain discards it), so unlike HttpCore's parser this one does
 * not resume a head cut by a read timeout: each call reads a whole head from its start.
 */
final class ResponseHeadParser extends LenientHttpResponseParser {

    /** A line buffer grown past this many chars by a long line is dropped once its head is read, not kept. */
    static final int KEPT_LINE_CHARS = 1024;
    /** A header with a longer value is not kept for the next answer to reuse. */
    static final int KEPT_VALUE_CHARS = 256;

    private final Http1Config config;
    private final CharArrayBuffer statusLine = new CharArrayBuffer(128);
    /** This connection's header line buffers; the first lines of a head are its header lines. */
    private final List<CharArrayBuffer> lines = new ArrayList<>();
    /** The headers of this connection's previous answer, by position (null where none is kept). */
    private Header[] previous = new Header[16];

    ResponseHeadParser(Http1Config config) {
        super(HeaderLineParser.INSTANCE, null, config);
        this.config = config != null ? config : Http1Config.DEFAULT;
    }

    /** Makes one parser per connection, with the transport's head limits. */
    static HttpMessageParserFactory<ClassicHttpResponse> factory(Http1Config config) {
        return new HttpMessageParserFactory<>() {
            @Override
            public ResponseHeadParser create(Http1Config given) {
                return new ResponseHeadParser(given != null ? given : config);
            }

            @Override
            public ResponseHeadParser create() {
                return new ResponseHeadParser(config);
            }
        };
    }

    @Override
    public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream in) throws IOException, HttpException {
        Args.notNull(buffer, "Session input buffer");
        Args.notNull(in, "Input stream");
        ClassicHttpResponse response = readStatusLine(buffer, in);
        if (response == null) {
            return null; // closed before a status line: the connection reports that the server failed to respond
        }
        int count = readHeaderLines(buffer, in);
        try {
            for (int i = 0; i < count; i++) {
                response.addHeader(header(i));
            }
        } finally {
            dropLongLines();
        }
        return response;
    }

    /**
     * The first line that reads as a status line; empty lines and garbage before it are skipped up to the limit. Null
     * when the stream ends first, as HttpCore's parser answers.
     */
    private ClassicHttpResponse readStatusLine(SessionInputBuffer buffer, InputStream in) throws IOException, HttpException {
        for (int n = 0; n < config.getMaxEmptyLineCount(); n++) {
            statusLine.clear();
            if (buffer.readLine(statusLine, in) == -1) {
                return null;
            }
            if (statusLine.length() > 0) {
                ClassicHttpResponse response = createMessage(statusLine); // null for garbage: the lenient parser skips it
                if (response != null) {
                    return response;
                }
            }
        }
        throw new MessageConstraintException("Maximum empty line limit exceeded");
    }

    /**
     * Reads the header lines up to the empty line that ends the head, a folded line appended to the one before it
     * (HttpCore's {@code AbstractMessageParser.parseHeaders}, with the same limits and messages), into this
     * connection's line buffers. Returns how many header lines there are.
     */
    private int readHeaderLines(SessionInputBuffer buffer, InputStream in) throws IOException {
        int maxCount = config.getMaxHeaderCount();
        int maxLength = config.getMaxLineLength();
        int count = 0;
        for (;;) {
            CharArrayBuffer current = line(count);
            if (buffer.readLine(current, in) == -1 || current.length() < 1) {
                return count;
            }
            char first = current.charAt(0);
            if ((first == ' ' || first == '\t') && count > 0) {
                CharArrayBuffer previousLine = lines.get(count - 1);
                int i = 0;
                while (i < current.length() && (current.charAt(i) == ' ' || current.charAt(i) == '\t')) {
                    i++;
                }
                if (maxLength > 0 && previousLine.length() + 1 + current.length() - i > maxLength) {
                    throw new MessageConstraintException("Maximum line length limit exceeded");
                }
                previousLine.append(' ');
                previousLine.append(current, i, current.length() - i);
            } else {
                count++;
            }
            if (maxCount > 0 && count >= maxCount) {
                throw new MessageConstraintException("Maximum header count exceeded");
            }
        }
    }

    /** The cleared buffer for header line {@code index}, made the first time a head has that many lines. */
    private CharArrayBuffer line(int index) {
        if (index == lines.size()) {
            lines.add(new CharArrayBuffer(128));
        }
        CharArrayBuffer line = lines.get(index);
        line.clear();
        return line;
    }

    /**
     * The header of line {@code index}: the previous answer's header at that position when the line spells it,
     * otherwise the line parsed as {@link HeaderLineParser} parses it.
     */
    private Header header(int index) throws HttpException {
        CharArrayBuffer line = lines.get(index);
        if (index >= previous.length) {
            previous = Arrays.copyOf(previous, Math.max(index + 1, previous.length * 2));
        }
        Header known = previous[index];
        if (known != null && spells(line, known)) {
            return known;
        }
        Header simple = HeaderLineParser.simpleHeader(line);
        if (simple == null) {
            previous[index] = null;
            return HeaderLineParser.INSTANCE.parseHeader(line); // an unusual line: HttpCore's reading of it, not kept
        }
        previous[index] = simple.getValue().length() <= KEPT_VALUE_CHARS ? simple : null;
        return simple;
    }

    /**
     * Whether the line is exactly {@code name + ": " + value} of a header {@link HeaderLineParser#simpleHeader} made,
     * which that method reads back as the same name and value.
     */
    private static boolean spells(CharArrayBuffer line, Header header) {
        String name = header.getName();
        String value = header.getValue();
        int n = name.length();
        if (line.length() != n + 2 + value.length()) {
            return false;
        }
        char[] chars = line.array();
        if (chars[n] != ':' || chars[n + 1] != ' ') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (chars[i] != name.charAt(i)) {
                return false;
            }
        }
        for (int i = 0, at = n + 2; i < value.length(); i++, at++) {
            if (chars[at] != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A buffer a very long line grew is not kept for the connection's next answers. */
    private void dropLongLines() {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).capacity() > KEPT_LINE_CHARS) {
                lines.set(i, new CharArrayBuffer(128));
            }
        }
    }
}
