package dev.switchboard.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.runtime.config.ConfigFields;
import dev.switchboard.runtime.config.ConfigProblems;
import dev.switchboard.runtime.SwitchboardConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's settings ({@code switchboard.gateway}), read eagerly and checked. Immutable.
 *
 * @param host                  the address to listen on
 * @param port                  the TCP port; 0 for any free one
 * @param maxBody               the largest request body accepted, in bytes
 * @param shutdownGrace         how long requests in flight may finish on shutdown
 * @param keys                  the access keys; empty for no authentication
 * @param maxConcurrentRequests the most requests served at once
 * @param clientLimits          what one client may make the gateway hold (head size and time, body rate, connections)
 * @param openEndpoints         the endpoints that answer without a key ({@code ready}, {@code metrics},
 *                              {@code usage}); {@code /health} always does
 * @param cors                  which browser origins may call it ({@code cors}); off by default
 * @param streamError           how a stream that fails after it started ends ({@code stream-error})
 */
public record GatewayConfig(String host, int port, long maxBody, Duration shutdownGrace, List<AccessKey> keys,
                            int maxConcurrentRequests, ClientLimits clientLimits, Set<String> openEndpoints,
                            CorsPolicy cors, StreamError streamError) {

    static final String PATH = "switchboard.gateway";

    /** How a stream that fails after it started ends ({@code switchboard.gateway.stream-error}). */
    public enum StreamError {
        /** With an error event in the endpoint's API shape, then the stream's normal end. */
        EVENT,
        /**
         * With the error event, then the connection closed without the body's end (no terminating chunk), so a
         * client that ignores error events still sees a failure rather than a short answer that looks complete.
         */
        EVENT_AND_ABORT;

        /** The name written in the configuration ({@code event}, {@code event-and-abort}). */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The settings as before, with CORS off and {@link StreamError#EVENT}. */
    public GatewayConfig(String host, int port, long maxBody, Duration shutdownGrace, List<AccessKey> keys,
                         int maxConcurrentRequests, ClientLimits clientLimits, Set<String> openEndpoints) {
        this(host, port, maxBody, shutdownGrace, keys, maxConcurrentRequests, clientLimits, openEndpoints,
                CorsPolicy.OFF, StreamError.EVENT);
    }

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PATH + ".port must be between 0 and 65535, was " + port);
        }
        if (maxBody < 1) {
            throw new IllegalArgumentException(PATH + ".max-body must be at least 1 byte, was " + maxBody);
        }
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException(PATH + ".shutdown-grace cannot be negative");
        }
        keys = List.copyOf(keys);
        openEndpoints = Set.copyOf(openEndpoints);
        for (String e : openEndpoints) {
            AccessKeys.openable(e);
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException(PATH + ".max-concurrent-requests must be at least 1, was "
                    + maxConcurrentRequests);
        }
        Objects.requireNonNull(clientLimits, "clientLimits");
        Objects.requireNonNull(cors, "cors");
        Objects.requireNonNull(streamError, "streamError");
    }

    /** The shipped defaults: loopback, port 8088, 4 MiB bodies, 30 s grace, no keys. */
    public static GatewayConfig defaults() {
        return from(ConfigFactory.empty());
    }

    /**
     * Reads {@code switchboard.gateway} from a configuration (e.g. {@code Switchboard.config()}), over the gateway's
     * own {@code reference.conf}.
     *
     * @throws SwitchboardConfigException listing every problem of the block, each one line naming the key and
     *                                    where it is written
     */
    public static GatewayConfig from(Config config) {
        Config reference = ConfigFactory.parseResources(GatewayConfig.class.getClassLoader(), "reference.conf")
                .withOnlyPath(PATH);
        ConfigProblems problems = new ConfigProblems();
        Optional<GatewayConfig> read =
                new GatewayConfigReader(ConfigFields.of(config.withFallback(reference).resolve(), PATH, problems)).read();
        problems.throwIfAny();
        return read.orElseThrow();
    }

    /**
     * Checks {@code switchboard.gateway} beside the rest of the configuration, recording its problems with the
     * runtime's: pass it to {@link dev.switchboard.runtime.Switchboard.Builder#section} so that checking and
     * building report the gateway's mistakes too.
     *
     * @param switchboard the {@code switchboard} block
     */
    public static void check(ConfigFields switchboard) {
        new GatewayConfigReader(switchboard.block("gateway").orElseGet(
                () -> ConfigFields.of(ConfigFactory.empty(), PATH, switchboard.problems()))).read();
    }

    /** Whether {@link #host()} is a loopback address (this machine only). */
    public boolean loopbackOnly() {
        String h = host.strip();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** A copy listening on {@code newPort} (e.g. 0 for tests). */
    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, maxBody, shutdownGrace, keys, maxConcurrentRequests, clientLimits,
                openEndpoints, cors, streamError);
    }

    /** A copy listening on {@code newHost} (an address or a host name). */
    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, maxBody, shutdownGrace, keys, maxConcurrentRequests, clientLimits,
                openEndpoints, cors, streamError);
    }

    /** A copy with these access keys. */
    public GatewayConfig withKeys(List<AccessKey> newKeys) {
        return new GatewayConfig(host, port, maxBody, shutdownGrace, newKeys, maxConcurrentRequests, clientLimits,
                openEndpoints, cors, streamError);
    }

    /** A copy with these client limits. */
    public GatewayConfig withClientLimits(ClientLimits newLimits) {
        return new GatewayConfig(host, port, maxBody, shutdownGrace, keys, maxConcurrentRequests, newLimits,
                openEndpoints, cors, streamError);
    }

    /** A copy where these endpoints ({@code ready}, {@code metrics}, {@code usage}) answer without a key. */
    public GatewayConfig withOpenEndpoints(Set<String> newOpenEndpoints) {
        return new GatewayConfig(host, port, maxBody, shutdownGrace, keys, maxConcurrentRequests, clientLimits,
                newOpenEndpoints, cors, streamError);
    }

    /** A copy with this CORS policy. */
    public GatewayConfig withCors(CorsPolicy newCors) {
        return new GatewayConfig(host, port, maxBody, shutdownGrace, keys, maxConcurrentRequests, clientLimits,
                openEndpoints, newCors, streamError);
    }

    /** A copy ending failed streams as {@code newStreamError} says. */
    public GatewayConfig withStreamError(StreamError newStreamError) {
        return new GatewayConfig(host, port, maxBody, shutdownGrace, keys, maxConcurrentRequests, clientLimits,
                openEndpoints, cors, newStreamError);
    }

    @Override
    public String toString() {
        return "GatewayConfig[host=" + host + ", port=" + port + ", maxBody=" + maxBody + ", shutdownGrace="
                + shutdownGrace + ", keys=" + keys.size() + ", maxConcurrentRequests=" + maxConcurrentRequests + ", "
                + clientLimits + ", openEndpoints=" + openEndpoints + ", " + cors + ", streamError="
                + streamError.configName() + "]";
    }
}
