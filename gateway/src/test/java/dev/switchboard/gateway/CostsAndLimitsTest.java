package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.http.Json;
import dev.switchboard.runtime.SwitchboardConfigException;
import dev.switchboard.testkit.Fixtures;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rate limits, budgets, costs and GET /v1/usage through the gateway, against local stub providers. */
@Timeout(60) // a guard against hangs, not a speed check
class CostsAndLimitsTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    private static final String CHAT = "/v1/chat/completions";
    private static final String ASK = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String ASK_STREAM = "{\"model\":\"default\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    /** Frozen: the limiters do not refill and the budgets stay in one window while a test runs. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start(String extra) {
        h = GatewayHarness.start(extra, CLOCK);
    }

    private void bothAnswer() {
        // gpt-4o-2024-08-06, 1117 input and 46 output tokens
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    private static JsonNode json(GatewayHarness.Reply r) throws Exception {
        return Json.read(r.body());
    }

    @Test
    void aFirstProviderLimitedToNRequestsPerMinuteGetsExactlyNAndTheNextTargetTheRest() throws Exception {
        start("providers.primary.limits.requests-per-minute = 3");
        bothAnswer();

        List<String> answeredBy = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            GatewayHarness.Reply r = h.http("POST", CHAT, ASK);
            assertThat(r.statusCode()).isEqualTo(200);
            answeredBy.add(r.header(ChatCall.PROVIDER_HEADER).orElseThrow());
        }

        h.upstream.verify(3, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        h.upstream.verify(5, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
        assertThat(answeredBy).containsExactly("primary", "primary", "primary", "backup", "backup", "backup", "backup",
                "backup");
        String expected = "switchboard_gateway_rate_limit_skips_total{route=\"default\",provider=\"primary\"} 5";
        assertThat(h.metricsContaining(List.of(expected))).contains(expected);
    }

    @Test
    void whenEveryTargetIsLimitedTheGatewayAnswers429WithRetryAfterWithoutCallingAnyProvider() throws Exception {
        start("providers.primary.limits.requests-per-minute = 1\nproviders.backup.limits.requests-per-minute = 2");
        bothAnswer();
        for (int i = 0; i < 3; i++) {
            h.http("POST", CHAT, ASK);
        }

        GatewayHarness.Reply r = h.http("POST", CHAT, ASK);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.header("retry-after")).contains("30"); // backup: 2 per minute, room again in 30 s
        assertThat(json(r).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(json(r).at("/error/message").asText()).contains("no request was sent");
        h.upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        h.upstream.verify(2, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
    }

    @Test
    void aKeyOverItsRequestsPerMinuteGets429WithRetryAfterAndNothingIsSent() throws Exception {
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\", requests-per-minute = 2 },"
                + " \"other-key-not-real\" ]");
        bothAnswer();
        String[] teamA = {"Authorization", "Bearer team-a-key-not-real"};

        int first = h.http("POST", CHAT, ASK, teamA).statusCode();
        int second = h.http("POST", CHAT, ASK, teamA).statusCode();
        GatewayHarness.Reply third = h.http("POST", CHAT, ASK, teamA);
        int otherKey = h.http("POST", CHAT, ASK, "Authorization", "Bearer other-key-not-real").statusCode();

        assertThat(first).isEqualTo(200);
        assertThat(second).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.header("retry-after")).contains("30");
        assertThat(json(third).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(json(third).at("/error/message").asText())
                .contains("key 'team-a'", "requests-per-minute 2 reached").doesNotContain("team-a-key-not-real");
        assertThat(otherKey).isEqualTo(200);
        h.upstream.verify(3, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void aKeyOverItsTokensPerMinuteGets429() throws Exception {
        // A request is estimated at 1 token of prompt plus 256 of output; the answer really used 1163 tokens, which
        // leaves 137 of 1300: not enough for the next estimate.
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\", tokens-per-minute = 1300 } ]");
        bothAnswer();
        String[] teamA = {"Authorization", "Bearer team-a-key-not-real"};

        int first = h.http("POST", CHAT, ASK, teamA).statusCode();
        GatewayHarness.Reply second = h.http("POST", CHAT, ASK, teamA);

        assertThat(first).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(json(second).at("/error/message").asText()).contains("tokens-per-minute 1300 reached");
        h.upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void aKeyOverItsBudgetGets429BudgetExceededUntilThePeriodResets() throws Exception {
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\","
                + " budget { amount = 0.005, period = 1d } } ]");
        bothAnswer();
        String[] teamA = {"Authorization", "Bearer team-a-key-not-real"};

        GatewayHarness.Reply first = h.http("POST", CHAT, ASK, teamA);
        GatewayHarness.Reply second = h.http("POST", CHAT, ASK, teamA);
        GatewayHarness.Reply third = h.http("POST", CHAT, ASK, teamA);

        // gpt-4o: 1117 * 2.50 + 46 * 10.00 = 3252.5 per million = $0.0032525 a call
        assertThat(first.header(ChatCall.COST_HEADER)).contains("0.0032525");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.header("x-should-retry")).contains("false");
        assertThat(third.header("retry-after")).contains(Long.toString(12 * 3600));
        assertThat(json(third).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(json(third).at("/error/message").asText())
                .contains("$0.006505 of $0.005 per 1d", "resets at 2025-03-02T00:00:00Z");
        h.upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void aRouteOverItsBudgetGets429BudgetExceeded() throws Exception {
        start("routes.default.budget { amount = 0.001, period = 1h }");
        bothAnswer();
        h.http("POST", CHAT, ASK);

        GatewayHarness.Reply r = h.http("POST", CHAT, ASK);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(json(r).at("/error/message").asText()).contains("the budget of route default is spent");
        h.upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void usageReportsRequestsTokensAndCostPerProviderModelRouteAndKey() throws Exception {
        start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\","
                + " budget { amount = 1, period = 1d } }, { key = \"team-b-key-not-real\", name = \"team-b\", admin = true } ]");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        h.http("POST", CHAT, ASK, "Authorization", "Bearer team-a-key-not-real");
        h.http("POST", CHAT, "{\"model\":\"backup\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", "Bearer team-b-key-not-real");

        GatewayHarness.Reply r = h.http("GET", "/v1/usage", null, "Authorization", "Bearer team-b-key-not-real");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode u = json(r);
        // chat: $0.0032525 (above); stream: gpt-4o-2024-08-06, 14 * 2.50 + 47 * 10.00 = 505 per million = $0.000505
        assertThat(u.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(u.at("/total/input_tokens").asLong()).isEqualTo(1117 + 14);
        assertThat(u.at("/total/output_tokens").asLong()).isEqualTo(46 + 47);
        assertThat(u.at("/total/cost_usd").decimalValue()).isEqualByComparingTo("0.0037575");
        assertThat(u.at("/total/unpriced_requests").asLong()).isZero();
        assertThat(u.at("/providers/primary/cost_usd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(u.at("/providers/backup/cost_usd").decimalValue()).isEqualByComparingTo("0.000505");
        assertThat(u.path("models").has("primary/gpt-4o-2024-08-06")).isTrue();
        assertThat(u.at("/routes/default/requests").asLong()).isEqualTo(1);
        assertThat(u.at("/routes/backup/requests").asLong()).isEqualTo(1); // a provider addressed directly
        assertThat(u.at("/keys/team-a/cost_usd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(u.at("/keys/team-b/output_tokens").asLong()).isEqualTo(47);
        assertThat(u.at("/budgets/keys/team-a/spent_usd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(u.at("/budgets/keys/team-a/resets_at").asText()).isEqualTo("2025-03-02T00:00:00Z");
        assertThat(r.body()).doesNotContain("E-");
        assertThat(h.http("GET", "/v1/usage", null).statusCode()).isEqualTo(401);
        String cost = "switchboard_gateway_cost_usd_total{route=\"default\",provider=\"primary\"} 0.0032525";
        assertThat(h.metricsContaining(List.of(cost), "Authorization", "Bearer team-b-key-not-real")).contains(cost);
    }

    @Test
    void theCostHeaderSaysUnknownWhenTheModelHasNoPrice() throws Exception {
        start("");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json")
                .replace("gpt-4o-2024-08-06", "some-unpriced-model"))));

        GatewayHarness.Reply r = h.http("POST", CHAT,
                "{\"model\":\"primary/some-unpriced-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.header(ChatCall.COST_HEADER)).contains("unknown");
        assertThat(json(h.http("GET", "/v1/usage", null)).at("/total/unpriced_requests").asLong()).isEqualTo(1);
    }

    @Test
    void readsKeyBlocksAndRefusesBadOnesNamingTheEntry() {
        GatewayConfig c = GatewayConfig.from(ConfigFactory.parseString("switchboard.gateway.keys = [ \"plain-key-not-real\","
                + " { key = \"team-key-not-real\", name = team-a, requests-per-minute = 60, tokens-per-minute = 100000,"
                + " budget { amount = 5.00, period = 1d } } ]"));

        assertThat(c.keys()).extracting(AccessKey::name).containsExactly(
                AccessKey.of("plain-key-not-real").name(), "team-a");
        assertThat(c.keys().get(0).name()).matches("key-[0-9a-f]{8}");
        assertThat(c.keys().get(1).requestsPerMinute()).isEqualTo(60);
        assertThat(c.keys().get(1).tokensPerMinute()).isEqualTo(100_000);
        assertThat(c.keys().get(1).budget()).hasValueSatisfying(b -> {
            assertThat(b.amount()).isEqualByComparingTo(new BigDecimal("5.00"));
            assertThat(b.period()).hasHours(24);
        });
        assertThat(c.keys().get(1).toString()).doesNotContain("team-key-not-real");
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway.keys = [ { name = team-a } ]")))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessage("String:1: switchboard.gateway.keys[0].key: missing or unset: write key = \"...\", or set the"
                        + " variable it reads (an unset ${?VARIABLE} leaves the key out)");
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway.keys = [ { key = a-key-not-real-one, name = x }, { key = b-key-not-real-two, name = x } ]")))
                .hasMessage("String:1: switchboard.gateway.keys[1]: is named 'x' like keys[0]; give each key its own name");
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway.keys = [ { key = a-key-not-real-one, rpm = 5 } ]")))
                .hasMessageStartingWith("String:1: switchboard.gateway.keys[0].rpm: unknown key; known keys: admin, budget, key,");
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway.keys = [ { key = a-key-not-real-one, requests-per-minute = 0 } ]")))
                .hasMessage("String:1: switchboard.gateway.keys[0].requests-per-minute: must be at least 1, was 0");
        assertThatThrownBy(() -> GatewayConfig.from(ConfigFactory.parseString(
                "switchboard.gateway.keys = [ { key = a-key-not-real-one, budget { amount = 5 } } ]")))
                .hasMessageStartingWith("String:1: switchboard.gateway.keys[0].budget.period: missing;");
    }
}
