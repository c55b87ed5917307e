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
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageGroup;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
    void aSchemaWrittenByANewerSwitchboardIsRefused() throws Exception {
        PostgresUsageLog.open(postgres.jdbcUrl()).close();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO switchboard_schema (version) VALUES (2)");
        }
        assertThatThrownBy(() -> PostgresUsageLog.open(postgres.jdbcUrl()))
                .isInstanceOf(StateUnavailableException.class)
                .hasMessage("PostgreSQL at 127.0.0.1:" + postgres.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1")
                        + "/postgres holds a usage log written by a newer Switchboard (schema 2, this one reads up to 1)");
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

    private record Reply(int statusCode, String body) {}

    private static Reply http(Gateway g, String method, String path, String body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + g.port() + path).toURL()
                .openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(20000);
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
