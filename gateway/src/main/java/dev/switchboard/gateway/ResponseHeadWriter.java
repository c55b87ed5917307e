package dev.switchboard.gateway;

import java.io.IOException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseWriter;
import org.apache.hc.core5.http.nio.NHttpMessageWriterFactory;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * HttpCore's {@link DefaultHttpResponseWriter}, writing the usual status line ({@code HTTP/1.1}, a three-digit
 * status) straight into its line buffer: HttpCore makes a {@code StatusLine}, the version's text and the status's
 * text for every answer. The same characters go out; any other status line is HttpCore's own. Header lines are
 * written by HttpCore as before (one line buffer per connection).
 */
final class ResponseHeadWriter extends DefaultHttpResponseWriter<HttpResponse> {

    private static final String HTTP_1_1 = "HTTP/1.1 ";

    /** A new writer for each connection, with the server's settings. */
    static NHttpMessageWriterFactory<HttpResponse> factory(Http1Config config) {
        return () -> new ResponseHeadWriter(config);
    }

    ResponseHeadWriter(Http1Config config) {
        super(null, config);
    }

    @Override
    protected void writeHeadLine(HttpResponse message, CharArrayBuffer line) throws IOException {
        int code = message.getCode();
        if (!HttpVersion.HTTP_1_1.equals(protocolVersion(message)) || code < 100 || code > 999) {
            super.writeHeadLine(message, line);
            return;
        }
        line.clear();
        line.append(HTTP_1_1);
        line.append((char) ('0' + code / 100));
        line.append((char) ('0' + code / 10 % 10));
        line.append((char) ('0' + code % 10));
        line.append(' '); // kept when there is no reason phrase, as BasicLineFormatter does
        String reason = message.getReasonPhrase();
        if (reason != null) {
            line.append(reason);
        }
    }
}
