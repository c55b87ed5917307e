package dev.switchboard.state.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.runtime.Switchboard;
import java.math.BigDecimal;
import dev.switchboard.testkit.GatewayHttp;
import dev.switchboard.testkit.GatewayHttp.Reply;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three gateways (each its own Switchboard, providers, routes and HTTP server, as three processes would have) with
 * {@code switchboard.state.backend = redis} on one real redis-server, in front of one stub provider: one rate limit,
 * one key budget, one reset and one cooldown for all three, and {@code on-failure} while Redis is away. The
 * Switchboards run on a fixed clock, so no bucket refills while the test runs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisGatewaysTest extends GatewaysOnRedis {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEAM_KEY = "team-a-key-not-real-0001";
    private static final String OPS_KEY = "ops-admin-key-not-real-01";
    /** 20 characters (5 tokens by the estimate) and max_tokens 7: estimated at what the stub reports, $0.0002. */
    private static final String ASK = "{\"model\":\"default\",\"max_tokens\":7,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"twenty characters!!!\"}]}";
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";
    private static final AtomicInteger PREFIX = new AtomicInteger();

    @Override
    void stub(WireMockServer upstream) {
        upstream.stubFor(post(urlEqualTo("/up/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        upstream.stubFor(post(urlEqualTo("/bad/v1/chat/completions")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"down\"}}")));
    }

    /** {@code count} gateways sharing one fresh key prefix; {@code extra} is more HOCON inside switchboard { }. */
    private List<Gateway> start(int count, String... extra) {
        String prefix = "gw" + PREFIX.incrementAndGet() + ":";
        List<Gateway> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String hocon = String.join("\n",
                    "switchboard {",
                    "  providers {",
                    "    up { type = openai, base-url = \"" + upstream.baseUrl() + "/up/v1\", api-key = \"upstream-key-not-real\", model = m }",
                    "    bad { type = openai, base-url = \"" + upstream.baseUrl() + "/bad/v1\", api-key = \"upstream-key-not-real\", model = m }",
                    "  }",
                    "  pricing { \"up/m\" { input = 12, output = 20 } }",
                    "  route-defaults.retry.max-retries = 0",
                    "  gateway.port = 0",
                    "  state { backend = redis, redis { uri = \"" + redis.uri() + "\", key-prefix = \"" + prefix + "\" } }",
                    i < extra.length ? extra[i] : extra.length > 0 ? extra[extra.length - 1] : "",
                    "}");
            Switchboard sb = Switchboard.builder().config(hocon).env(Map.of()).clock(CLOCK).build();
            Gateway g = serve(sb);
            started.add(g);
        }
        return started;
    }

    private Reply chat(Gateway g, String key) throws Exception {
        return send(g, "POST", "/v1/chat/completions", key, ASK);
    }

    private Reply send(Gateway g, String method, String path, String key) throws Exception {
        return send(g, method, path, key, null);
    }

    private Reply send(Gateway g, String method, String path, String key, String body) throws Exception {
        return GatewayHttp.send(g.port(), method, path, body, GatewayHttp.bearer(key));
    }

    private int upstreamCalls(String provider) {
        return upstream.countRequestsMatching(postRequestedFor(urlEqualTo("/" + provider + "/v1/chat/completions"))
                .build()).getCount();
    }

    /** Sends {@code count} requests spread round-robin over {@code over}, 12 at a time; the statuses in order. */
    private List<Integer> spread(List<Gateway> over, int count, String key) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Gateway g = over.get(i % over.size());
                calls.add(pool.submit(() -> chat(g, key).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : calls) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoHundredRequestsOverThreeGatewaysSendExactlyThirtyToAProviderLimitedToThirtyPerMinute() throws Exception {
        List<Gateway> three = start(3, "providers.up.limits.requests-per-minute = 30\nroutes.default.targets = [ up ]");

        List<Integer> statuses = spread(three, 200, null);

        assertThat(upstreamCalls("up")).isEqualTo(30);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(30);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(170);
    }

    @Test
    void aKeyBudgetHoldsOverThreeGatewaysAndAResetOnOneAdmitsTheNextRequestOnAnother() throws Exception {
        String keys = "routes.default.targets = [ up ]\ngateway.keys = [ { key = \"" + TEAM_KEY + "\", name = team-a,"
                + " budget { amount = 0.001, period = 1d } }, { key = \"" + OPS_KEY + "\", name = ops, admin = true } ]";
        List<Gateway> three = start(3, keys);

        List<Integer> statuses = spread(three, 60, TEAM_KEY);

        // each call is estimated at exactly its cost ($0.0002), so the in-flight bound is zero: five calls, not one more
        assertThat(upstreamCalls("up")).isEqualTo(5);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
        JsonNode usage = JSON.readTree(send(three.get(2), "GET", "/v1/usage?key=team-a", OPS_KEY).body());
        BigDecimal spent = usage.at("/budgets/keys/team-a/spent_usd").decimalValue();
        assertThat(spent).as(usage.toString()).isEqualByComparingTo("0.001");
        assertThat(usage.at("/total/requests").asLong()).as(usage.toString()).isEqualTo(5);
        assertThat(chat(three.get(1), TEAM_KEY).statusCode()).isEqualTo(429);

        Reply reset = send(three.get(0), "POST", "/v1/usage/reset?key=team-a", OPS_KEY);
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);

        assertThat(chat(three.get(1), TEAM_KEY).statusCode()).isEqualTo(200);
        assertThat(upstreamCalls("up")).isEqualTo(6);
    }

    @Test
    void aCooldownOpenedByOneGatewayIsHonouredByTheOthers() throws Exception {
        List<Gateway> three = start(3, "routes.default.targets = [ bad, up ]\n"
                + "route-defaults.cooldown { failure-threshold = 1, duration = 5m }");

        assertThat(chat(three.get(0), null).statusCode()).isEqualTo(200); // bad failed, up answered
        assertThat(chat(three.get(1), null).statusCode()).isEqualTo(200);
        assertThat(chat(three.get(2), null).statusCode()).isEqualTo(200);

        assertThat(upstreamCalls("bad")).isEqualTo(1);
        assertThat(upstreamCalls("up")).isEqualTo(3);
    }

    @Test
    void withRedisStoppedAllowLetsCallsThroughUncountedDenyRefusesThemAndCountingResumesWhenItReturns()
            throws Exception {
        List<Gateway> both = start(2,
                "routes.default.targets = [ up ]\nstate.on-failure = allow",
                "routes.default.targets = [ up ]\nstate.on-failure = deny");
        Gateway allow = both.get(0);
        Gateway deny = both.get(1);
        assertThat(chat(allow, null).statusCode()).isEqualTo(200);
        assertThat(chat(deny, null).statusCode()).isEqualTo(200);

        redis.stop();
        try {
            assertThat(chat(allow, null).statusCode()).isEqualTo(200);
            Reply refused = chat(deny, null);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"state_unavailable\"", "switchboard.state.on-failure = deny");
            assertThat(send(allow, "GET", "/metrics", null).body())
                    .contains("switchboard_state_unavailable{backend=\"redis\"} 1",
                            "switchboard_state_outages_total{backend=\"redis\"} 1");
        } finally {
            redis.start();
        }
        assertThat(upstreamCalls("up")).isEqualTo(3); // deny sent nothing

        // Redis came back empty (no persistence): what is counted from now on is what was sent after its return
        Reply again = awaitReconnected(deny);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        // each instance finds Redis back by itself (a readiness check starts its probe): a call made before that
        // passes uncounted, as every call of the outage did
        awaitReachable(allow);
        assertThat(chat(allow, null).statusCode()).isEqualTo(200);
        Reply read = send(allow, "GET", "/v1/usage", null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (read.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            read = send(allow, "GET", "/v1/usage", null);
        }
        JsonNode usage = JSON.readTree(read.body());
        assertThat(usage.at("/total/requests").asLong()).as(usage.toString()).isEqualTo(2);
        assertThat(send(allow, "GET", "/metrics", null).body())
                .contains("switchboard_state_unavailable{backend=\"redis\"} 0",
                        "switchboard_state_outages_total{backend=\"redis\"} 1");
    }

    @Test
    void withRedisHungReadinessAndUsageSayUnavailableAndTheRefusalSaysWhenToRetry() throws Exception {
        List<Gateway> both = start(2,
                "routes.default.targets = [ up ]\nstate.on-failure = allow",
                "routes.default.targets = [ up ]\nstate.on-failure = deny");
        Gateway allow = both.get(0);
        Gateway deny = both.get(1);
        assertThat(chat(deny, null).statusCode()).isEqualTo(200);
        redis.hang();
        try {
            Reply refused = chat(deny, null);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).contains("1");
            assertThat(JSON.readTree(refused.body()).at("/error/message").asText())
                    .startsWith("the state backend redis is unreachable");
            Reply ready = send(deny, "GET", "/ready", null);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).at("/state/reachable").asBoolean(true)).isFalse();
            Reply usage = send(deny, "GET", "/v1/usage", null);
            assertThat(usage.statusCode()).as(usage.body()).isEqualTo(503);
            assertThat(usage.body()).contains("\"code\":\"state_unavailable\"");
            assertThat(usage.header("Retry-After")).contains("1");

            assertThat(chat(allow, null).statusCode()).isEqualTo(200);
            Reply allowReady = send(allow, "GET", "/ready", null);
            assertThat(allowReady.statusCode()).as("allow serves, so it stays ready: " + allowReady.body())
                    .isEqualTo(200);
            assertThat(JSON.readTree(allowReady.body()).at("/state/reachable").asBoolean(true)).isFalse();
            Reply allowUsage = send(allow, "GET", "/v1/usage", null);
            assertThat(allowUsage.statusCode()).as(allowUsage.body()).isEqualTo(503);
        } finally {
            redis.resume();
        }
        Reply again = awaitReconnected(deny);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(send(deny, "GET", "/ready", null).statusCode()).isEqualTo(200);
    }

    /** Waits until the gateway's readiness says its state backend is reachable again. */
    private void awaitReachable(Gateway g) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!JSON.readTree(send(g, "GET", "/ready", null).body()).at("/state/reachable").asBoolean(false)) {
            assertThat(System.nanoTime()).as("redis reachable again for the gateway within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The gateway's first answer once its client has reconnected to the restarted server. */
    private Reply awaitReconnected(Gateway g) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Reply r = chat(g, null);
            if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(50); // the client reconnects in the background, with back-off up to a second
        }
    }
}
