package dev.switchboard.gateway;

import dev.switchboard.runtime.LogMasking;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.spi.SecretRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An OpenAI-compatible HTTP server over a {@link Switchboard}'s routes and providers: any OpenAI client, in any
 * language, uses them by pointing its base URL at {@link #baseUrl()}.
 *
 * <pre>{@code
 * try (Switchboard sb = Switchboard.load();
 *      Gateway gateway = Gateway.start(sb)) {     // switchboard.gateway { host, port, ... }
 *     gateway.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} (plain and SSE streaming), {@code POST /v1/embeddings},
 * {@code GET /v1/models}, {@code GET /v1/usage} (requests, tokens and cost per provider, model, route and key, and the
 * budgets), {@code GET /health}, {@code GET /ready}, {@code GET /metrics}. A request's {@code model} names a route, a
 * provider (its default model) or {@code provider/model}. Answers carry {@code x-switchboard-provider},
 * {@code x-switchboard-attempts} and {@code x-switchboard-overhead-ms}; non-streamed ones also
 * {@code x-switchboard-cost-usd}. An access key may carry its own limits and budget: over a limit the gateway answers
 * 429 with {@code retry-after}, over its budget 429 with code {@code budget_exceeded}, before anything is sent. A
 * plain key reads only its own usage and not the metrics; an admin key reads everything (see {@code reference.conf}:
 * {@code keys}, {@code admin-keys}, {@code open-endpoints}); {@code /health} never needs a key.
 *
 * <p>No secret leaves it: error replies and every log record (once started, through {@link LogMasking}) are masked
 * with {@link SecretRegistry#global()}, to which it adds the Switchboard's secrets.
 *
 * <p>The gateway does not own the {@code Switchboard}: close the gateway first, then the Switchboard. Thread-safe.
 */
public final class Gateway implements AutoCloseable {

    private final GatewayServer server;

    private Gateway(GatewayServer server) {
        this.server = server;
    }

    /**
     * Starts a gateway with the settings under {@code switchboard.gateway} of the Switchboard's configuration.
     *
     * @throws IllegalArgumentException when those settings are invalid, naming the key
     * @throws IllegalStateException    when the address cannot be bound
     */
    public static Gateway start(Switchboard switchboard) {
        Objects.requireNonNull(switchboard, "switchboard");
        return start(switchboard, GatewayConfig.from(switchboard.config()));
    }

    /** Starts a gateway with explicit settings (e.g. {@code GatewayConfig.from(sb.config()).withPort(0)}). */
    public static Gateway start(Switchboard switchboard, GatewayConfig config) {
        Objects.requireNonNull(switchboard, "switchboard");
        Objects.requireNonNull(config, "config");
        // what leaves a running gateway (error replies, log records) is masked with the process's registry
        SecretRegistry.global().registerAll(switchboard.secrets());
        LogMasking.install();
        LogMasking.install(switchboard.secrets());
        return new Gateway(new GatewayServer(switchboard, config));
    }

    /** The settings it runs with. */
    public GatewayConfig config() {
        return server.config();
    }

    /** The address it listens on (the actual port when configured with 0). */
    public InetSocketAddress address() {
        return server.address();
    }

    public int port() {
        return server.address().getPort();
    }

    /** The base URL for OpenAI clients, e.g. {@code http://127.0.0.1:8088/v1}. */
    public URI baseUrl() {
        String host = server.address().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    /** Requests being served now. */
    public int requestsInFlight() {
        return server.exchangesInFlight();
    }

    /** Worker threads alive now (busy or idle); idle ones end after a minute. */
    public int workerThreads() {
        return server.workerThreads();
    }

    /** Worker threads busy with a request now. */
    public int activeWorkers() {
        return server.activeWorkers();
    }

    /**
     * Stops accepting connections and answers new requests with 503, lets requests and streams in flight finish for
     * up to {@code grace}, then closes what is left (aborting its upstream calls). Idempotent; returns when stopped.
     */
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        server.shutdown(grace);
    }

    /**
     * After {@link #shutdown}: the requests still in flight when the grace ended, whose answers were then ended with
     * an error (a stream with an error event, an answer not yet started with 503); 0 before a shutdown.
     */
    public int requestsAbandoned() {
        return server.abandoned();
    }

    /** {@link #shutdown(Duration)} with {@code switchboard.gateway.shutdown-grace}. */
    @Override
    public void close() {
        shutdown(server.config().shutdownGrace());
    }

    public boolean isClosed() {
        return server.isClosed();
    }

    /** Blocks until the gateway has been shut down (by another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
