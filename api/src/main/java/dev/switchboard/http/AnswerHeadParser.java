package dev.switchboard.http;

import dev.switchboard.internal.ReusingHeadParser;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseFactory;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseParser;
import org.apache.hc.core5.http.message.LazyLaxLineParser;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.http.nio.NHttpMessageParserFactory;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads an upstream answer's head on the non-blocking client as HttpCore's {@link DefaultHttpResponseParser} does
 * there (its default line parser, {@link LazyLaxLineParser}), with less garbage: see {@link ReusingHeadParser}, which
 * reads the lines and headers. What is the answer's own is its status line: {@code HTTP/1.1 DDD reason} (or
 * {@code 1.0}, or no reason) with a status code from 100 and a reason without whitespace at its ends is read here and
 * the previous answer's reason phrase reused when the same bytes come again; any other status line goes to HttpCore.
 * Header values longer than the blocking client keeps ({@link ResponseHeadParser}) are not kept for the next answer.
 * One parser per connection ({@link #factory}).
 */
final class AnswerHeadParser extends ReusingHeadParser<HttpResponse> {

    /** A new parser for each connection, with the transport's head limits. */
    static NHttpMessageParserFactory<HttpResponse> factory(Http1Config config) {
        return () -> new AnswerHeadParser(config);
    }

    /** The previous answer's reason phrase, for reuse. */
    private String reason = "";

    AnswerHeadParser(Http1Config config) {
        // a header with a longer value is not kept for the next answer to compare with (as the blocking client's)
        super(config, LazyLaxLineParser.INSTANCE, ResponseHeadParser.KEPT_VALUE_CHARS);
    }

    /**
     * The answer of a status line: {@code HTTP/1.x DDD} followed by nothing or by a space and a reason without
     * whitespace at its ends here, anything else by HttpCore ({@code DefaultHttpResponseParser.createMessage}).
     */
    @Override
    protected HttpResponse firstLine(CharArrayBuffer buffer) throws HttpException {
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
}
