package dev.switchboard.spi;

import java.util.Objects;

/**
 * A credential. Its {@code toString()} never shows the value; only {@link #reveal()} does, at the point where a
 * header is written.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a secret cannot be blank");
        }
        return new Secret(value.strip());
    }

    /** The value, for writing a header. Never log it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
