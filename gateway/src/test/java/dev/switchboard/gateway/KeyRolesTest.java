package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Key roles through real HTTP: two plain keys and an admin. A plain key reads only its own usage and not the metrics;
 * the admin reads everything; {@code /health} answers without a key; {@code open-endpoints} opens {@code /ready} and
 * {@code /metrics} to requests without one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyRolesTest {

    private static final String TEAM_A = "team-a-key-not-real";
    private static final String TEAM_B = "team-b-key-not-real";
    private static final String OPS = "ops-key-not-real";
    private static final String KEYS = "gateway.keys = [ "
            + "{ key = \"" + TEAM_A + "\", name = \"team-a\", budget { amount = 1, period = 1d } },"
            + "{ key = \"" + TEAM_B + "\", name = \"team-b\" },"
            + "{ key = \"" + OPS + "\", name = \"ops\", admin = true } ]\n"
            + "routes.default.budget { amount = 20, period = 30d }";
    private static final String CHAT = "/v1/chat/completions";
    private static final String ASK = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String ASK_BACKUP_STREAM = "{\"model\":\"backup\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private GatewayHarness h;

    private void start(String extra) {
        h = GatewayHarness.start(extra);
        h.upstream.stubFor(post("/primary/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.upstream.stubFor(post("/backup/v1/chat/completions").willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** team-a asks once through the default route (primary), team-b streams once from backup. */
    private void bothTeamsAsk() throws Exception {
        assertThat(h.http("POST", CHAT, ASK, auth(TEAM_A)).statusCode()).isEqualTo(200);
        assertThat(h.http("POST", CHAT, ASK_BACKUP_STREAM, auth(TEAM_B)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPlainKeyReadsOnlyItsOwnUsage() throws Exception {
        start(KEYS);
        bothTeamsAsk();

        GatewayHarness.Reply a = h.http("GET", "/v1/usage", null, auth(TEAM_A));
        GatewayHarness.Reply b = h.http("GET", "/v1/usage", null, auth(TEAM_B));

        assertThat(a.statusCode()).isEqualTo(200);
        JsonNode ua = json(a);
        assertThat(ua.at("/key").asText()).isEqualTo("team-a");
        assertThat(ua.at("/total/requests").asLong()).isEqualTo(1);
        assertThat(ua.at("/total/input_tokens").asLong()).isEqualTo(1117);
        assertThat(ua.at("/total/cost_usd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(fieldNames(ua.path("keys"))).containsExactly("team-a");
        assertThat(fieldNames(ua.path("providers"))).containsExactly("primary");
        assertThat(fieldNames(ua.path("budgets"))).containsExactly("keys");
        assertThat(ua.at("/budgets/keys/team-a/spent_usd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(a.body()).doesNotContain("team-b").doesNotContain("backup").doesNotContain("ops");

        JsonNode ub = json(b);
        assertThat(ub.at("/key").asText()).isEqualTo("team-b");
        assertThat(ub.at("/total/requests").asLong()).isEqualTo(1);
        assertThat(ub.at("/total/output_tokens").asLong()).isEqualTo(47);
        assertThat(fieldNames(ub.path("keys"))).containsExactly("team-b");
        assertThat(fieldNames(ub.path("budgets").path("keys"))).isEmpty();
        assertThat(b.body()).doesNotContain("team-a").doesNotContain("primary").doesNotContain("\"routes\":{\"default\"");
    }

    @Test
    void aKeyThatAskedNothingYetReadsZeros() throws Exception {
        start(KEYS);
        assertThat(h.http("POST", CHAT, ASK, auth(TEAM_A)).statusCode()).isEqualTo(200);

        JsonNode ub = json(h.http("GET", "/v1/usage", null, auth(TEAM_B)));

        assertThat(ub.at("/key").asText()).isEqualTo("team-b");
        assertThat(ub.at("/total/requests").asLong()).isZero();
        assertThat(ub.at("/total/cost_usd").decimalValue()).isZero();
        assertThat(fieldNames(ub.path("keys"))).isEmpty();
    }

    @Test
    void anAdminKeyReadsEverybodysUsageAndTheBudgets() throws Exception {
        start(KEYS);
        bothTeamsAsk();

        JsonNode u = json(h.http("GET", "/v1/usage", null, auth(OPS)));

        assertThat(u.has("key")).isFalse();
        assertThat(u.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(fieldNames(u.path("keys"))).containsExactly("team-a", "team-b");
        assertThat(fieldNames(u.path("providers"))).containsExactly("backup", "primary");
        assertThat(u.at("/budgets/routes/default/amount_usd").decimalValue()).isEqualByComparingTo("20");
        assertThat(u.at("/budgets/keys/team-a/spent_usd").decimalValue()).isEqualByComparingTo("0.0032525");
    }

    @Test
    void healthAnswersWithoutAKeyAndTheOtherInfoEndpointsDoNot() throws Exception {
        start(KEYS);

        GatewayHarness.Reply health = h.http("GET", "/health", null);
        GatewayHarness.Reply healthWithWrongKey = h.http("GET", "/health", null, auth("wrong-key-not-real"));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).path("status").asText()).isEqualTo("ok");
        assertThat(healthWithWrongKey.statusCode()).isEqualTo(200);
        for (String path : List.of("/ready", "/metrics", "/v1/usage", "/v1/models")) {
            GatewayHarness.Reply none = h.http("GET", path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(json(none).at("/error/code").asText()).as(path).isEqualTo("invalid_api_key");
        }
        assertThat(h.http("GET", "/ready", null, auth(TEAM_A)).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsNeedAnAdminKey() throws Exception {
        start(KEYS);

        GatewayHarness.Reply plain = h.http("GET", "/metrics", null, auth(TEAM_A));
        GatewayHarness.Reply admin = h.http("GET", "/metrics", null, auth(OPS));

        assertThat(plain.statusCode()).isEqualTo(403);
        JsonNode error = json(plain).path("error");
        assertThat(error.path("code").asText()).isEqualTo("permission_denied");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("'team-a'").contains("admin")
                .doesNotContain(TEAM_A);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("switchboard_gateway_");
    }

    @Test
    void openEndpointsAnswerReadyAndMetricsWithoutAKey() throws Exception {
        start(KEYS + "\ngateway.open-endpoints = [ ready, \"/metrics\" ]");

        GatewayHarness.Reply ready = h.http("GET", "/ready", null);
        GatewayHarness.Reply metrics = h.http("GET", "/metrics", null);
        GatewayHarness.Reply metricsWithPlainKey = h.http("GET", "/metrics", null, auth(TEAM_A));
        GatewayHarness.Reply usage = h.http("GET", "/v1/usage", null);
        GatewayHarness.Reply chat = h.http("POST", CHAT, ASK);

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).path("status").asText()).isEqualTo("ready");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("switchboard_gateway_");
        assertThat(metricsWithPlainKey.statusCode()).isEqualTo(200);
        assertThat(usage.statusCode()).isEqualTo(401);
        assertThat(chat.statusCode()).isEqualTo(401);
    }

    @Test
    void anOpenUsageEndpointShowsEverythingToAnyone() throws Exception {
        start(KEYS + "\ngateway.open-endpoints = [ usage ]");
        bothTeamsAsk();

        JsonNode u = json(h.http("GET", "/v1/usage", null));

        assertThat(u.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(fieldNames(u.path("keys"))).containsExactly("team-a", "team-b");
    }

    @Test
    void adminKeysMakesAdminsByNameAndByValue() throws Exception {
        start("gateway.keys = [ { key = \"" + TEAM_A + "\", name = \"team-a\" }, \"" + TEAM_B + "\", \"" + OPS + "\" ]\n"
                + "gateway.admin-keys = [ team-a, \"" + OPS + "\" ]");
        bothTeamsAsk();

        assertThat(h.gateway.config().keys()).extracting(AccessKey::admin).containsExactly(true, false, true);
        assertThat(h.http("GET", "/metrics", null, auth(TEAM_A)).statusCode()).isEqualTo(200);
        assertThat(h.http("GET", "/metrics", null, auth(OPS)).statusCode()).isEqualTo(200);
        assertThat(h.http("GET", "/metrics", null, auth(TEAM_B)).statusCode()).isEqualTo(403);
        assertThat(fieldNames(json(h.http("GET", "/v1/usage", null, auth(TEAM_A))).path("keys"))).hasSize(2);
        assertThat(fieldNames(json(h.http("GET", "/v1/usage", null, auth(TEAM_B))).path("keys"))).hasSize(1);
    }

    @Test
    void withoutKeysEverythingIsOpenAsBefore() throws Exception {
        start("");
        assertThat(h.http("POST", CHAT, ASK).statusCode()).isEqualTo(200);

        assertThat(h.http("GET", "/metrics", null).statusCode()).isEqualTo(200);
        assertThat(h.http("GET", "/ready", null).statusCode()).isEqualTo(200);
        assertThat(json(h.http("GET", "/v1/usage", null)).at("/total/requests").asLong()).isEqualTo(1);
    }

    private static String[] auth(String key) {
        return new String[] {"Authorization", "Bearer " + key};
    }

    private static JsonNode json(GatewayHarness.Reply r) {
        return Json.parse(r.body(), "gateway answer");
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
