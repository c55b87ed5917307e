package dev.switchboard.http;

import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.message.BasicLineFormatter;
import org.apache.hc.core5.http.message.RequestLine;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Writes a request line as HttpCore's {@link BasicLineFormatter} does, with the usual {@code HTTP/1.1} as a constant:
 * HttpCore formats the protocol version into a new string for every request.
 */
final class RequestLineFormatter extends BasicLineFormatter {

    static final RequestLineFormatter INSTANCE = new RequestLineFormatter();

    private static final String HTTP_1_1 = "HTTP/1.1";

    private RequestLineFormatter() {}

    @Override
    public void formatRequestLine(CharArrayBuffer buffer, RequestLine line) {
        if (buffer == null || line == null || !HttpVersion.HTTP_1_1.equals(line.getProtocolVersion())) {
            super.formatRequestLine(buffer, line); // its own checks and messages
            return;
        }
        buffer.append(line.getMethod());
        buffer.append(' ');
        buffer.append(line.getUri());
        buffer.append(' ');
        buffer.append(HTTP_1_1);
    }
}
