package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.switchboard.testkit.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thousand requests through faults leave no busy worker, no request in flight, no leased upstream connection. */
@Timeout(180) // a guard against hangs, not a speed check (a thousand requests on a loaded machine)
class NoLeakTest {

    private static final String SSE = Fixtures.load("fixtures/openai/chat-stream-text.sse");
    private static final String COMPLETION = Fixtures.load("fixtures/openai/chat-completion.json");

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start(String.join("\n",
                "providers.resetting { type = openai, base-url = \"{upstream}/resetting/v1\", api-key = \"test-key-not-real\" }",
                "providers.breaking { type = openai, base-url = \"{upstream}/breaking/v1\", api-key = \"test-key-not-real\" }",
                "providers.limited { type = openai, base-url = \"{upstream}/limited/v1\", api-key = \"test-key-not-real\" }",
                "routes.resets.targets = [ resetting, backup ]",
                "routes.breaks.targets = [ breaking, backup ]",
                "routes.limits.targets = [ limited, backup ]",
                // The healthy stubs answer at once, but a loaded machine can pause them past a short idle
                // timeout; this test is about faulty upstreams leaving nothing behind, not about that timeout.
                "providers.primary.timeouts.idle = 10s",
                "providers.backup.timeouts.idle = 10s"));
        var up = h.upstream;
        for (String p : List.of("/primary", "/backup")) {
            up.stubFor(post(p + "/v1/chat/completions").withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                    .containing("\"stream\":true")).atPriority(1)
                    .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(SSE)));
            up.stubFor(post(p + "/v1/chat/completions").atPriority(2).willReturn(okJson(COMPLETION)));
        }
        up.stubFor(post("/resetting/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        up.stubFor(post("/breaking/v1/chat/completions").willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody("data: " + FaultToleranceTest.chunk("Hel") + "\n\ndata: {\"id\": \"x\", \"choices\": [\n\n")));
        up.stubFor(post("/limited/v1/chat/completions").willReturn(aResponse().withStatus(429).withHeader("retry-after", "20")
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.load("fixtures/openai/errors/429-rate-limit-exceeded.json"))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aThousandFaultyRequestsLeaveNothingBehind() throws Exception {
        String[] bodies = {
                body("default", false), body("default", true), body("resets", true), body("breaks", true),
                body("limits", false), body("resets", false), body("primary/gpt-4o-mini", true)};
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String body = bodies[i % bodies.length];
            done.add(clients.submit(() -> {
                GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", body);
                if (r.statusCode() == 200 && (r.body().endsWith("data: [DONE]\n\n") || r.body().contains("boardwalk"))) {
                    ok.incrementAndGet();
                } else {
                    failures.add(r.statusCode() + " " + r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(failures).isEmpty();
        assertThat(ok.get()).isEqualTo(1000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && (h.gateway.activeWorkers() > 0 || h.gateway.requestsInFlight() > 0
                || h.switchboard.leasedConnections() > 0)) {
            Thread.sleep(10);
        }
        assertThat(h.gateway.activeWorkers()).isZero();
        assertThat(h.gateway.requestsInFlight()).isZero();
        assertThat(h.switchboard.leasedConnections()).isZero();
        // Idle workers wait for the next request; none is stuck in an upstream call.
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("switchboard-gateway-"))
                .allSatisfy(t -> assertThat(t.getState()).isEqualTo(Thread.State.TIMED_WAITING));
        assertThat(h.gateway.workerThreads()).isLessThanOrEqualTo(64);
    }

    private static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }
}
