package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.runtime.SwitchboardConfigException;
import dev.switchboard.testkit.Fixtures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Settings, access keys and graceful shutdown. */
@Timeout(60) // a guard against hangs, not a speed check
class GatewayLifecycleTest {

    @Test
    void shipsLoopbackDefaults() {
        GatewayConfig c = GatewayConfig.defaults();

        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8088);
        assertThat(c.maxBody()).isEqualTo(4L * 1024 * 1024);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.keys()).isEmpty();
        assertThat(c.loopbackOnly()).isTrue();
    }

    @Test
    void readsTheGatewayBlockAndRefusesABadValueNamingTheKey() {
        GatewayConfig c = GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway { host = \"0.0.0.0\", port = 9000, max-body = 1 KiB, keys = [ \"first-key-not-real\", \"second-key-not-real\" ] }"));

        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.maxBody()).isEqualTo(1024);
        assertThat(c.keys()).hasSize(2);
        assertThat(c.loopbackOnly()).isFalse();
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString("switchboard.gateway.port = 70000")))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessage("String:1: switchboard.gateway.port: must be a TCP port from 0 to 65535 (0 picks a free one),"
                        + " was 70000");
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString("switchboard.gateway.keys = [ 42 ]")))
                .hasMessage("String:1: switchboard.gateway.keys[0]: must be a key string or a block { key = ..., name ="
                        + " ... }, not the number 42");
    }

    @Test
    void theRuntimeAcceptsTheGatewayBlockBecauseItsReferenceDeclaresIt() {
        try (GatewayHarness h = GatewayHarness.start("gateway { max-body = 2 MiB, shutdown-grace = 1s }")) {
            assertThat(h.gateway.config().maxBody()).isEqualTo(2L * 1024 * 1024);
            assertThat(h.gateway.config().shutdownGrace()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void withKeysEveryRequestButHealthNeedsOne() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("gateway.keys = [ \"gw-key-one-not-real\", \"gw-key-two-not-real\" ]")) {
            UnauthorizedException e = catchThrowableOfType(UnauthorizedException.class,
                    () -> h.client("wrong-key-not-real").models().list());
            List<String> ids = h.client("gw-key-two-not-real").models().list().data().stream().map(Model::id)
                    .collect(Collectors.toList());
            GatewayHarness.Reply none = h.http("GET", "/v1/models", null);
            GatewayHarness.Reply health = h.http("GET", "/health", null);
            GatewayHarness.Reply metrics = h.http("GET", "/metrics", null);

            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain("gw-key");
            assertThat(ids).contains("default");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("You didn't provide an API key");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(metrics.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("gateway.max-body = 1 KiB")) {
            String big = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4096) + "\"}]}";

            GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", big);

            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("\"code\":\"request_too_large\"", "1024 bytes");
        }
    }

    @Test
    void unknownPathsAndMethodsGetOpenAiShapedErrors() throws Exception {
        try (GatewayHarness h = GatewayHarness.start()) {
            assertThat(h.http("GET", "/v1/assistants", null).statusCode()).isEqualTo(404);
            assertThat(h.http("GET", "/v1/chat/completions", null).statusCode()).isEqualTo(405);
            assertThat(h.http("GET", "/v1/nope", null).body()).startsWith("{\"error\":{\"message\":");
        }
    }

    @Test
    void shutdownLetsAStreamInFlightFinishThenRefusesConnections() throws Exception {
        GatewayHarness h = GatewayHarness.start();
        try {
            h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse")).withFixedDelay(600)));
            CompletableFuture<GatewayHarness.Reply> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return h.http("POST", "/v1/chat/completions",
                            "{\"model\":\"default\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (h.gateway.requestsInFlight() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            int port = h.gateway.port();

            h.gateway.shutdown(Duration.ofSeconds(5));

            GatewayHarness.Reply r = inFlight.get(5, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            assertThat(h.gateway.isClosed()).isTrue();
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class);
        } finally {
            h.close();
        }
    }

    @Test
    void shutdownAbortsWhatOutlastsTheGrace() throws Exception {
        GatewayHarness h = GatewayHarness.start("providers.primary.timeouts.first-byte = 30s");
        try {
            h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse")).withFixedDelay(10_000)));
            CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return h.http("POST", "/v1/chat/completions",
                            "{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode();
                } catch (IOException e) {
                    return -1;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (h.gateway.requestsInFlight() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            h.gateway.shutdown(Duration.ofMillis(300));

            // Its answer had not started (the upstream holds it 10 s): once the grace period is over it gets a 503
            // saying the gateway is shutting down, not a cut connection and not the upstream's late answer.
            assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(503);
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (h.switchboard.leasedConnections() > 0 && System.nanoTime() < settle) {
                Thread.sleep(10);
            }
            assertThat(h.switchboard.leasedConnections()).isZero();
        } finally {
            h.close();
        }
    }
}
