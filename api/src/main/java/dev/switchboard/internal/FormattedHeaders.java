package dev.switchboard.internal;

import org.apache.hc.core5.http.FormattedHeader;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicLineFormatter;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Headers sent with many messages, formatted once. HttpCore's head writers format every header that is not a
 * {@link FormattedHeader} again for each message (its name, {@code ": "}, its value with control characters
 * replaced); a formatted header holds that line already, and the writer copies it as it is. For constant headers,
 * made once and shared (they are immutable).
 */
public final class FormattedHeaders {

    private FormattedHeaders() {
    }

    /**
     * The header {@code name: value}, its line as HttpCore's {@link BasicLineFormatter} writes it. Its name and value
     * read back as given, as a {@link BasicHeader}'s do, and so does its {@code toString()}: not for credentials
     * (see {@link #line} for those).
     */
    public static Header of(String name, String value) {
        return new Line(name, value, line(name, value));
    }

    /**
     * The line HttpCore's {@link BasicLineFormatter} writes for {@code name: value}: for a {@link FormattedHeader}
     * of another kind, such as one that prints its value masked.
     */
    public static CharArrayBuffer line(String name, String value) {
        CharArrayBuffer line = new CharArrayBuffer(name.length() + 2 + value.length());
        BasicLineFormatter.INSTANCE.formatHeader(line, new BasicHeader(name, value));
        return line;
    }

    /** A header with its line. */
    private static final class Line implements FormattedHeader {
        private final String name;
        private final String value;
        private final CharArrayBuffer line;

        Line(String name, String value, CharArrayBuffer line) {
            this.name = name;
            this.value = value;
            this.line = line;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public boolean isSensitive() {
            return false;
        }

        @Override
        public CharArrayBuffer getBuffer() {
            return line;
        }

        /** Just after the colon, as in a header HttpCore parsed (its value parsers skip the space). */
        @Override
        public int getValuePos() {
            return name.length() + 1;
        }

        @Override
        public String toString() {
            return line.toString();
        }
    }
}
