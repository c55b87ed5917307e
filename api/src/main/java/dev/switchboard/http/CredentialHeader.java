package dev.switchboard.http;

import dev.switchboard.internal.FormattedHeaders;
import dev.switchboard.spi.SecretRegistry;
import org.apache.hc.core5.http.FormattedHeader;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * A request header carrying a credential. HttpClient's header log ({@code org.apache.hc.client5.http.headers} at
 * DEBUG) prints each request header with {@link #toString()}, so that text shows the name and a mask; the value
 * still goes on the wire, because HttpCore's head writers write headers from {@link #getName()} and
 * {@link #getValue()}, or copy the line of a {@link #formatted} one.
 */
class CredentialHeader implements Header {

    private final String name;
    private final String value;

    /** For a header made for one request (a refreshed token): the writer formats it as any other. */
    CredentialHeader(String name, String value) {
        this.name = name;
        this.value = value;
    }

    /**
     * For a header sent with every request of a client: its line is formatted once, and the writers copy it as it
     * is. That line holds the value, so it is handed to them ({@link FormattedHeader#getBuffer()}), never printed.
     */
    static Header formatted(String name, String value) {
        return new Formatted(name, value);
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final String getValue() {
        return value;
    }

    @Override
    public final boolean isSensitive() {
        return true;
    }

    @Override
    public final String toString() {
        return name + ": " + SecretRegistry.MASK;
    }

    private static final class Formatted extends CredentialHeader implements FormattedHeader {
        private final CharArrayBuffer line;

        Formatted(String name, String value) {
            super(name, value);
            this.line = FormattedHeaders.line(name, value);
        }

        @Override
        public CharArrayBuffer getBuffer() {
            return line;
        }

        /** Just after the colon, as in a header HttpCore parsed. */
        @Override
        public int getValuePos() {
            return getName().length() + 1;
        }
    }
}
