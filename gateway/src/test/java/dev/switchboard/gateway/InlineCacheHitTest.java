package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.runtime.InboundContext;
import dev.switchboard.testkit.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cache hits a gateway answers without a worker (a route's cache in this process, a key without limits, a ledger that
 * records without waiting), and those it still answers through one: either way the same answer and bookkeeping.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InlineCacheHitTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String ROUTES = "routes.cached { targets = [ primary ], cache { ttl = 10m } }";
    private static final String REQUEST = "{\"model\":\"cached\",\"temperature\":0,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Describe the image.\"}]}";

    @TempDir
    Path data;
    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start(String extra) {
        start(extra, InboundContext.NONE);
    }

    private void start(String extra, InboundContext context) {
        h = GatewayHarness.start(ROUTES + "\n" + extra, b -> b.inboundContext(context).build());
        h.upstream.stubFor(post(PRIMARY_CHAT)
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    private GatewayHarness.Reply chat(String body, String... headers) throws IOException {
        return h.http("POST", "/v1/chat/completions", body, headers);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "embedded"})
    void aHitIsAnsweredWhileTheOnlyWorkerWaitsOnAnUpstream(String backend) throws Exception {
        start(String.join("\n", "gateway.max-concurrent-requests = 1",
                "providers.primary.timeouts.first-byte = 30s",
                "state { backend = " + backend + ", data-dir = \"" + data.toString().replace("\\", "/") + "\" }"));
        GatewayHarness.Reply miss = chat(REQUEST);
        h.upstream.stubFor(post(PRIMARY_CHAT).withRequestBody(containing("\"stream\":true")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse")).withFixedDelay(3000)));
        CompletableFuture<GatewayHarness.Reply> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return chat("{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}]}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        awaitStreamedUpstreamRequest(); // the only worker now waits for the upstream's first byte

        GatewayHarness.Reply hit = chat(REQUEST);
        GatewayHarness.Reply otherMiss = chat(REQUEST.replace("\"temperature\":0",
                "\"temperature\":0,\"max_tokens\":5"));

        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.header(ResponseCache.HEADER)).contains("hit");
        assertThat(hit.header(ChatCall.ATTEMPTS_HEADER)).contains("0");
        assertThat(hit.header(ChatCall.COST_HEADER)).contains("0");
        assertThat(hit.header(ChatCall.PROVIDER_HEADER)).contains("primary");
        assertThat(withoutCreated(hit.body())).isEqualTo(withoutCreated(miss.body()));
        // a miss needs a worker: still refused while the only one is busy, and it says it was a miss
        assertThat(otherMiss.statusCode()).isEqualTo(503);
        assertThat(otherMiss.header(ResponseCache.HEADER)).contains("miss");
        assertThat(slow.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        JsonNode usage = Json.read(h.http("GET", "/v1/usage", null).body());
        assertThat(usage.at("/providers/cache/requests").asLong()).isEqualTo(1);
        assertThat(usage.at("/routes/cached/requests").asLong()).isEqualTo(2);
        String cacheRequests = "switchboard_gateway_requests_total{endpoint=\"chat\",route=\"cached\","
                + "provider=\"cache\",status=\"200\"} 1";
        String hits = "switchboard_gateway_cache_lookups_total{route=\"cached\",result=\"hit\"} 1";
        assertThat(h.metricsContaining(List.of(cacheRequests, hits))).contains(cacheRequests, hits);
        JsonNode hitCall = callWithStatusAndProvider(200, "cache");
        assertThat(hitCall.at("/attempts/0/outcome").asText()).isEqualTo("cached");
        assertThat(hitCall.at("/attempts/0/provider").asText()).isEqualTo("primary");
    }

    @Test
    void aKeyWithARateLimitHasItsHitsAdmittedAndCounted() throws Exception {
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\", requests-per-minute = 3 } ]");
        String[] key = {"Authorization", "Bearer team-a-key-not-real"};

        GatewayHarness.Reply miss = chat(REQUEST, key);
        GatewayHarness.Reply hit = chat(REQUEST, key);
        GatewayHarness.Reply secondHit = chat(REQUEST, key);
        GatewayHarness.Reply overTheLimit = chat(REQUEST, key);

        assertThat(miss.header(ResponseCache.HEADER)).contains("miss");
        assertThat(List.of(hit, secondHit)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.header(ResponseCache.HEADER)).contains("hit");
            assertThat(withoutCreated(r.body())).isEqualTo(withoutCreated(miss.body()));
        });
        assertThat(overTheLimit.statusCode()).isEqualTo(429); // each hit took one of the key's three requests
        assertThat(overTheLimit.header(ResponseCache.HEADER)).contains("miss");
        assertThat(h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT)))).hasSize(1);
        JsonNode usage = Json.read(h.http("GET", "/v1/usage", null, key).body());
        assertThat(usage.at("/total/requests").asLong()).isEqualTo(3);
        assertThat(usage.at("/providers/cache/requests").asLong()).isEqualTo(2);
    }

    @Test
    void theCallersContextIsEnteredAndClosedOnTheThreadThatAnswersAHit() throws Exception {
        List<String> entered = new CopyOnWriteArrayList<>();
        List<String> unbalanced = new CopyOnWriteArrayList<>();
        start("", headers -> {
            Thread t = Thread.currentThread();
            entered.add(headers.apply("x-caller"));
            return () -> {
                if (Thread.currentThread() != t) {
                    unbalanced.add(t.getName() + " -> " + Thread.currentThread().getName());
                }
            };
        });

        chat(REQUEST, "x-caller", "first");
        GatewayHarness.Reply hit = chat(REQUEST, "x-caller", "second");

        assertThat(hit.header(ResponseCache.HEADER)).contains("hit");
        assertThat(entered).containsExactly("first", "second");
        assertThat(unbalanced).isEmpty();
    }

    @Test
    void aBodyTooLargeToReadOnTheIoThreadIsStillAHitThroughAWorker() throws Exception {
        start("");
        String large = REQUEST.replace("Describe the image.", "x".repeat(ReadOnReactor.MAX_BODY));

        GatewayHarness.Reply miss = chat(large);
        GatewayHarness.Reply hit = chat(large);

        assertThat(miss.header(ResponseCache.HEADER)).contains("miss");
        assertThat(hit.header(ResponseCache.HEADER)).contains("hit");
        assertThat(withoutCreated(hit.body())).isEqualTo(withoutCreated(miss.body()));
        assertThat(h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT)))).hasSize(1);
    }

    @Test
    void errorsInABodyReadOnTheIoThreadAreAnsweredAsBefore() throws Exception {
        start("");

        GatewayHarness.Reply malformed = chat("{\"model\":\"cached\",\"messages\":[");
        GatewayHarness.Reply unknown = chat(REQUEST.replace("\"cached\"", "\"nowhere\""));
        GatewayHarness.Reply noMessages = chat("{\"model\":\"cached\",\"temperature\":0}");

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("We could not parse the JSON body of your request");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("nowhere");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(noMessages.body()).contains("messages");
        assertThat(h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT)))).isEmpty();
    }

    private void awaitStreamedUpstreamRequest() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(containing("\"stream\":true"))).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** The dashboard's latest call with this status and provider (a call is listed just after its answer is sent). */
    private JsonNode callWithStatusAndProvider(int status, String provider) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (JsonNode call : Json.read(h.http("GET", "/ui/api/requests", null).body()).path("data")) {
                if (call.path("status").asInt() == status && provider.equals(call.path("provider").asText())) {
                    return call;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no call with status " + status + " and provider " + provider + " listed");
            }
            Thread.sleep(10);
        }
    }

    private static String withoutCreated(String body) {
        return body.replaceAll("\"created\":\\d+", "");
    }
}
