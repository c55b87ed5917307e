package dev.switchboard.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-provider timeouts.
 *
 * @param connect   establishing the TCP/TLS connection
 * @param firstByte from sending the request to the response head
 * @param idle      the longest silence between two reads of a streamed body
 * @param total     the whole exchange, body included
 */
public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {

    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10));

    public Timeouts {
        requirePositive(connect, "connect");
        requirePositive(firstByte, "first-byte");
        requirePositive(idle, "idle");
        requirePositive(total, "total");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("timeout " + name + " must be positive, was " + d);
        }
    }
}
