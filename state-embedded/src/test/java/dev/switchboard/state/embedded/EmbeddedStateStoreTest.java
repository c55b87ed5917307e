package dev.switchboard.state.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Cost;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageSnapshot;
import dev.switchboard.runtime.state.BucketDecision;
import dev.switchboard.runtime.state.BucketLimits;
import dev.switchboard.runtime.state.CooldownPermit;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageGroup;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import dev.switchboard.testkit.UsageLogSchemaV1;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedStateStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final BucketLimits FIVE_A_MINUTE = new BucketLimits(5, 0);

    @TempDir
    Path dir;

    @Test
    void everySettledChangeIsThereAfterAReopen() {
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            store.recordUsage(record("openai", "gpt-4o-mini", "default", "team-a", 100, 20, "0.000027"));
            store.recordUsage(record("openai", "gpt-4o-mini", "default", "team-a", 50, 10, "0.0000135"));
            store.recordUsage(record("groq", "", "", "", 7, 3, null));
            store.addBudgetSpend("route:default", 42, new BigDecimal("0.0000405"));
            for (int i = 0; i < 5; i++) {
                assertThat(store.takeFromBucket("provider:openai", FIVE_A_MINUTE, 0, T0).granted()).isTrue();
            }
            assertThat(store.cooldownFailed("route:default:openai", CooldownPermit.CALL, ErrorKind.SERVER, 1,
                    Duration.ofSeconds(30), T0)).isTrue();
        }

        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            UsageSnapshot u = store.usage();
            assertThat(u.total().requests()).isEqualTo(3);
            assertThat(u.total().inputTokens()).isEqualTo(157);
            assertThat(u.total().costUsd()).isEqualByComparingTo("0.0000405");
            assertThat(u.total().unpricedRequests()).isEqualTo(1);
            assertThat(u.model("openai/gpt-4o-mini").requests()).isEqualTo(2);
            assertThat(u.route("default").outputTokens()).isEqualTo(30);
            assertThat(store.usageOfKey("team-a").total().requests()).isEqualTo(2);
            assertThat(store.budget("route:default", 42).spent()).isEqualByComparingTo("0.0000405");
            assertThat(store.budget("route:default", 43).spent()).isZero();
            // The five requests of this minute stay taken: a restart does not refill the bucket.
            BucketDecision sixth = store.takeFromBucket("provider:openai", FIVE_A_MINUTE, 0, T0.plusSeconds(1));
            assertThat(sixth.granted()).isFalse();
            assertThat(sixth.reason()).contains("requests-per-minute 5");
            assertThat(store.acquireCooldown("route:default:openai", T0.plusSeconds(1)))
                    .isEqualTo(CooldownPermit.REJECTED);
            assertThat(store.cooldown("route:default:openai").lastFailure()).isEqualTo(ErrorKind.SERVER);
        }
    }

    @Test
    void aBudgetResetIsKept() {
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            store.addBudgetSpend("key:team-a", 7, new BigDecimal("1.5"));
            store.resetBudget("key:team-a", 7);
        }
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            assertThat(store.budget("key:team-a", 7).spent()).isZero();
        }
    }

    @Test
    void aSecondProcessOnTheSameDataDirIsRefusedNamingIt() {
        try (StateStore first = EmbeddedStateBackend.open(dir)) {
            assertThatThrownBy(() -> EmbeddedStateBackend.open(dir))
                    .isInstanceOf(StateUnavailableException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("in use by another Switchboard process");
        }
    }

    @Test
    void aSnapshotReadsWhatARunningProcessHoldsWithoutTakingTheDataDirOrWritingBack() {
        EmbeddedStateBackend backend = new EmbeddedStateBackend();
        try (StateStore gateway = EmbeddedStateBackend.open(dir)) {
            gateway.addBudgetSpend("key:team-a", 7, new BigDecimal("0.75"));
            assertThat(gateway.cooldownFailed("route:default:openai", CooldownPermit.CALL, ErrorKind.SERVER, 1,
                    Duration.ofSeconds(30), T0)).isTrue();

            // when: a one-off command beside the running gateway reads the state
            try (StateStore snapshot = backend.openSnapshot(settings(dir))) {
                // then: it sees the gateway's spending and cooldown, and what it changes stays with it
                assertThat(snapshot.budget("key:team-a", 7).spent()).isEqualByComparingTo("0.75");
                assertThat(snapshot.acquireCooldown("route:default:openai", T0.plusSeconds(1)))
                        .isEqualTo(CooldownPermit.REJECTED);
                snapshot.addBudgetSpend("key:team-a", 7, new BigDecimal("100"));
            }
            assertThat(gateway.budget("key:team-a", 7).spent()).isEqualByComparingTo("0.75");
        }
        try (StateStore reopened = EmbeddedStateBackend.open(dir)) {
            assertThat(reopened.budget("key:team-a", 7).spent()).isEqualByComparingTo("0.75");
        }
    }

    @Test
    void aSnapshotOfADataDirWithoutADatabaseIsEmptyAndCreatesNothing() {
        Path absent = dir.resolve("never-served");
        try (StateStore snapshot = new EmbeddedStateBackend().openSnapshot(settings(absent))) {
            assertThat(snapshot.budget("key:team-a", 7).spent()).isZero();
        }
        assertThat(absent).doesNotExist();
    }

    private static dev.switchboard.runtime.state.StateSettings settings(Path dataDir) {
        return new dev.switchboard.runtime.state.StateSettings("embedded", java.util.Optional.of(dataDir),
                java.util.Optional.empty(), "switchboard:", dev.switchboard.runtime.state.OnFailure.ALLOW,
                java.util.Optional.empty(), java.util.Optional.empty(), java.time.Clock.systemUTC());
    }

    @Test
    void aDatabaseOfANewerSchemaIsRefused() throws Exception {
        EmbeddedStateBackend.open(dir).close();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement()) {
            s.executeUpdate("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> EmbeddedStateBackend.open(dir))
                .isInstanceOf(StateUnavailableException.class)
                .hasMessageContaining("newer Switchboard");
    }

    @Test
    void aDataDirOfTheFirstSchemaIsUpgradedInPlaceKeepingItsRowsAndTakingTheNewFields() throws Exception {
        // A database exactly as the first version made it (its DDL, user_version 1), with one call logged.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE budget_spend (budget TEXT PRIMARY KEY, window INTEGER NOT NULL,"
                    + " spent_usd TEXT NOT NULL)");
            s.executeUpdate("CREATE TABLE bucket (bucket TEXT PRIMARY KEY, requests REAL NOT NULL,"
                    + " tokens REAL NOT NULL, at TEXT NOT NULL, held_until TEXT, held_why TEXT)");
            s.executeUpdate("CREATE TABLE cooldown (target TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
                    + " open_until TEXT, last_failure TEXT)");
            s.executeUpdate("CREATE TABLE usage_totals (provider TEXT NOT NULL, model TEXT NOT NULL,"
                    + " route TEXT NOT NULL, key_name TEXT NOT NULL, requests INTEGER NOT NULL,"
                    + " input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,"
                    + " cached_input_tokens INTEGER NOT NULL, cost_usd TEXT NOT NULL, unpriced_requests INTEGER NOT NULL,"
                    + " estimated_requests INTEGER NOT NULL, PRIMARY KEY (provider, model, route, key_name))");
            UsageLogSchemaV1.SQLITE.createWithOneCall(c);
            s.executeUpdate("INSERT INTO usage_totals VALUES ('openai', 'm', 'default', 'team-a', 1, 10, 2, 0,"
                    + " '0.5', 0, 0)");
            s.executeUpdate("PRAGMA user_version = 1");
        }

        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            assertThat(store.usage().total().requests()).isEqualTo(1);
            store.recordUsage(new UsageRecord(T0.plusSeconds(1), "anthropic", "claude", "default", "team-a",
                    Usage.of(4, 6), Cost.usd("0.25"), false, "req_abc", Duration.ofMillis(1234),
                    CallOutcome.failed(ErrorKind.STREAM_INTERRUPTED), List.of("openai", "openai", "anthropic")));
            List<UsageRow> rows = store.usageLog().orElseThrow().query(new UsageQuery(Optional.empty(),
                    Optional.empty(), List.of(UsageGroup.PROVIDER), Optional.empty()));
            assertThat(rows).extracting(r -> r.group().get(UsageGroup.PROVIDER)).containsExactly("anthropic", "openai");
            assertThat(rows.get(1).totals().costUsd()).isEqualByComparingTo("0.5");
        }

        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement()) {
            try (var r = s.executeQuery("PRAGMA user_version")) {
                assertThat(r.getInt(1)).isEqualTo(2);
            }
            try (var r = s.executeQuery("SELECT provider, request_id, latency_ms, outcome, attempts, targets"
                    + " FROM usage_log ORDER BY at_ms")) {
                assertThat(r.next()).isTrue(); // the old row, with the defaults
                assertThat(r.getString(1)).isEqualTo("openai");
                assertThat(r.getString(2)).isEmpty();
                assertThat(r.getObject(3)).isNull();
                assertThat(r.getString(4)).isEqualTo("ok");
                assertThat(r.getInt(5)).isEqualTo(1);
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("anthropic");
                assertThat(r.getString(2)).isEqualTo("req_abc");
                assertThat(r.getLong(3)).isEqualTo(1234);
                assertThat(r.getString(4)).isEqualTo("stream_interrupted");
                assertThat(r.getInt(5)).isEqualTo(3);
                assertThat(r.getString(6)).isEqualTo("openai,openai,anthropic");
                assertThat(r.next()).isFalse();
            }
        }
    }

    @Test
    void withTheDatabaseLockedCallsDropLogRowsButNoTotalOrBudgetIsLost() throws Exception {
        Path db = dir.resolve("switchboard.db");
        long dropped;
        dev.switchboard.runtime.state.UsageLog log;
        try (StateStore store = EmbeddedStateBackend.open(dir, 4)) {
            log = store.usageLog().orElseThrow();
            store.recordUsage(record("openai", "m", "default", "team-a", 1, 1, "0.001"));
            store.usageLog().orElseThrow().query(new UsageQuery(Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty())); // written: the database exists
            try (var holder = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db)) {
                // given: another connection holds the write lock, so every transaction waits its busy timeout
                holder.setAutoCommit(false);
                try (var s = holder.createStatement()) {
                    s.executeUpdate("INSERT INTO budget_spend VALUES ('lock-holder', 0, '0')");
                }
                // when: a budget's spending (awaited: returns once its transaction failed) and 20 calls (not awaited)
                store.addBudgetSpend("key:team-a", 7, new BigDecimal("1.5"));
                for (int i = 0; i < 20; i++) {
                    store.recordUsage(record("openai", "m", "default", "team-a", 1, 1, "0.001"));
                }
                // then: at most 4 rows wait in the queue (and a batch in the writer's hands); the rest are dropped
                dropped = store.usageLog().orElseThrow().dropped();
                assertThat(dropped).isPositive();
                assertThat(store.usage().total().requests()).isEqualTo(21);
                holder.rollback();
            }
        } // closing writes what is queued, and what a failed transaction held
        dropped = log.dropped(); // final: a transaction failing as the lock went counts its rows too
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var s = c.createStatement()) {
            try (var r = s.executeQuery("SELECT sum(requests), sum(CAST(cost_usd AS REAL)) FROM usage_totals")) {
                assertThat(r.getLong(1)).isEqualTo(21); // every call's totals, rows dropped or not
            }
            try (var r = s.executeQuery("SELECT spent_usd FROM budget_spend WHERE budget = 'key:team-a'")) {
                assertThat(r.next()).isTrue();
                assertThat(new BigDecimal(r.getString(1))).isEqualByComparingTo("1.5");
            }
        }
        try (StateStore reopened = EmbeddedStateBackend.open(dir)) {
            assertThat(reopened.usage().total().requests()).isEqualTo(21);
            assertThat(reopened.budget("key:team-a", 7).spent()).isEqualByComparingTo("1.5");
            List<UsageRow> rows = reopened.usageLog().orElseThrow().query(new UsageQuery(Optional.empty(),
                    Optional.empty(), List.of(), Optional.empty()));
            assertThat(rows.get(0).totals().requests()).isEqualTo(21 - dropped); // each row written or counted
        }
    }

    @Test
    void aTransactionOfManyCallsWritesEachCallsRowExactlyOnce() throws Exception {
        // given: more calls than the writer inserts between two yields, several times over and not a multiple of it
        int calls = 5 * SqliteJournal.ROWS_BETWEEN_YIELDS + 3;
        long dropped;
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            for (int i = 0; i < calls; i++) {
                store.recordUsage(record("openai", "m", "default", "team-a", i, 1, "0.001"));
            }
            dropped = store.usageLog().orElseThrow().dropped();
        } // closing writes what is queued
        // then: every row is there once, with each call's own tokens
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*), count(DISTINCT input_tokens), sum(input_tokens) FROM usage_log")) {
            assertThat(dropped).isZero();
            assertThat(r.getLong(1)).isEqualTo(calls);
            assertThat(r.getLong(2)).isEqualTo(calls);
            assertThat(r.getLong(3)).isEqualTo((long) calls * (calls - 1) / 2);
        }
    }

    @Test
    void callsOfGroupsThatAlternateAreEachTotalledInTheirOwnGroup() throws Exception {
        // given: calls whose provider, model, route and key change from one call to the next, in every combination,
        // so that a transaction's runs of calls of one group are short and each field alone tells groups apart
        String[][] groups = {{"openai", "m", "default", "team-a"}, {"groq", "m", "default", "team-a"},
                {"openai", "m2", "default", "team-a"}, {"openai", "m", "other", "team-a"},
                {"openai", "m", "default", "team-b"}};
        int calls = 4 * SqliteJournal.ROWS_BETWEEN_YIELDS + 5;
        long[] inputTokens = new long[groups.length];
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            for (int i = 0; i < calls; i++) {
                int g = (i / (1 + i % 3)) % groups.length; // runs of one, two and three calls
                inputTokens[g] += i;
                store.recordUsage(record(groups[g][0], groups[g][1], groups[g][2], groups[g][3], i, 1, "0.001"));
            }
        } // closing writes what is queued
        // then: each group's totals hold its own calls' tokens, in the file and after a restart
        try (StateStore reopened = EmbeddedStateBackend.open(dir);
             var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.prepareStatement("SELECT input_tokens FROM usage_totals WHERE provider = ? AND model = ?"
                     + " AND route = ? AND key_name = ?")) {
            assertThat(reopened.usage().total().requests()).isEqualTo(calls);
            for (int g = 0; g < groups.length; g++) {
                for (int i = 0; i < 4; i++) {
                    s.setString(i + 1, groups[g][i]);
                }
                try (var r = s.executeQuery()) {
                    assertThat(r.next()).as("totals of %s", String.join("/", groups[g])).isTrue();
                    assertThat(r.getLong(1)).as("input tokens of %s", String.join("/", groups[g]))
                            .isEqualTo(inputTokens[g]);
                }
            }
        }
    }

    @Test
    void eachRowHoldsItsCallsValuesAsTextAndIntegersAndEachGroupsTotalsAreItsOwn() throws Exception {
        // given: calls of two groups interleaved, an unanswered call, an unpriced one, costs of several scales
        Instant at = T0.plusMillis(5);
        List<UsageRecord> calls = List.of(
                new UsageRecord(at, "openai", "gpt-4o-mini", "default", "team-a", Usage.of(300, 200),
                        Cost.usd("0.000165"), false, "req-1", Duration.ofMillis(812), CallOutcome.OK,
                        List.of("openai")),
                new UsageRecord(at, "openai", "gpt-4o-mini", "default", "team-a", Usage.of(1, 2), Cost.usd("1E+2"),
                        true, "req-2", Duration.ofMillis(3), CallOutcome.CANCELLED, List.of("openai")),
                new UsageRecord(at.plusMillis(1), "groq", "llama", "default", "team-b", Usage.of(7, 9), Cost.UNKNOWN,
                        false, "req-3", Duration.ofMillis(99_000), CallOutcome.OK, List.of("openai", "groq")),
                UsageRecord.unanswered(at.plusMillis(1), "gpt-4o-mini", "default", "team-a", "req-4",
                        Duration.ofMillis(40), CallOutcome.failed(ErrorKind.TIMEOUT), List.of("openai", "openai")),
                new UsageRecord(at.plusMillis(2), "openai", "gpt-4o-mini", "default", "team-a", Usage.of(0, 0),
                        Cost.ZERO, false, "", Duration.ZERO, CallOutcome.OK, List.of("openai")));
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            for (UsageRecord call : calls) {
                if (call.answered()) {
                    store.recordUsage(call);
                } else {
                    store.recordUnanswered(call);
                }
            }
        } // closing writes what is queued
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement()) {
            // then: every column of every row, with the type SQLite stored it as
            List<String> rows = rows(s, "SELECT at_ms, provider, model, route, key_name, input_tokens, output_tokens,"
                    + " cached_input_tokens, cost_usd, estimated, request_id, latency_ms, outcome, attempts, targets,"
                    + " typeof(at_ms) || typeof(provider) || typeof(input_tokens) || typeof(cost_usd)"
                    + " || typeof(request_id) || typeof(latency_ms) || typeof(targets) FROM usage_log ORDER BY id");
            long ms = at.toEpochMilli();
            assertThat(rows).containsExactly(
                    ms + "|openai|gpt-4o-mini|default|team-a|300|200|0|0.000165|0|req-1|812|ok|1|openai"
                            + "|integertextintegertexttextintegertext",
                    ms + "|openai|gpt-4o-mini|default|team-a|1|2|0|100|1|req-2|3|cancelled|1|openai"
                            + "|integertextintegertexttextintegertext",
                    (ms + 1) + "|groq|llama|default|team-b|7|9|0|null|0|req-3|99000|ok|2|openai,groq"
                            + "|integertextintegernulltextintegertext",
                    (ms + 1) + "||gpt-4o-mini|default|team-a|0|0|0|0|0|req-4|40|timeout|2|openai,openai"
                            + "|integertextintegertexttextintegertext",
                    (ms + 2) + "|openai|gpt-4o-mini|default|team-a|0|0|0|0|0||0|ok|1|openai"
                            + "|integertextintegertexttextintegertext");
            List<String> totals = rows(s, "SELECT provider, model, route, key_name, requests, input_tokens,"
                    + " output_tokens, cost_usd, unpriced_requests, estimated_requests FROM usage_totals"
                    + " ORDER BY provider");
            assertThat(totals).containsExactly("groq|llama|default|team-b|1|7|9|0|1|0",
                    "openai|gpt-4o-mini|default|team-a|3|301|202|100.000165|0|1");
        }
    }

    @Test
    void rowsInsertedTogetherEachHoldTheirOwnCallsValuesInEveryColumn() throws Exception {
        // given: one more call than the writer inserts with one statement, each with values of its own in every
        // column (so that a value bound to another row's or another column's place shows), then the rest alone
        int calls = SqliteJournal.ROWS_BETWEEN_YIELDS + 1;
        List<String> expected = new java.util.ArrayList<>();
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            for (int i = 0; i < calls; i++) {
                Instant at = T0.plusMillis(i);
                List<String> tried = i % 2 == 0 ? List.of("p" + i) : List.of("q" + i, "p" + i);
                CallOutcome outcome = i % 3 == 0 ? CallOutcome.CANCELLED : CallOutcome.OK;
                store.recordUsage(new UsageRecord(at, "p" + i, "m" + i, "r" + i, "k" + i,
                        Usage.builder().inputTokens(i).outputTokens(1000 + i).cachedInputTokens(2000 + i).build(),
                        Cost.usd((i + 1) + ".25"), i % 2 == 1, "req-" + i, Duration.ofMillis(3000 + i), outcome,
                        tried));
                expected.add(at.toEpochMilli() + "|p" + i + "|m" + i + "|r" + i + "|k" + i + "|" + i + "|"
                        + (1000 + i) + "|" + (2000 + i) + "|" + (i + 1) + ".25|" + (i % 2) + "|req-" + i + "|"
                        + (3000 + i) + "|" + outcome.label() + "|" + tried.size() + "|" + String.join(",", tried));
            }
        } // closing writes what is queued
        // then: row by row, column by column, each call's own values
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement()) {
            assertThat(rows(s, "SELECT at_ms, provider, model, route, key_name, input_tokens, output_tokens,"
                    + " cached_input_tokens, cost_usd, estimated, request_id, latency_ms, outcome, attempts, targets"
                    + " FROM usage_log ORDER BY id")).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void namesRepeatedFromCallToCallAreStoredAsTextEmptyAndNonAsciiOnesIncluded() throws Exception {
        // given: more calls than one statement inserts, in two runs of the same names (the writer binds a name that
        // repeats as the previous row's bytes): answered calls of no route and no key, priced every other time, then
        // unanswered ones (no provider, no try) with names beyond ASCII
        int calls = SqliteJournal.ROWS_BETWEEN_YIELDS + 4;
        List<String> expected = new java.util.ArrayList<>();
        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            for (int i = 0; i < calls; i++) {
                Instant at = T0.plusMillis(i);
                if (i < calls / 2) {
                    store.recordUsage(new UsageRecord(at, "openai", "gpt-4o-mini", "", "", Usage.of(i, i),
                            i % 2 == 0 ? Cost.usd("0.5") : Cost.UNKNOWN));
                    expected.add("text|text|text|text|" + (i % 2 == 0 ? "text" : "null") + "|text|text"
                            + "|openai|gpt-4o-mini|||" + (i % 2 == 0 ? "0.5" : "null") + "|ok|openai");
                } else {
                    store.recordUsage(UsageRecord.unanswered(at, "modèle-ü", "路由", "team-ä", "req-" + i,
                            Duration.ofMillis(i), CallOutcome.CANCELLED, List.of()));
                    expected.add("text|text|text|text|text|text|text||modèle-ü|路由|team-ä|0|"
                            + CallOutcome.CANCELLED.label() + "|");
                }
            }
        } // closing writes what is queued
        // then: every name is text (an empty one too), so that SQL compares it with text, as the sqlite3 shell does
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("switchboard.db"));
             var s = c.createStatement()) {
            assertThat(rows(s, "SELECT typeof(provider), typeof(model), typeof(route), typeof(key_name),"
                    + " typeof(cost_usd), typeof(outcome), typeof(targets), provider, model, route, key_name, cost_usd,"
                    + " outcome, targets FROM usage_log ORDER BY id")).containsExactlyElementsOf(expected);
            assertThat(rows(s, "SELECT count(*) FROM usage_log WHERE provider = '' AND model = 'modèle-ü'"
                    + " AND route = '路由' AND key_name = 'team-ä' AND targets = ''")).containsExactly(""
                    + (calls - calls / 2));
            assertThat(rows(s, "SELECT count(*) FROM usage_log WHERE provider = 'openai' AND route = ''"
                    + " AND key_name = '' AND targets = 'openai'")).containsExactly("" + calls / 2);
        }
    }

    /** Each row {@code sql} selects, its columns' texts joined with {@code |} (SQL NULL as {@code null}). */
    private static List<String> rows(java.sql.Statement s, String sql) throws java.sql.SQLException {
        List<String> rows = new java.util.ArrayList<>();
        try (var r = s.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i == 1 ? "" : "|").append(r.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static UsageRecord record(String provider, String model, String route, String key, long in, long out,
                              String usd) {
        return new UsageRecord(T0, provider, model, route, key, Usage.of(in, out),
                usd == null ? Cost.UNKNOWN : Cost.usd(new BigDecimal(usd)));
    }
}
