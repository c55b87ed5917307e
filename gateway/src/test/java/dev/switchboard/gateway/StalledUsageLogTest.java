package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.state.embedded.EmbeddedStateBackend;
import dev.switchboard.testkit.Fixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's disk stalled (another connection holds SQLite's write lock, so every transaction waits out
 * its busy timeout and fails): requests are still answered, each call's log row that finds the queue full is
 * dropped and counted in {@code /metrics}, and once the lock is gone every call's usage totals are on disk.
 */
@Timeout(120) // a guard against hangs, not a speed check
class StalledUsageLogTest {

    private static final String ASK = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final Pattern DROPPED = Pattern.compile("(?m)^switchboard_usage_log_dropped_total (\\d+)$");

    @TempDir
    Path data;

    @Test
    void withTheStoreStalledRequestsAreAnsweredAndTheDroppedLogRowsAreCounted() throws Exception {
        int sent = 20;
        StateStore store = EmbeddedStateBackend.open(data, 4); // room for 4 queued changes
        GatewayHarness h = GatewayHarness.start("", b -> b.state(store).build());
        try {
            h.upstream.stubFor(post("/primary/v1/chat/completions")
                    .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
            try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("switchboard.db"))) {
                holder.setAutoCommit(false);
                try (Statement s = holder.createStatement()) {
                    s.executeUpdate("INSERT INTO budget_spend VALUES ('lock-holder', 0, '0')"); // the write lock
                }
                for (int i = 0; i < sent; i++) {
                    GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", ASK);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                String metrics = h.metricsContaining(List.of("switchboard_usage_log_dropped_total "));
                Matcher m = DROPPED.matcher(metrics);
                assertThat(m.find()).as(metrics).isTrue();
                // at most 4 rows queued and one batch (at most 4) in the writer's hands: the rest were dropped
                assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(sent - 8)
                        .isLessThanOrEqualTo(store.usageLog().orElseThrow().dropped());
                assertThat(h.switchboard.ledger().snapshot().total().requests()).isEqualTo(sent);
                holder.rollback();
            }
        } finally {
            h.close();
            store.close(); // writes what is queued, and what a failed transaction held
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("switchboard.db"));
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT sum(requests) FROM usage_totals")) {
            assertThat(r.getLong(1)).isEqualTo(sent); // no call's totals were dropped with its row
        }
    }
}
