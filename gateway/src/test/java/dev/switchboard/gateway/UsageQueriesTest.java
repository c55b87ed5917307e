package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/usage?from&to&group-by&key} over the embedded backend's usage log, an admin reading any key, and
 * {@code POST /v1/usage/reset} reopening a spent budget; each bad parameter one 400 naming it.
 */
@Timeout(60) // a guard against hangs, not a speed check
class UsageQueriesTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String CHAT = "/v1/chat/completions";
    private static final String ASK = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String ADMIN = "Bearer admin-key-not-real";
    private static final String TEAM_A = "Bearer team-a-key-not-real";
    private static final String TEAM_B = "Bearer team-b-key-not-real";
    /** Frozen, so every call lands on 2025-03-01 and the budgets stay in one window. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String KEYS = "gateway.keys = ["
            + " { key = \"admin-key-not-real\", name = ops, admin = true },"
            + " { key = \"team-a-key-not-real\", name = team-a, budget { amount = 0.001, period = 1d } },"
            + " { key = \"team-b-key-not-real\", name = team-b } ]";

    @TempDir
    Path data;

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start(String backend) {
        String state = backend.equals("embedded")
                ? "state { backend = embedded, data-dir = \"" + data.toString().replace("\\", "/") + "\" }" : "";
        h = GatewayHarness.start(KEYS + "\n" + state, CLOCK);
        // gpt-4o-2024-08-06, 1117 input and 46 output tokens: $0.0032525 each
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    private static JsonNode json(GatewayHarness.Reply r) throws Exception {
        return Json.read(r.body());
    }

    @Test
    void anAdminGroupsTheLogByKeyAndDayOverARange() throws Exception {
        start("embedded");
        h.http("POST", CHAT, ASK, "Authorization", TEAM_A);
        h.http("POST", CHAT, ASK, "Authorization", TEAM_B);
        h.http("POST", CHAT, ASK, "Authorization", TEAM_B);

        GatewayHarness.Reply r = h.http("GET", "/v1/usage?from=2025-03-01&to=2025-03-02&group-by=key,day", null,
                "Authorization", ADMIN);
        GatewayHarness.Reply before = h.http("GET", "/v1/usage?to=2025-03-01T12:00:00Z", null, "Authorization", ADMIN);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode u = json(r);
        assertThat(u.path("object").asText()).isEqualTo("usage.report");
        assertThat(u.path("group_by").toString()).isEqualTo("[\"key\",\"day\"]");
        assertThat(u.path("data")).hasSize(2);
        assertThat(u.at("/data/0/key").asText()).isEqualTo("team-a");
        assertThat(u.at("/data/0/day").asText()).isEqualTo("2025-03-01");
        assertThat(u.at("/data/0/requests").asLong()).isEqualTo(1);
        assertThat(u.at("/data/1/key").asText()).isEqualTo("team-b");
        assertThat(u.at("/data/1/requests").asLong()).isEqualTo(2);
        assertThat(u.at("/data/1/input_tokens").asLong()).isEqualTo(2 * 1117);
        assertThat(u.at("/data/1/cost_usd").decimalValue()).isEqualByComparingTo("0.006505");
        // to is exclusive: a range ending at the calls' instant holds none of them
        assertThat(json(before).path("data")).isEmpty();
    }

    @Test
    void aPlainKeySeesOnlyItsOwnCallsAndMayNotNameAnother() throws Exception {
        start("embedded");
        h.http("POST", CHAT, ASK, "Authorization", TEAM_A);
        h.http("POST", CHAT, ASK, "Authorization", TEAM_B);

        JsonNode own = json(h.http("GET", "/v1/usage?group-by=key", null, "Authorization", TEAM_B));
        GatewayHarness.Reply other = h.http("GET", "/v1/usage?group-by=key&key=team-a", null, "Authorization", TEAM_B);

        assertThat(own.path("data")).singleElement().satisfies(row -> {
            assertThat(row.path("key").asText()).isEqualTo("team-b");
            assertThat(row.path("requests").asLong()).isEqualTo(1);
        });
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(json(other).at("/error/param").asText()).isEqualTo("key");
    }

    @Test
    void eachBadParameterIsOne400NamingIt() throws Exception {
        start("embedded");

        GatewayHarness.Reply group = h.http("GET", "/v1/usage?group-by=key,colour", null, "Authorization", ADMIN);
        GatewayHarness.Reply twice = h.http("GET", "/v1/usage?group-by=day,day", null, "Authorization", ADMIN);
        GatewayHarness.Reply from = h.http("GET", "/v1/usage?from=yesterday", null, "Authorization", ADMIN);
        GatewayHarness.Reply order = h.http("GET", "/v1/usage?from=2025-03-02&to=2025-03-01", null, "Authorization", ADMIN);
        GatewayHarness.Reply unknown = h.http("GET", "/v1/usage?since=2025-03-01", null, "Authorization", ADMIN);

        assertThat(group.statusCode()).isEqualTo(400);
        assertThat(json(group).at("/error/param").asText()).isEqualTo("group-by");
        assertThat(json(group).at("/error/message").asText()).contains("'colour'");
        assertThat(json(twice).at("/error/message").asText()).contains("'day' twice");
        assertThat(json(from).at("/error/param").asText()).isEqualTo("from");
        assertThat(json(order).at("/error/param").asText()).isEqualTo("to");
        assertThat(json(unknown).at("/error/param").asText()).isEqualTo("since");
    }

    @Test
    void theMemoryBackendKeepsNoLogAndSaysWhichBackendDoes() throws Exception {
        start("memory");
        h.http("POST", CHAT, ASK, "Authorization", TEAM_B);

        GatewayHarness.Reply r = h.http("GET", "/v1/usage?group-by=key", null, "Authorization", ADMIN);
        JsonNode oneKey = json(h.http("GET", "/v1/usage?key=team-b", null, "Authorization", ADMIN));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error/message").asText()).contains("(memory)").contains("backend = embedded");
        // an admin still reads any key's totals from the ledger
        assertThat(oneKey.path("key").asText()).isEqualTo("team-b");
        assertThat(oneKey.at("/total/requests").asLong()).isEqualTo(1);
    }

    @Test
    void anAdminResetOfASpentKeyBudgetAdmitsItsNextRequest() throws Exception {
        start("memory");
        h.http("POST", CHAT, ASK, "Authorization", TEAM_A); // $0.0032525 of $0.001: spent
        GatewayHarness.Reply refused = h.http("POST", CHAT, ASK, "Authorization", TEAM_A);

        GatewayHarness.Reply byPlainKey = h.http("POST", "/v1/usage/reset?key=team-a", null, "Authorization", TEAM_B);
        GatewayHarness.Reply nothingNamed = h.http("POST", "/v1/usage/reset", null, "Authorization", ADMIN);
        GatewayHarness.Reply noBudget = h.http("POST", "/v1/usage/reset?route=default", null, "Authorization", ADMIN);
        GatewayHarness.Reply reset = h.http("POST", "/v1/usage/reset?key=team-a", null, "Authorization", ADMIN);
        GatewayHarness.Reply admitted = h.http("POST", CHAT, ASK, "Authorization", TEAM_A);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(byPlainKey.statusCode()).isEqualTo(403);
        assertThat(nothingNamed.statusCode()).isEqualTo(400);
        assertThat(noBudget.statusCode()).isEqualTo(404);
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(json(reset).at("/budget/spent_usd").decimalValue()).isZero();
        assertThat(admitted.statusCode()).isEqualTo(200);
        h.upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }
}
