package dev.switchboard.internal;

import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicLineFormatter;
import org.apache.hc.core5.http.message.BufferedHeader;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Headers sent with many messages, formatted once. HttpCore's head writers format every header that is not a
 * {@link org.apache.hc.core5.http.FormattedHeader} again for each message (its name, {@code ": "}, its value with
 * control characters checked); a {@link BufferedHeader} holds that line already, and the writer copies it as it is.
 * For constant headers, made once and shared (they are immutable).
 */
public final class FormattedHeaders {

    private FormattedHeaders() {
    }

    /** The header {@code name: value}, its line as HttpCore's {@link BasicLineFormatter} writes it. */
    public static Header of(String name, String value) {
        CharArrayBuffer line = new CharArrayBuffer(name.length() + 2 + value.length());
        BasicLineFormatter.INSTANCE.formatHeader(line, new BasicHeader(name, value));
        return BufferedHeader.create(line);
    }
}
