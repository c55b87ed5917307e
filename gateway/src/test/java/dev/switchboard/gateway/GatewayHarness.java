package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.runtime.Sleeper;
import dev.switchboard.runtime.Switchboard;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A gateway on an ephemeral loopback port over a Switchboard built from HOCON text whose providers point at one local
 * stub server: {@code primary} and {@code backup} (OpenAI-shaped, under {@code /primary/v1} and {@code /backup/v1})
 * and {@code local} (Ollama-shaped, under {@code /ollama}). Route {@code default} = primary then backup.
 */
final class GatewayHarness implements AutoCloseable {

    static final String KEY = "test-key-not-real";

    final WireMockServer upstream;
    final Switchboard switchboard;
    final Gateway gateway;

    private GatewayHarness(WireMockServer upstream, Switchboard switchboard, Gateway gateway) {
        this.upstream = upstream;
        this.switchboard = switchboard;
        this.gateway = gateway;
    }

    static GatewayHarness start() {
        return start("");
    }

    /**
     * {@code extra}: more HOCON inside {@code switchboard { ... }}, e.g. route or gateway settings; {@code {upstream}}
     * in it stands for the stub server's root URL.
     */
    static GatewayHarness start(String extra) {
        return start(extra, java.time.Clock.systemUTC());
    }

    /** As {@link #start(String)}, with the Switchboard (its limiters, budgets and ledger) on {@code clock}. */
    static GatewayHarness start(String extra, java.time.Clock clock) {
        return start(extra, clock, Sleeper.SYSTEM);
    }

    /** As {@link #start(String, java.time.Clock)}, with the routes' waits (retry back-off) going to {@code sleeper}. */
    static GatewayHarness start(String extra, java.time.Clock clock, Sleeper sleeper) {
        return start(extra, b -> b.clock(clock).sleeper(sleeper).build());
    }

    /** As {@link #start(String)}, with the Switchboard built by {@code build} from the configured builder. */
    static GatewayHarness start(String extra, java.util.function.Function<Switchboard.Builder, Switchboard> build) {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(64));
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port();
        String hocon = String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"" + KEY + "\", model = \"gpt-4o-mini\",",
                "              embedding-model = \"text-embedding-3-small\", timeouts { first-byte = 2s, idle = 5s } }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"" + KEY + "\", model = \"gpt-4o\",",
                "             timeouts { first-byte = 2s, idle = 5s } }",
                // Tests that stall a stream set their own timeouts; these are long enough that a loaded machine
                // pausing a healthy stub between two writes is not taken for a stalled upstream (and retried).
                "    local { type = ollama, base-url = \"" + base + "/ollama\", model = \"llama3.2\" }",
                "  }",
                "  routes.default.targets = [ primary, backup ]",
                "  route-defaults.retry { max-retries = 1, initial-delay = 10ms, max-delay = 100ms }",
                "  route-defaults.cooldown.failure-threshold = 1000",
                "  gateway.port = 0",
                extra.replace("{upstream}", base),
                "}");
        Switchboard sb = null;
        try {
            sb = build.apply(Switchboard.builder().config(hocon).env(Map.of()));
            Gateway gateway = Gateway.start(sb);
            return new GatewayHarness(upstream, sb, gateway);
        } catch (RuntimeException e) {
            if (sb != null) {
                sb.close();
            }
            upstream.stop();
            throw e;
        }
    }

    /** The official OpenAI SDK pointed at the gateway; no retries of its own, so every status is seen as sent. */
    OpenAIClient client() {
        return client(KEY);
    }

    OpenAIClient client(String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey(apiKey).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    /** A plain HTTP answer: status, headers (names lower-cased) and body text. */
    record Reply(int statusCode, Map<String, List<String>> headerMap, String body) {
        Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> e : headerMap.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }
    }

    /** A plain HTTP exchange with the gateway, for what the SDK hides (headers, raw bodies). */
    /**
     * The {@code /metrics} text once it contains every expected line (or after 5 s, for the assertion to report):
     * an exchange's figures are recorded when its connection has released it, which may be just after its client
     * has the whole answer.
     */
    String metricsContaining(List<String> expected, String... headers) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        String text = http("GET", "/metrics", null, headers).body();
        while (!expected.stream().allMatch(text::contains) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            text = http("GET", "/metrics", null, headers).body();
        }
        return text;
    }

    Reply http(String method, String path, String body, String... headers) throws IOException {
        dev.switchboard.testkit.GatewayHttp.Reply r = dev.switchboard.testkit.GatewayHttp.send(gateway.port(), method,
                path, body, headers);
        return new Reply(r.statusCode(), r.headers(), r.body());
    }

    @Override
    public void close() {
        try {
            gateway.shutdown(Duration.ofSeconds(2));
        } finally {
            try {
                switchboard.close();
            } finally {
                upstream.stop();
            }
        }
    }
}
