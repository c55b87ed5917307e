package dev.switchboard.gateway;

import com.typesafe.config.ConfigValue;
import dev.switchboard.runtime.config.ConfigFields;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one client may make the gateway hold before its request is answered: the request head's size and the time to
 * send it, the pace of its body, and the connections open at once. Over a limit the client gets a status naming the
 * limit and its key, and its connection is closed. Immutable.
 *
 * @param maxRequestLine    the longest request line ({@code POST /v1/... HTTP/1.1}), in bytes; over it: 414
 * @param maxHeaderBytes    the most bytes of header lines in one request head; over it: 431
 * @param maxHeaderCount    the most header lines in one request head; over it: 431
 * @param headTimeout       the time to send a complete request head (and how long an idle connection stays open);
 *                          over it: 408
 * @param minBodyRate       the slowest body accepted, in bytes per second, measured over {@code minBodyRateWindow};
 *                          below it: 408
 * @param minBodyRateWindow the window over which the body rate is measured
 * @param maxConnections    the most client connections open at once; a connection beyond it is answered 503 and
 *                          closed
 */
public record ClientLimits(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount, Duration headTimeout,
                           long minBodyRate, Duration minBodyRateWindow, int maxConnections) {

    static final String PATH = GatewayConfig.PATH;

    /** The shipped defaults (see the gateway's reference.conf for the reasons). */
    public static final ClientLimits DEFAULTS = new ClientLimits(8 * 1024, 32 * 1024, 100, Duration.ofSeconds(30),
            1024, Duration.ofSeconds(10), 2048);

    public ClientLimits {
        atLeast(maxRequestLine, 64, "max-request-line");
        atLeast(maxHeaderBytes, 256, "max-header-bytes");
        atLeast(maxHeaderCount, 1, "max-header-count");
        positive(Objects.requireNonNull(headTimeout, "headTimeout"), "head-timeout");
        atLeast(minBodyRate, 1, "min-body-rate");
        positive(Objects.requireNonNull(minBodyRateWindow, "minBodyRateWindow"), "min-body-rate-window");
        atLeast(maxConnections, 1, "max-connections");
    }

    /** The bytes a body must bring within one {@link #minBodyRateWindow}. */
    long minBytesPerWindow() {
        long millis = Math.max(1, minBodyRateWindow.toMillis());
        return Math.max(1, minBodyRate * millis / 1000);
    }

    /**
     * Reads the limits from the {@code switchboard.gateway} block; a key left out takes its default. A bad value is
     * recorded in the block's problems (naming the key and where it is written) and read as its default.
     */
    static ClientLimits read(ConfigFields gateway) {
        return new ClientLimits(
                intBytes(gateway, "max-request-line", 64).orElse(DEFAULTS.maxRequestLine()),
                intBytes(gateway, "max-header-bytes", 256).orElse(DEFAULTS.maxHeaderBytes()),
                gateway.integer("max-header-count", 1).orElse(DEFAULTS.maxHeaderCount()),
                gateway.duration("head-timeout", false).orElse(DEFAULTS.headTimeout()),
                gateway.bytes("min-body-rate", 1).orElse(DEFAULTS.minBodyRate()),
                gateway.duration("min-body-rate-window", false).orElse(DEFAULTS.minBodyRateWindow()),
                gateway.integer("max-connections", 1).orElse(DEFAULTS.maxConnections()));
    }

    private static Optional<Integer> intBytes(ConfigFields gateway, String key, long min) {
        Optional<Long> bytes = gateway.bytes(key, min);
        if (bytes.isPresent() && bytes.get() > Integer.MAX_VALUE) {
            gateway.problems().add(gateway.value(key).map(ConfigValue::origin).orElse(gateway.origin()),
                    gateway.path(key), "must be under 2 GiB, was " + bytes.get() + " bytes");
            return Optional.empty();
        }
        return bytes.map(Long::intValue);
    }

    private static void atLeast(long value, long min, String key) {
        if (value < min) {
            throw new IllegalArgumentException(PATH + "." + key + " must be at least " + min + ", was " + value);
        }
    }

    private static void positive(Duration d, String key) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(PATH + "." + key + " must be positive, was " + d);
        }
    }
}
