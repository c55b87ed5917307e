package dev.switchboard.usagelog.postgres;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.SeparateUsageLogStore;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageGroup;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import dev.switchboard.testkit.GatewayHttp;
import dev.switchboard.testkit.GatewayHttp.Reply;
import dev.switchboard.testkit.UsageLogSchemaV1;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The usage log in a real PostgreSQL server: the gateway creates the schema, writes one row per call without the
 * request waiting, answers {@code GET /v1/usage?group-by} from it, keeps it across a restart, refuses a newer schema,
 * and drops (counting them) rather than blocks on records while the database is away, writing the rest once it is
 * back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PostgresUsageLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";

    static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.launch();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void emptyTheLog() throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS switchboard_usage_log");
            s.execute("DROP TABLE IF EXISTS switchboard_schema");
        }
    }

    private static UsageRecord call(String provider, String key, String usd) {
        return new UsageRecord(Instant.parse("2026-12-05T10:00:00Z"), provider, "m", "default", key, Usage.of(5, 7),
                Cost.usd(usd));
    }

    private static List<UsageRow> byProvider(PostgresUsageLog log) {
        return log.query(new UsageQuery(Optional.empty(), Optional.empty(), List.of(UsageGroup.PROVIDER),
                Optional.empty()));
    }

    @Test
    void aGatewayWritesEachCallToPostgresAndAnswersUsageQueriesFromIt() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        Switchboard sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard {",
                "  providers.up { type = openai, base-url = \"" + upstream.baseUrl() + "/v1\", api-key = \"upstream-key-not-real\", model = m }",
                "  pricing { \"up/m\" { input = 12, output = 20 } }",
                "  routes.default.targets = [ up ]",
                "  gateway.port = 0",
                "  usage-log.jdbc-url = \"" + postgres.jdbcUrl() + "\"",
                "}")).build();
        Gateway gateway = Gateway.start(sb);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(http(gateway, "POST", "/v1/chat/completions", "{\"model\":\"default\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode()).isEqualTo(200);
            }
            Reply report = http(gateway, "GET", "/v1/usage?group-by=provider,day", null);
            assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
            JsonNode data = JSON.readTree(report.body()).path("data");
            assertThat(data).hasSize(1);
            assertThat(data.get(0).path("provider").asText()).isEqualTo("up");
            assertThat(data.get(0).path("requests").asLong()).isEqualTo(3);
            assertThat(data.get(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.0006");
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
            sb.close();
            upstream.stop();
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*), sum(cost_usd) FROM switchboard_usage_log")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(3);
            assertThat(r.getBigDecimal(2)).isEqualByComparingTo("0.0006");
        }
    }

    @Test
    void theLogOutlivesItsWriterAndMoneyStaysExact() {
        try (PostgresUsageLog first = PostgresUsageLog.open(postgres.jdbcUrl())) {
            first.append(call("openai", "team-a", "0.000000000001"));
            first.append(call("openai", "team-b", "0.1"));
            first.append(call("anthropic", "team-a", "0.2"));
        }
        try (PostgresUsageLog second = PostgresUsageLog.open(postgres.jdbcUrl())) {
            List<UsageRow> rows = byProvider(second);
            assertThat(rows).extracting(r -> r.group().get(UsageGroup.PROVIDER)).containsExactly("anthropic", "openai");
            assertThat(rows.get(1).totals().requests()).isEqualTo(2);
            assertThat(rows.get(1).totals().costUsd()).isEqualByComparingTo("0.100000000001");
            assertThat(second.query(new UsageQuery(Optional.empty(), Optional.empty(), List.of(),
                    Optional.of("team-a"))).get(0).totals().requests()).isEqualTo(2);
        }
    }

    @Test
    void aServerDownAtStartDoesNotStopTheStartAndGetsTheSchemaAndTheCallsOnceItIsBack() throws Exception {
        postgres.stop();
        PostgresUsageLog log;
        try {
            log = PostgresUsageLog.open(postgres.jdbcUrl()); // returns: the gateway starts without it
            log.append(call("openai", "team-a", "0.1"));
            log.append(call("openai", "team-b", "0.2"));
        } finally {
            postgres.start();
        }
        try (log) {
            long written = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (written < 2 && System.nanoTime() < deadline) {
                try {
                    List<UsageRow> rows = byProvider(log); // the schema is prepared by whoever gets there first
                    written = rows.isEmpty() ? 0 : rows.get(0).totals().requests();
                } catch (StateUnavailableException stillStarting) {
                    Thread.sleep(100);
                }
            }
            assertThat(written).isEqualTo(2);
            assertThat(log.dropped()).isZero();
        }
    }

    @Test
    void aLoginTheServerRefusesStopsTheStartWithTheServersReasonNotATimeout() {
        String unknownUser = postgres.jdbcUrl().replace("user=postgres", "user=nobody_here");
        assertThatThrownBy(() -> PostgresUsageLog.open(unknownUser))
                .isInstanceOf(StateUnavailableException.class)
                .hasMessageStartingWith("cannot prepare the usage log in PostgreSQL at 127.0.0.1:")
                .hasMessageContaining("role \"nobody_here\" does not exist")
                .hasMessageContaining("switchboard.usage-log.password")
                .hasMessageNotContaining("timed out");
    }

    @Test
    void aSchemaWrittenByANewerSwitchboardIsRefused() throws Exception {
        PostgresUsageLog.open(postgres.jdbcUrl()).close();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO switchboard_schema (version) VALUES (3)");
        }
        assertThatThrownBy(() -> PostgresUsageLog.open(postgres.jdbcUrl()))
                .isInstanceOf(StateUnavailableException.class)
                .hasMessage("PostgreSQL at 127.0.0.1:" + postgres.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1")
                        + "/postgres holds a usage log written by a newer Switchboard (schema 3, this one reads up to 2)");
    }

    @Test
    void whileTheDatabaseIsAwayAppendsNeverBlockTheOverflowIsCountedAndTheRestIsWrittenWhenItReturns()
            throws Exception {
        try (PostgresUsageLog log = PostgresUsageLog.open(postgres.jdbcUrl())) {
            postgres.stop();
            int sent = PostgresUsageLog.QUEUE + 2_000;
            try {
                for (int i = 0; i < sent; i++) { // returns at once each time: no database to wait for
                    log.append(call("openai", "team-a", "0.001"));
                }
            } finally {
                postgres.start();
            }
            // the writer may hold one batch (up to 1,000) out of the queue while it retries
            assertThat(log.dropped()).isBetween(1_000L, 2_000L);
            long written = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (written < sent - log.dropped() && System.nanoTime() < deadline) {
                List<UsageRow> rows = byProvider(log); // waits up to 5 s for the queue to be written
                written = rows.isEmpty() ? 0 : rows.get(0).totals().requests();
            }
            assertThat(written).isEqualTo(sent - log.dropped());
        }
    }

    @Test
    void eachRowNamesTheRequestItsLatencyOutcomeAndTries() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/down/v1/chat/completions")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")));
        upstream.stubFor(post(urlEqualTo("/up/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        Switchboard sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard {",
                "  providers.down { type = openai, base-url = \"" + upstream.baseUrl() + "/down/v1\", api-key = \"upstream-key-not-real\", model = m }",
                "  providers.up { type = openai, base-url = \"" + upstream.baseUrl() + "/up/v1\", api-key = \"upstream-key-not-real\", model = m }",
                "  routes.default { targets = [ down, up ], retry.max-retries = 0 }",
                "  gateway.port = 0",
                "  usage-log.jdbc-url = \"" + postgres.jdbcUrl() + "\"",
                "}")).build();
        Gateway gateway = Gateway.start(sb);
        String requestId;
        try {
            Reply answer = http(gateway, "POST", "/v1/chat/completions", "{\"model\":\"default\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            requestId = requestId(answer);
            assertThat(requestId).startsWith("req_");
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
            sb.close(); // writes what is queued
            upstream.stop();
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT request_id, provider, route, latency_ms, outcome, attempts, targets,"
                     + " input_tokens, output_tokens FROM switchboard_usage_log")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo(requestId);
            assertThat(r.getString(2)).isEqualTo("up");
            assertThat(r.getString(3)).isEqualTo("default");
            assertThat(r.getLong(4)).isNotNegative();
            assertThat(r.wasNull()).isFalse();
            assertThat(r.getString(5)).isEqualTo("ok");
            assertThat(r.getInt(6)).isEqualTo(2);
            assertThat(r.getString(7)).isEqualTo("down,up");
            assertThat(r.getLong(8)).isEqualTo(5);
            assertThat(r.getLong(9)).isEqualTo(7);
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void callsThatEndWithoutAnAnswerAreLoggedTooButNotCountedAsAnswered() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/up/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        upstream.stubFor(post(urlEqualTo("/down/v1/chat/completions")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}")));
        Switchboard sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard {",
                "  providers.up { type = openai, base-url = \"" + upstream.baseUrl() + "/up/v1\", api-key = \"upstream-key-not-real\", model = m }",
                "  providers.down { type = openai, base-url = \"" + upstream.baseUrl() + "/down/v1\", api-key = \"upstream-key-not-real\", model = m }",
                "  pricing { \"up/m\" { input = 12, output = 20 } }", // $0.0002 a call
                "  routes.default { targets = [ up ], budget { amount = 0.0001, period = 1d } }",
                "  routes.broken { targets = [ down ], retry.max-retries = 0 }",
                "  gateway.port = 0",
                "  gateway.keys = [ { key = \"team-a-key-not-real\", name = team-a } ]",
                "  usage-log.jdbc-url = \"" + postgres.jdbcUrl() + "\"",
                "}")).build();
        Gateway gateway = Gateway.start(sb);
        String refusedId;
        try {
            assertThat(chat(gateway, "default").statusCode()).isEqualTo(200); // spends the route's budget
            Reply refused = chat(gateway, "default");
            assertThat(refused.statusCode()).isEqualTo(429);
            refusedId = requestId(refused);
            assertThat(chat(gateway, "broken").statusCode()).isEqualTo(502);
            assertThat(http(gateway, "POST", "/v1/chat/completions", "{\"model\":", "team-a-key-not-real")
                    .statusCode()).isEqualTo(400); // not a call: no record

            // each record is kept as its exchange ends, which may be just after its client has the answer
            JsonNode row = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                JsonNode data = JSON.readTree(http(gateway, "GET", "/v1/usage?group-by=key", null,
                        "team-a-key-not-real").body()).path("data");
                row = data.isEmpty() ? null : data.get(0);
                if (row != null && row.path("unanswered_requests").asLong() >= 2) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(row).isNotNull();
            assertThat(row.path("key").asText()).isEqualTo("team-a");
            assertThat(row.path("requests").asLong()).isEqualTo(1);
            assertThat(row.path("unanswered_requests").asLong()).isEqualTo(2);
            assertThat(row.path("cost_usd").decimalValue()).isEqualByComparingTo("0.0002");
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
            sb.close();
            upstream.stop();
        }
        List<String> rows = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT route, provider, outcome, attempts, targets, input_tokens,"
                     + " cost_usd, request_id FROM switchboard_usage_log ORDER BY id")) {
            while (r.next()) {
                rows.add(String.join(" ", r.getString(1), "[" + r.getString(2) + "]", r.getString(3),
                        r.getString(4), "[" + r.getString(5) + "]", r.getString(6), r.getBigDecimal(7)
                                .stripTrailingZeros().toPlainString(), r.getString(8).isEmpty() ? "-" : "id"));
                if (r.getString(3).equals("refused")) {
                    assertThat(r.getString(8)).isEqualTo(refusedId);
                }
            }
        }
        // in any order: a record is written as its exchange ends, which can be after the client's next request
        assertThat(rows).containsExactlyInAnyOrder(
                "default [up] ok 1 [up] 5 0.0002 id",
                "default [] refused 0 [] 0 0 id",
                "broken [] server 1 [down] 0 0 id");
    }

    private static Reply chat(Gateway gateway, String model) throws Exception {
        return http(gateway, "POST", "/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}]}", "team-a-key-not-real");
    }

    @Test
    void aTableOfTheFirstSchemaIsUpgradedInPlaceKeepingItsRows() throws Exception {
        // The table exactly as the first version made it, with one call logged.
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE switchboard_schema (version INTEGER NOT NULL)");
            s.execute("INSERT INTO switchboard_schema (version) VALUES (1)");
            UsageLogSchemaV1.POSTGRES.createWithOneCall(c);
        }
        try (PostgresUsageLog log = PostgresUsageLog.open(postgres.jdbcUrl())) {
            log.append(new UsageRecord(Instant.parse("2026-12-05T10:00:00Z"), "anthropic", "m", "default", "team-a",
                    Usage.of(5, 7), Cost.usd("0.25"), true, "req_new", Duration.ofMillis(812), CallOutcome.CANCELLED,
                    List.of("openai", "anthropic")));
            List<UsageRow> rows = byProvider(log);
            assertThat(rows).extracting(r -> r.group().get(UsageGroup.PROVIDER)).containsExactly("anthropic", "openai");
            assertThat(rows.get(1).totals().costUsd()).isEqualByComparingTo("0.5");
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM switchboard_schema")) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(2);
            }
            try (ResultSet r = s.executeQuery("SELECT provider, request_id, latency_ms, outcome, attempts, targets"
                    + " FROM switchboard_usage_log ORDER BY at")) {
                assertThat(r.next()).isTrue(); // the old row, with the defaults
                assertThat(r.getString(1)).isEqualTo("openai");
                assertThat(r.getString(2)).isEmpty();
                assertThat(r.getObject(3)).isNull();
                assertThat(r.getString(4)).isEqualTo("ok");
                assertThat(r.getInt(5)).isEqualTo(1);
                assertThat(r.next()).isTrue();
                assertThat(r.getString(2)).isEqualTo("req_new");
                assertThat(r.getLong(3)).isEqualTo(812);
                assertThat(r.getString(4)).isEqualTo("cancelled");
                assertThat(r.getInt(5)).isEqualTo(2);
                assertThat(r.getString(6)).isEqualTo("openai,anthropic");
                assertThat(r.next()).isFalse();
            }
        }
    }

    @Test
    void withTheDatabaseStalledRequestsAreAnsweredAndTheLogsDropsAreCountedInMetrics() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANSWER)));
        PostgresUsageLog log = PostgresUsageLog.open(postgres.jdbcUrl(), Optional.empty(), 4); // a queue of 4
        Switchboard sb = Switchboard.builder().env(Map.of())
                .state(new SeparateUsageLogStore(new MemoryStateStore(), log))
                .config(String.join("\n",
                        "switchboard {",
                        "  providers.up { type = openai, base-url = \"" + upstream.baseUrl() + "/v1\", api-key = \"upstream-key-not-real\", model = m }",
                        "  routes.default.targets = [ up ]",
                        "  gateway.port = 0",
                        "}")).build();
        Gateway gateway = Gateway.start(sb);
        int sent = 20;
        try {
            postgres.pause();
            try {
                for (int i = 0; i < sent; i++) { // each answered although no record can be written
                    Reply r = http(gateway, "POST", "/v1/chat/completions", "{\"model\":\"default\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"Hi\"}]}");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                // The writer holds what it took before the stall (at least one record, at most the queue's 4 and
                // the one it had), the queue 4 more: the rest are dropped, counted, and shown in /metrics.
                assertThat(log.dropped()).isBetween((long) sent - 9, (long) sent - 5);
                Reply metrics = http(gateway, "GET", "/metrics", null);
                assertThat(metrics.body()).contains("switchboard_usage_log_dropped_total " + log.dropped() + "\n");
                assertThat(sb.ledger().snapshot().total().requests()).isEqualTo(sent); // still counted
            } finally {
                postgres.resume();
            }
            long written = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (written < sent - log.dropped() && System.nanoTime() < deadline) {
                List<UsageRow> rows = byProvider(log); // waits up to 5 s for the queue to be written
                written = rows.isEmpty() ? 0 : rows.get(0).totals().requests();
            }
            assertThat(written).isEqualTo(sent - log.dropped());
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
            sb.close();
            log.close();
            upstream.stop();
        }
    }

    @Test
    void theDatabasePasswordAppearsNowhereTheGatewayWritesOrLogs() throws Exception {
        String inUrl = "UsageLogUrlPw-7c1e9a44";
        String apart = "UsageLogKeyPw-0b52d6e1";
        String inUserInfo = "UsageLogInfoPw-5fa3b870";
        int port = Integer.parseInt(postgres.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"));
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Level level = root.getLevel();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(new java.util.logging.SimpleFormatter().format(r));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(java.util.logging.Level.ALL);
        root.addHandler(capture);
        root.setLevel(java.util.logging.Level.ALL);
        StringBuilder seen = new StringBuilder();
        try {
            for (String usageLog : List.of(
                    "usage-log.jdbc-url = \"" + postgres.jdbcUrl() + "&password=" + inUrl + "\"",
                    "usage-log { jdbc-url = \"" + postgres.jdbcUrl() + "\", password = \"" + apart + "\" }",
                    "usage-log.jdbc-url = \"jdbc:postgresql://postgres:" + inUserInfo + "@127.0.0.1:" + port
                            + "/postgres\"")) {
                WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
                upstream.start();
                upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(ANSWER)));
                Switchboard sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                        "switchboard {",
                        "  providers.up { type = openai, base-url = \"" + upstream.baseUrl() + "/v1\", api-key = \"upstream-key-not-real\", model = m }",
                        "  routes.default.targets = [ up ]",
                        "  gateway.port = 0",
                        "  " + usageLog,
                        "}")).build();
                Gateway gateway = Gateway.start(sb);
                try {
                    seen.append(sb.renderConfig(dev.switchboard.runtime.ConfigFormat.HOCON));
                    assertThat(http(gateway, "POST", "/v1/chat/completions", "{\"model\":\"default\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode()).isEqualTo(200);
                    for (String path : List.of("/v1/usage", "/v1/usage?group-by=provider", "/metrics", "/ready",
                            "/ui/api/overview", "/ui/api/requests", "/v1/nothing-here")) {
                        seen.append(http(gateway, "GET", path, null).body());
                    }
                } finally {
                    gateway.shutdown(Duration.ofSeconds(1));
                    sb.close();
                    upstream.stop();
                }
            }
            // A server that is not there: the start goes on, and the line logged names it without its password.
            String refused = "jdbc:postgresql://postgres:" + inUserInfo + "@127.0.0.1:1/postgres?password=" + inUrl;
            try (Switchboard down = Switchboard.builder().env(Map.of()).config("switchboard.usage-log.jdbc-url = \""
                    + refused + "\"").build()) {
                seen.append(down.renderConfig(dev.switchboard.runtime.ConfigFormat.HOCON));
            }
            assertThat(String.join("\n", logged)).contains("cannot reach the usage log's PostgreSQL at"
                    + " 127.0.0.1:1/postgres");
        } finally {
            root.removeHandler(capture);
            root.setLevel(level);
        }
        assertThat(seen.toString()).contains("jdbc-url", "****", "switchboard_usage_log_dropped_total")
                .doesNotContain(inUrl, apart, inUserInfo);
        assertThat(logged).isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain(inUrl, apart, inUserInfo));
    }

    @Test
    void aUrlsUserAndPasswordAreTakenOutOfItDecodedSoTheDriverNeverSeesThem() {
        PostgresUsageLog.Login info = PostgresUsageLog.Login.of("jdbc:postgresql://sb:p%40ss%2Fw0rd@db:5432/x?ssl=true");
        assertThat(info.url()).isEqualTo("jdbc:postgresql://db:5432/x?ssl=true");
        assertThat(info.user()).contains("sb");
        assertThat(info.password()).contains("p@ss/w0rd");
        PostgresUsageLog.Login param = PostgresUsageLog.Login.of("jdbc:postgresql://db/x?user=a&password=s%26cret&ssl=true");
        assertThat(param.url()).isEqualTo("jdbc:postgresql://db/x?user=a&ssl=true");
        assertThat(param.user()).isEmpty();
        assertThat(param.password()).contains("s&cret");
        assertThat(PostgresUsageLog.Login.of("jdbc:postgresql://db/x?password=only").url())
                .isEqualTo("jdbc:postgresql://db/x");
        assertThat(PostgresUsageLog.hostOf("jdbc:postgresql://sb:secret@db:5432/x?password=y")).isEqualTo("db:5432/x");
    }

    private static Reply http(Gateway g, String method, String path, String body) throws Exception {
        return GatewayHttp.send(g.port(), method, path, body);
    }

    private static Reply http(Gateway g, String method, String path, String body, String key) throws Exception {
        return GatewayHttp.send(g.port(), method, path, body, GatewayHttp.bearer(key));
    }

    private static String requestId(Reply r) {
        return r.header("x-request-id").orElse(null);
    }
}
