package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The routes' response cache through the gateway, driven by the official OpenAI SDK and plain HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponseCacheTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String ROUTES = String.join("\n",
            "routes.cached { targets = [ primary ], cache { ttl = 10m, max-entries = 100 } }",
            "routes.sampling { targets = [ primary ], cache.allow-sampling = true }");

    private final MovableClock clock = new MovableClock();
    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private GatewayHarness start(String extra) {
        h = GatewayHarness.start(ROUTES + "\n" + extra, clock);
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        return h;
    }

    private int upstreamCalls() {
        return h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT))).size();
    }

    private static String body(String route, String rest) {
        return "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Describe the image.\"}]"
                + rest + "}";
    }

    private GatewayHarness.Reply chat(String body, String... headers) throws Exception {
        return h.http("POST", "/v1/chat/completions", body, headers);
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheWithoutAskingTheProvider() throws Exception {
        start("");
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("cached").temperature(0.0)
                .addUserMessage("Describe the image.").build();

        ChatCompletion first = h.client().chat().completions().create(params);
        ChatCompletion second = h.client().chat().completions().create(params);
        GatewayHarness.Reply third = chat(body("cached", ",\"temperature\":0"));

        assertThat(second.choices().get(0).message().content()).isEqualTo(first.choices().get(0).message().content());
        assertThat(upstreamCalls()).isEqualTo(1);
        assertThat(third.header(ResponseCache.HEADER)).contains("hit");
        assertThat(third.header(ChatCall.COST_HEADER)).contains("0");
        assertThat(third.header(ChatCall.ATTEMPTS_HEADER)).contains("0");
        assertThat(h.metricsContaining(List.of("switchboard_gateway_cache_lookups_total{route=\"cached\",result=\"hit\"} 2")))
                .contains("switchboard_gateway_cache_lookups_total{route=\"cached\",result=\"hit\"} 2",
                        "switchboard_gateway_cache_lookups_total{route=\"cached\",result=\"miss\"} 1");
    }

    @Test
    void aHitIsCountedAtZeroCostInTheLedgerAndMarkedInTheTrail() throws Exception {
        start("");
        chat(body("cached", ",\"temperature\":0"));
        GatewayHarness.Reply hitReply = chat(body("cached", ",\"temperature\":0"));

        JsonNode usage = Json.read(h.http("GET", "/v1/usage", null).body());
        assertThat(usage.at("/providers/primary/requests").asLong()).isEqualTo(1);
        assertThat(usage.at("/providers/cache/requests").asLong()).isEqualTo(1);
        assertThat(usage.at("/providers/cache/cost_usd").decimalValue()).isZero();
        assertThat(usage.at("/providers/cache/total_tokens").asLong()).isZero();
        assertThat(usage.at("/routes/cached/requests").asLong()).isEqualTo(2);
        assertThat(usage.at("/routes/cached/cost_usd").decimalValue())
                .isEqualTo(usage.at("/providers/primary/cost_usd").decimalValue());
        // found by its id: a hit answered on the I/O thread may be listed before the miss whose worker was still
        // finishing its bookkeeping when the client had its answer and asked again
        JsonNode hit = call(recentCalls(2), hitReply);
        assertThat(hit.at("/attempts/0/provider").asText()).isEqualTo("primary");
        assertThat(hit.at("/attempts/0/outcome").asText()).isEqualTo("cached");
        assertThat(hit.at("/attempts").size()).isEqualTo(1);
        assertThat(h.metricsContaining(List.of("provider=\"cache\"")))
                .contains("switchboard_gateway_cost_usd_total{route=\"cached\",provider=\"cache\"} 0\n"); // a plain decimal
    }

    @Test
    void metricsCountAHitAsARequestOfProviderCacheSoProviderCountsAreUpstreamRequests() throws Exception {
        start("");
        h.upstream.stubFor(post("/primary/v1/chat/completions").withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("\"stream\":true")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        String plain = body("cached", ",\"temperature\":0");
        String stream = body("cached", ",\"temperature\":0,\"stream\":true");
        chat(plain);
        chat(plain);
        chat(plain);
        chat(stream);
        int upstream = upstreamCalls(); // a loaded machine may have retried the stream past its first-byte timeout
        chat(stream);

        String primary = "switchboard_gateway_requests_total{endpoint=\"chat\",route=\"cached\",provider=\"primary\","
                + "status=\"200\"} 2";
        String cache = "switchboard_gateway_requests_total{endpoint=\"chat\",route=\"cached\",provider=\"cache\","
                + "status=\"200\"} 3";
        assertThat(h.metricsContaining(List.of(primary, cache))).contains(primary, cache);
        assertThat(upstreamCalls()).isEqualTo(upstream);
    }

    /** The dashboard's recent calls once {@code n} are listed (a call is listed just after its client is answered). */
    /**
     * The dashboard's record of the call {@code reply} answered, found by its request id: records are listed as their
     * bookkeeping ends, and a hit may end its own before the miss before it (answered on the I/O thread while that
     * miss's worker was still finishing).
     */
    private static JsonNode call(JsonNode recent, GatewayHarness.Reply reply) {
        String id = reply.header("x-request-id").orElseThrow();
        for (JsonNode call : recent.path("data")) {
            if (call.path("id").asText().equals(id)) {
                return call;
            }
        }
        throw new AssertionError("no recent call " + id + " in " + recent);
    }

    private JsonNode recentCalls(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode calls = Json.read(h.http("GET", "/ui/api/requests", null).body());
        while (calls.path("data").size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
            calls = Json.read(h.http("GET", "/ui/api/requests", null).body());
        }
        return calls;
    }

    @Test
    void theKeyIgnoresFieldOrderAndStatedDefaults() throws Exception {
        start("");
        GatewayHarness.Reply miss = chat(body("cached", ",\"temperature\":0"));
        GatewayHarness.Reply hit = chat("{\"temperature\":0.0,\"n\":1,\"top_p\":1.0,\"stream\":false,\"user\":\"u-1\","
                + "\"messages\":[{\"content\":\"Describe the image.\",\"role\":\"user\"}],\"model\":\"cached\"}");
        GatewayHarness.Reply other = chat(body("cached", ",\"temperature\":0,\"max_tokens\":5"));

        assertThat(miss.header(ResponseCache.HEADER)).contains("miss");
        assertThat(hit.header(ResponseCache.HEADER)).contains("hit");
        assertThat(hit.body()).isEqualTo(miss.body());
        assertThat(other.header(ResponseCache.HEADER)).contains("miss");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void answersExpireAfterTheirTtl() throws Exception {
        start("");
        chat(body("cached", ",\"temperature\":0"));
        clock.advance(Duration.ofMinutes(9));
        assertThat(chat(body("cached", ",\"temperature\":0")).header(ResponseCache.HEADER)).contains("hit");

        clock.advance(Duration.ofMinutes(2));
        assertThat(chat(body("cached", ",\"temperature\":0")).header(ResponseCache.HEADER)).contains("miss");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void aStreamedHitReplaysTheSameEvents() throws Exception {
        start("");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        String stream = body("cached", ",\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}");

        GatewayHarness.Reply miss = chat(stream);
        int asked = upstreamCalls(); // a loaded machine may have retried the first stream past its first-byte timeout
        GatewayHarness.Reply hit = chat(stream);

        assertThat(miss.header(ResponseCache.HEADER)).contains("miss");
        assertThat(hit.header(ResponseCache.HEADER)).contains("hit");
        // the same chunks (the gateway stamps each answer with its own created time)
        assertThat(withoutCreated(hit.body())).isEqualTo(withoutCreated(miss.body())).contains("data: [DONE]")
                .contains("\"usage\":{\"prompt_tokens\":14");
        assertThat(upstreamCalls()).isEqualTo(asked);
        assertThat(Json.read(h.http("GET", "/v1/usage", null).body()).at("/providers/cache/requests").asLong())
                .isEqualTo(1);
        assertThat(call(recentCalls(2), hit).at("/attempts/0/outcome").asText()).isEqualTo("cached");
    }

    @Test
    void cacheControlNoCacheAsksTheProviderAgain() throws Exception {
        start("");
        chat(body("cached", ",\"temperature\":0"));

        GatewayHarness.Reply bypass = chat(body("cached", ",\"temperature\":0"), "Cache-Control", "no-cache");

        assertThat(bypass.header(ResponseCache.HEADER)).contains("miss");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void cacheControlNoStoreAsksTheProviderAndKeepsNothing() throws Exception {
        start("");
        String request = body("cached", ",\"temperature\":0");

        GatewayHarness.Reply unstored = chat(request, "Cache-Control", "no-store");
        GatewayHarness.Reply next = chat(request); // nothing was kept: the providers are asked again
        GatewayHarness.Reply then = chat(request); // and this time the answer is kept, as for any request

        assertThat(unstored.header(ResponseCache.HEADER)).contains("miss");
        assertThat(next.header(ResponseCache.HEADER)).contains("miss");
        assertThat(then.header(ResponseCache.HEADER)).contains("hit");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void sampledAnswersAreNotCachedUnlessTheRouteAllowsIt() throws Exception {
        start("");
        chat(body("cached", ",\"temperature\":0.7"));
        GatewayHarness.Reply sampled = chat(body("cached", ",\"temperature\":0.7"));
        chat(body("cached", ""));
        chat(body("cached", "")); // no temperature: the provider samples
        assertThat(sampled.header(ResponseCache.HEADER)).contains("miss"); // passed through: a miss, not stored
        assertThat(upstreamCalls()).isEqualTo(4);

        chat(body("sampling", ",\"temperature\":0.7"));
        assertThat(chat(body("sampling", ",\"temperature\":0.7")).header(ResponseCache.HEADER)).contains("hit");
        assertThat(upstreamCalls()).isEqualTo(5);
    }

    @Test
    void errorsAreNotCached() throws Exception {
        start("");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
                "application/json").withBody("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}")));
        GatewayHarness.Reply error = chat(body("cached", ",\"temperature\":0"));
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.header(ResponseCache.HEADER)).contains("miss");

        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        GatewayHarness.Reply after = chat(body("cached", ",\"temperature\":0"));

        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.header(ResponseCache.HEADER)).contains("miss");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void everyAnswerOfACachingRouteSaysWhetherItCameFromTheCache() throws Exception {
        start("");
        chat(body("cached", ",\"temperature\":0"));
        GatewayHarness.Reply noCache = chat(body("cached", ",\"temperature\":0"), "Cache-Control", "no-cache");
        GatewayHarness.Reply sampled = chat(body("cached", ",\"temperature\":0.7"));
        GatewayHarness.Reply sampledStream = chat(body("cached", ",\"temperature\":0.7,\"stream\":true"));
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(503).withHeader("Content-Type",
                "application/json").withBody("{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}")));
        GatewayHarness.Reply failed = chat(body("cached", ",\"temperature\":0.5"));
        GatewayHarness.Reply failedStream = chat(body("cached", ",\"temperature\":0,\"max_tokens\":3,\"stream\":true"));
        GatewayHarness.Reply stillHit = chat(body("cached", ",\"temperature\":0"));
        GatewayHarness.Reply uncachedRoute = chat(body("default", ",\"temperature\":0"));

        assertThat(List.of(noCache, sampled, sampledStream, failed, failedStream))
                .allSatisfy(r -> assertThat(r.header(ResponseCache.HEADER)).contains("miss"));
        assertThat(failed.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(failedStream.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(stillHit.header(ResponseCache.HEADER)).contains("hit");
        assertThat(uncachedRoute.header(ResponseCache.HEADER)).isEmpty();
    }

    @Test
    void aKeyOverItsLimitIsRefusedWithTheCacheHeader() throws Exception {
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\", requests-per-minute = 1 } ]");
        String request = body("cached", ",\"temperature\":0");

        chat(request, "Authorization", "Bearer team-a-key-not-real");
        GatewayHarness.Reply refused = chat(request, "Authorization", "Bearer team-a-key-not-real");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.header(ResponseCache.HEADER)).contains("miss");
    }

    @Test
    void oneKeysAnswersNeverReachAnotherKey() throws Exception {
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\" },"
                + " { key = \"team-b-key-not-real\", name = \"team-b\" } ]");
        String request = body("cached", ",\"temperature\":0");

        chat(request, "Authorization", "Bearer team-a-key-not-real");
        GatewayHarness.Reply b = chat(request, "Authorization", "Bearer team-b-key-not-real");
        GatewayHarness.Reply a = chat(request, "Authorization", "Bearer team-a-key-not-real");

        assertThat(b.header(ResponseCache.HEADER)).contains("miss");
        assertThat(a.header(ResponseCache.HEADER)).contains("hit");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    private static String withoutCreated(String body) {
        return body.replaceAll("\"created\":\\d+", "");
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-05T10:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override public Instant instant() { return now.get(); }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }
}
