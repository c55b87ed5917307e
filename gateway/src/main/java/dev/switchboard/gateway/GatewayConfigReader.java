package dev.switchboard.gateway;

import com.typesafe.config.ConfigValue;
import dev.switchboard.runtime.config.ConfigFields;
import dev.switchboard.runtime.config.ConfigProblems;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and checks {@code switchboard.gateway} with the runtime's {@link ConfigFields}: every problem recorded as one
 * line naming the key and where it is written, so {@code config check} reports exactly what {@code serve} would
 * refuse. A key left out takes the default the gateway's {@code reference.conf} documents.
 */
final class GatewayConfigReader {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8088;
    static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;
    static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4096;

    /**
     * Every key of the block. Some are read by the connection limits and the key roles; listing them all here
     * keeps the unknown-key check in one place.
     */
    static final Set<String> KEYS = Set.of("host", "port", "max-body", "shutdown-grace", "keys",
            "max-concurrent-requests",
            // connection limits
            "max-request-line", "max-header-bytes", "max-header-count", "head-timeout", "min-body-rate",
            "min-body-rate-window", "max-connections",
            // key roles
            "admin-keys", "open-endpoints",
            // browsers, and how failed streams end
            CorsPolicy.KEY, "stream-error");

    private final ConfigFields gateway;
    private final ConfigProblems problems;

    /** {@code gateway}: the {@code switchboard.gateway} block. */
    GatewayConfigReader(ConfigFields gateway) {
        this.gateway = gateway;
        this.problems = gateway.problems();
    }

    /** The settings, or empty when the block has problems (then recorded). */
    Optional<GatewayConfig> read() {
        int before = problems.count();
        gateway.onlyKnownKeys(KEYS, null);
        String host = host();
        int port = port();
        long maxBody = gateway.bytes("max-body", 1).orElse(DEFAULT_MAX_BODY);
        Duration grace = gateway.duration("shutdown-grace", true).orElse(DEFAULT_SHUTDOWN_GRACE);
        int maxConcurrent = gateway.integer("max-concurrent-requests", 1).orElse(DEFAULT_MAX_CONCURRENT_REQUESTS);
        ClientLimits limits = ClientLimits.read(gateway);
        int beforeKeys = problems.count();
        List<AccessKey> keys = new AccessKeysReader(gateway).read();
        KeyRolesReader roles = new KeyRolesReader(gateway);
        keys = roles.withAdmins(keys, problems.count() == beforeKeys);
        Set<String> open = roles.openEndpoints();
        CorsPolicy cors = CorsPolicy.read(gateway);
        GatewayConfig.StreamError streamError = streamError();
        if (problems.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new GatewayConfig(host, port, maxBody, grace, keys, maxConcurrent, limits, open, cors,
                streamError));
    }

    private GatewayConfig.StreamError streamError() {
        Optional<String> written = gateway.string("stream-error");
        if (written.isEmpty()) {
            return GatewayConfig.StreamError.EVENT;
        }
        for (GatewayConfig.StreamError mode : GatewayConfig.StreamError.values()) {
            if (mode.configName().equals(written.get().strip())) {
                return mode;
            }
        }
        problems.add(gateway.value("stream-error").map(ConfigValue::origin).orElse(gateway.origin()),
                gateway.path("stream-error"), "'" + written.get() + "' is not a way to end a failed stream; write"
                        + " event or event-and-abort");
        return GatewayConfig.StreamError.EVENT;
    }

    private String host() {
        Optional<String> host = gateway.string("host");
        if (host.isPresent() && host.get().isBlank()) {
            problems.add(gateway.value("host").map(ConfigValue::origin).orElse(gateway.origin()), gateway.path("host"),
                    "is empty; write an address to listen on, e.g. \"127.0.0.1\" (this machine) or \"0.0.0.0\" (all)");
        }
        return host.map(String::strip).filter(h -> !h.isEmpty()).orElse(DEFAULT_HOST);
    }

    private int port() {
        Optional<Integer> port = gateway.integer("port", 0);
        if (port.isPresent() && port.get() > 65535) {
            problems.add(gateway.value("port").map(ConfigValue::origin).orElse(gateway.origin()), gateway.path("port"),
                    "must be a TCP port from 0 to 65535 (0 picks a free one), was " + port.get());
            return DEFAULT_PORT;
        }
        return port.orElse(DEFAULT_PORT);
    }
}
