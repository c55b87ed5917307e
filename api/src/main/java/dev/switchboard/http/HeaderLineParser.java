package dev.switchboard.http;

import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicLineParser;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.apache.hc.core5.util.Tokenizer;

/**
 * Parses a response's status line and header lines as HttpCore's {@link BasicLineParser} does, without its per-line
 * cursor and token builders: a {@code HTTP/1.1 200 OK} status line and a well-formed {@code Name: value} header line
 * (a name without whitespace) become the strings they hold and nothing else, about 80 bytes less a line. Any other
 * line (another version, no colon, an empty name, whitespace in or after the name, ...) goes to
 * {@code BasicLineParser}, so what it makes of the line, or its {@link ParseException}, is the library's own.
 */
final class HeaderLineParser extends BasicLineParser {

    static final HeaderLineParser INSTANCE = new HeaderLineParser();

    private HeaderLineParser() {}

    private static final String HTTP_1_1 = "HTTP/1.1 ";

    @Override
    public StatusLine parseStatusLine(CharArrayBuffer line) throws ParseException {
        int end = line.length();
        int codeAt = HTTP_1_1.length();
        if (end < codeAt + 3 || (end > codeAt + 3 && !Tokenizer.isWhitespace(line.charAt(codeAt + 3)))) {
            return super.parseStatusLine(line);
        }
        for (int i = 0; i < codeAt; i++) {
            if (line.charAt(i) != HTTP_1_1.charAt(i)) {
                return super.parseStatusLine(line);
            }
        }
        int code = 0;
        for (int i = codeAt; i < codeAt + 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return super.parseStatusLine(line);
            }
            code = code * 10 + (c - '0');
        }
        // the usual reason phrase is the constant, not a new string per answer
        boolean ok = end == codeAt + 6 && line.charAt(codeAt + 4) == 'O' && line.charAt(codeAt + 5) == 'K';
        return new StatusLine(HttpVersion.HTTP_1_1, code, ok ? "OK" : line.substringTrimmed(codeAt + 3, end));
    }

    @Override
    public Header parseHeader(CharArrayBuffer line) throws ParseException {
        Header simple = simpleHeader(line);
        return simple != null ? simple : super.parseHeader(line);
    }

    /**
     * The header of a well-formed {@code Name: value} line (a name without whitespace), or null for any other line,
     * which {@link #parseHeader} leaves to {@code BasicLineParser}. The name holds no colon and no whitespace and the
     * value is trimmed, so {@code name + ": " + value} reads back as the same header ({@link ResponseHeadParser}
     * relies on it).
     */
    static Header simpleHeader(CharArrayBuffer line) {
        int end = line.length();
        int start = 0;
        while (start < end && Tokenizer.isWhitespace(line.charAt(start))) {
            start++;
        }
        int colon = line.indexOf(':', start, end);
        if (colon <= start) {
            return null;
        }
        for (int i = start; i < colon; i++) {
            if (Tokenizer.isWhitespace(line.charAt(i))) {
                return null;
            }
        }
        return new BasicHeader(line.substring(start, colon), line.substringTrimmed(colon + 1, end));
    }
}
