package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One usage-log record per call, answered or not, in the embedded backend's log: a call refused by a spent budget or
 * by its key's own limit, one whose every target failed, one whose every target was skipped and one no target
 * supports each leave a row (no provider, no tokens, no cost, its outcome and the providers tried), counted as
 * {@code unanswered_requests} by {@code GET /v1/usage} and left out of the totals; a malformed body and an unknown
 * model leave none.
 */
@Timeout(60) // a guard against hangs, not a speed check
class UnansweredCallsTest {

    private static final String ASK = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String ADMIN = "Bearer admin-key-not-real";
    private static final String TEAM_A = "Bearer team-a-key-not-real";
    private static final String TEAM_B = "Bearer team-b-key-not-real";
    private static final String TEAM_C = "Bearer team-c-key-not-real";
    /** Frozen: the budget stays in one window and the cooldown stays open. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path data;

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everyCallLeavesOneRecordAndOnlyThoseThatReachedARouteDo() throws Exception {
        h = GatewayHarness.start(String.join("\n",
                "gateway.keys = [",
                "  { key = \"admin-key-not-real\", name = ops, admin = true },",
                "  { key = \"team-a-key-not-real\", name = team-a, budget { amount = 0.001, period = 1d } },",
                "  { key = \"team-b-key-not-real\", name = team-b, requests-per-minute = 1 },",
                "  { key = \"team-c-key-not-real\", name = team-c } ]",
                "routes.down { targets = [ backup ], retry.max-retries = 0, cooldown.failure-threshold = 1 }",
                "state { backend = embedded, data-dir = \"" + data.toString().replace("\\", "/") + "\" }"), CLOCK);
        // gpt-4o-2024-08-06, 1117 input and 46 output tokens: $0.0032525, more than team-a's budget
        h.upstream.stubFor(post("/primary/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.upstream.stubFor(post("/backup/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}")));

        List<Integer> statuses = new ArrayList<>();
        statuses.add(chat(TEAM_A, "default")); // answered; spends the budget
        statuses.add(chat(TEAM_A, "default")); // refused: budget spent
        statuses.add(chat(TEAM_B, "default")); // answered
        statuses.add(chat(TEAM_B, "default")); // refused: the key's requests-per-minute
        statuses.add(chat(TEAM_C, "down")); // the only target fails: its cooldown opens
        statuses.add(chat(TEAM_C, "down")); // the only target is skipped, cooling down
        statuses.add(h.http("POST", "/v1/embeddings", "{\"model\":\"local\",\"input\":[[1,2,3]]}",
                "Authorization", TEAM_C).statusCode()); // Ollama takes no token arrays: 400 unsupported
        statuses.add(h.http("POST", "/v1/chat/completions", "{\"model\":", "Authorization", TEAM_C).statusCode());
        statuses.add(chat(TEAM_C, "no-such-model"));
        assertThat(statuses).containsExactly(200, 429, 200, 429, 502, 503, 400, 400, 404);

        // Records are kept as each exchange ends, which may be just after its client has the answer.
        JsonNode byKey = reportOnce(5);
        assertThat(byKey.path("data")).hasSize(3);
        assertThat(byKey.at("/data/0/key").asText()).isEqualTo("team-a");
        assertThat(byKey.at("/data/0/requests").asLong()).isEqualTo(1);
        assertThat(byKey.at("/data/0/unanswered_requests").asLong()).isEqualTo(1);
        assertThat(byKey.at("/data/0/cost_usd").decimalValue()).isEqualByComparingTo("0.0032525");
        assertThat(byKey.at("/data/1/key").asText()).isEqualTo("team-b");
        assertThat(byKey.at("/data/1/unanswered_requests").asLong()).isEqualTo(1);
        assertThat(byKey.at("/data/2/key").asText()).isEqualTo("team-c");
        assertThat(byKey.at("/data/2/requests").asLong()).isZero();
        assertThat(byKey.at("/data/2/input_tokens").asLong()).isZero();
        assertThat(byKey.at("/data/2/unanswered_requests").asLong()).isEqualTo(3);
        // the ledger counts answered calls only, as before
        assertThat(h.switchboard.ledger().snapshot().total().requests()).isEqualTo(2);

        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("switchboard.db"));
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT key_name, route, provider, outcome, attempts, targets,"
                     + " input_tokens + output_tokens, cost_usd, request_id <> '' FROM usage_log ORDER BY id")) {
            while (r.next()) {
                // an answered call's tries are the route's business (a loaded machine may time one out and retry)
                String tries = r.getString(3).isEmpty() ? r.getString(5) + " [" + r.getString(6) + "]" : "-";
                rows.add(String.join(" ", r.getString(1), r.getString(2), "[" + r.getString(3) + "]", r.getString(4),
                        tries, r.getString(7), r.getString(8), r.getString(9)));
            }
        }
        // in any order: a record is written as its exchange ends, which can be after the client's next request
        assertThat(rows).containsExactlyInAnyOrder(
                "team-a default [primary] ok - 1163 0.0032525 1",
                "team-a default [] refused 0 [] 0 0 1",
                "team-b default [primary] ok - 1163 0.0032525 1",
                "team-b default [] refused 0 [] 0 0 1",
                "team-c down [] server 1 [backup] 0 0 1",
                "team-c down [] skipped 0 [] 0 0 1",
                "team-c local [] unsupported 0 [] 0 0 1");
    }

    private int chat(String key, String model) throws Exception {
        return h.http("POST", "/v1/chat/completions", String.format(ASK, model), "Authorization", key).statusCode();
    }

    /** {@code GET /v1/usage?group-by=key} once it counts {@code unanswered} calls (or after 5 s, to report it). */
    private JsonNode reportOnce(long unanswered) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            JsonNode report = Json.read(h.http("GET", "/v1/usage?group-by=key", null, "Authorization", ADMIN).body());
            long seen = 0;
            for (JsonNode row : report.path("data")) {
                seen += row.path("unanswered_requests").asLong();
            }
            if (seen >= unanswered || System.nanoTime() > deadline) {
                return report;
            }
            Thread.sleep(10);
        }
    }
}
