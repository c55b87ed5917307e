package dev.switchboard.http;

import dev.switchboard.spi.SecretRegistry;
import org.apache.hc.core5.http.Header;

/**
 * A request header carrying a credential. HttpClient's header log ({@code org.apache.hc.client5.http.headers} at
 * DEBUG) prints each request header with {@link #toString()}, so that text shows the name and a mask; the value
 * still goes on the wire, because HttpClient writes headers from {@link #getName()} and {@link #getValue()}.
 */
final class CredentialHeader implements Header {

    private final String name;
    private final String value;

    CredentialHeader(String name, String value) {
        this.name = name;
        this.value = value;
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
        return true;
    }

    @Override
    public String toString() {
        return name + ": " + SecretRegistry.MASK;
    }
}
