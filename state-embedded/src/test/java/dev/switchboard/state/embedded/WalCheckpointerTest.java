package dev.switchboard.state.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.UsageQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's WAL is copied into the database file by its checkpointer, never by a commit. */
class WalCheckpointerTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    /** SQLite's default: a commit that finds the WAL past this many pages copies it into the database file. */
    private static final long DEFAULT_CHECKPOINT_BYTES = 1_000L * 4096;
    /** Ends before every call recorded here: a query that reads nothing and waits for what was queued before it. */
    private static final UsageQuery WRITTEN = new UsageQuery(Optional.empty(), Optional.of(Instant.EPOCH), List.of(),
            Optional.empty());

    @TempDir
    Path dir;

    @Test
    void commitsLeaveTheWalToTheCheckpointerWhichCopiesAllOfIt() throws Exception {
        // given: a store whose checkpointer does not run by itself during the test
        Path db = dir.resolve(EmbeddedStateBackend.DATABASE);
        Path wal = dir.resolve(EmbeddedStateBackend.DATABASE + "-wal");
        int calls = 80_000;
        SqliteJournal journal = SqliteJournal.open(db, SqliteJournal.MAX_PENDING, Duration.ofDays(1));
        try {
            MemoryStateStore store = new MemoryStateStore("embedded", journal);
            journal.start();
            // when: log rows worth twice SQLite's default checkpoint threshold, in commits of 4,000
            record(store, journal, 0, calls);
            // then: no commit copied the WAL into the database file (a commit past the threshold would have, and
            // started the WAL over from its beginning)
            assertThat(Files.size(wal)).isGreaterThan(2 * DEFAULT_CHECKPOINT_BYTES);
            assertThat(Files.size(db)).isLessThan(DEFAULT_CHECKPOINT_BYTES / 10);

            // when: the checkpointer runs
            long[] frames = journal.checkpointNow();

            // then: every frame of the WAL is in the database file
            assertThat(frames[0]).isGreaterThan(2_000);
            assertThat(frames[1]).isEqualTo(frames[0]);
            assertThat(Files.size(db)).isGreaterThan(2 * DEFAULT_CHECKPOINT_BYTES);
        } finally {
            journal.close();
        }
        // and closed: no WAL left, every call's row in the database file
        assertThat(wal).doesNotExist();
        assertThat(rowsIn(db)).isEqualTo(calls);
    }

    @Test
    @Timeout(30)
    void theCheckpointerCopiesTheWalByItselfEveryPeriod() throws Exception {
        // given: a checkpointer that runs every 10 ms
        Path db = dir.resolve(EmbeddedStateBackend.DATABASE);
        SqliteJournal journal = SqliteJournal.open(db, SqliteJournal.MAX_PENDING, Duration.ofMillis(10));
        try {
            MemoryStateStore store = new MemoryStateStore("embedded", journal);
            journal.start();
            long before = Files.size(db);
            // when: a few thousand calls are written to the WAL
            record(store, journal, 0, 4_000);
            // then: their pages reach the database file without another commit or a close
            while (Files.size(db) < before + 100_000) {
                Thread.sleep(10); // polls the checkpointer's thread, whose period is the injected 10 ms
            }
            assertThat(Files.size(db)).isGreaterThanOrEqualTo(before + 100_000);
        } finally {
            journal.close();
        }
        assertThat(rowsIn(db)).isEqualTo(4_000);
    }

    /** Records calls {@code from} to {@code to}, written in commits of at most 4,000 (the queue holds 8,192). */
    private static void record(MemoryStateStore store, SqliteJournal journal, int from, int to) {
        for (int done = from; done < to; done += 4_000) {
            for (int i = done; i < Math.min(to, done + 4_000); i++) {
                store.recordUsage(new UsageRecord(T0.plusMillis(i), "openai", "gpt-4o-mini", "chat", "team-a",
                        Usage.of(100 + i % 400, 50 + i % 300), Cost.usd("0.00012"), false, "req-" + i,
                        Duration.ofMillis(700), CallOutcome.OK, List.of("openai")));
            }
            journal.query(WRITTEN);
        }
    }

    private static long rowsIn(Path db) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM usage_log")) {
            r.next();
            return r.getLong(1);
        }
    }
}
