package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.state.embedded.EmbeddedStateBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard usage} prints the usage log's report as a table, or with {@code --json} as {@code GET /v1/usage}
 * answers it, read-only from the embedded data dir while a store (as a running gateway would) holds it open.
 */
class UsageCommandTest {

    @TempDir
    Path dir;

    private CliHarness cliOver(Path data, String backend) {
        CliHarness cli = new CliHarness(dir);
        cli.file("switchboard.conf", "switchboard {", "  providers.openai { type = openai }",
                "  state { backend = " + backend + ", data-dir = \"" + data.toString().replace("\\", "/") + "\" }", "}");
        return cli;
    }

    private static UsageRecord call(String at, String provider, String key, String usd) {
        return new UsageRecord(Instant.parse(at), provider, "m", "default", key, Usage.of(10, 5), Cost.usd(usd));
    }

    @Test
    void printsATableByDefaultWithEachGroupUnansweredCallsAndATotal() {
        Path data = dir.resolve("data");
        try (StateStore running = EmbeddedStateBackend.open(data)) {
            running.recordUsage(call("2026-12-05T10:00:00Z", "openai", "team-a", "0.25"));
            running.recordUsage(call("2026-12-05T11:00:00Z", "anthropic", "team-a", "0.125"));
            running.recordUsage(new UsageRecord(Instant.parse("2026-12-05T11:30:00Z"), "openai", "m", "default",
                    "team-b", Usage.of(10, 5), Cost.UNKNOWN));
            running.recordUnanswered(UsageRecord.unanswered(Instant.parse("2026-12-05T12:00:00Z"), "", "default",
                    "team-a", "req_1", java.time.Duration.ofMillis(3), dev.switchboard.runtime.CallOutcome.REFUSED,
                    List.of()));
            running.usageLog().orElseThrow().query(new UsageQuery(Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty()));

            CliHarness.Result r = cliOver(data, "embedded").run("--config", "switchboard.conf", "usage",
                    "--from", "2026-12-05", "--group-by", "key");

            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(String.join("\n",
                    "Calls that ended from 2026-12-05T00:00:00Z, by key (UNANSWERED: refused, skipped or failed before"
                            + " any content; not in the other figures)",
                    "KEY     REQUESTS  UNANSWERED  INPUT TOKENS  CACHED INPUT  OUTPUT TOKENS  COST USD",
                    "team-a  2         1           20            0             10             0.375",
                    "team-b  1         0           10            0             5              0 (+1 unpriced)",
                    "total   3         1           30            0             15             0.375 (+1 unpriced)",
                    ""));
        }
    }

    @Test
    void printsTheReportOfTheDataDirBesideAStoreThatHoldsItOpen() {
        Path data = dir.resolve("data");
        try (StateStore running = EmbeddedStateBackend.open(data)) {
            running.recordUsage(call("2026-12-05T10:00:00Z", "openai", "team-a", "0.25"));
            running.recordUsage(call("2026-12-05T11:00:00Z", "anthropic", "team-a", "0.125"));
            running.recordUsage(call("2026-12-05T12:00:00Z", "openai", "team-b", "1"));
            running.recordUsage(call("2026-12-06T10:00:00Z", "openai", "team-a", "0.5")); // after --to
            // a query through the store writes what it queued (recording does not wait for the disk)
            running.usageLog().orElseThrow().query(new UsageQuery(Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty()));

            CliHarness.Result r = cliOver(data, "embedded").run("--config", "switchboard.conf", "usage", "--json",
                    "--from", "2026-12-05", "--to", "2026-12-06", "--group-by", "key,provider", "--key", "team-a");

            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode report = r.json();
            assertThat(report.path("object").asText()).isEqualTo("usage.report");
            assertThat(report.path("data")).hasSize(2);
            assertThat(report.path("data").get(0).path("provider").asText()).isEqualTo("anthropic");
            assertThat(report.path("data").get(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.125");
            assertThat(report.path("data").get(1).path("provider").asText()).isEqualTo("openai");
            assertThat(report.path("data").get(1).path("key").asText()).isEqualTo("team-a");
            assertThat(report.path("data").get(1).path("requests").asLong()).isEqualTo(1);
            assertThat(report.path("data").get(1).path("cost_usd").decimalValue()).isEqualByComparingTo("0.25");
        }
    }

    @Test
    void aBadDateIsOneUsageLineNamingTheOption() {
        CliHarness.Result r = cliOver(dir.resolve("data"), "embedded").run("--config", "switchboard.conf", "usage",
                "--from", "yesterday");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: --from must be an instant such as 2026-12-05T10:00:00Z")
                .hasLineCount(1);
    }

    @Test
    void aBackendWithoutAUsageLogIsAUsageErrorSayingWhatToSet() {
        CliHarness.Result r = cliOver(dir.resolve("data"), "memory").run("--config", "switchboard.conf", "usage");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("switchboard.usage-log.jdbc-url", "switchboard.state.backend = embedded",
                "SWITCHBOARD_DATA_DIR", "only where the config sets neither").hasLineCount(1);
    }
}
