package dev.switchboard.state.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.state.StateChange;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer offers its core to other threads every {@link SqliteJournal#ROWS_BETWEEN_YIELDS} rows and before each
 * commit while it keeps up with the calls, and stops doing so for a batch it is behind on (a quarter of its queue or
 * more): under a load that keeps every core busy each yield can cost it milliseconds, and a writer that went on
 * yielding fell further behind until calls' log rows were dropped. Its clock is a counter that stands still, so the
 * writer lingers until the test waits for what it appended, and each batch holds exactly what the test appended.
 */
class WriterYieldTest {

    private static final int QUEUE = 256;

    @TempDir
    Path dir;

    private final AtomicInteger yields = new AtomicInteger();

    @Test
    void aBatchOnTimeIsWrittenWithYieldsAndABatchTheWriterIsBehindOnWithout() {
        try (SqliteJournal journal = SqliteJournal.open(dir.resolve("switchboard.db"), QUEUE, () -> 0L,
                yields::incrementAndGet)) {
            journal.start();

            // a batch short of a quarter of the queue: the writer keeps up
            int calls = QUEUE / 4 - SqliteJournal.ROWS_BETWEEN_YIELDS;
            journal.awaitDurable(appendCalls(journal, calls));
            assertThat(yields).as("a yield every %d rows and one before the commit", SqliteJournal.ROWS_BETWEEN_YIELDS)
                    .hasValue(calls / SqliteJournal.ROWS_BETWEEN_YIELDS + 1);

            // a batch of a quarter of the queue: the writer is behind the calls
            yields.set(0);
            journal.awaitDurable(appendCalls(journal, QUEUE / 4));
            assertThat(yields).hasValue(0);

            // and once it has caught up, it yields again
            journal.awaitDurable(appendCalls(journal, calls));
            assertThat(yields).hasValue(calls / SqliteJournal.ROWS_BETWEEN_YIELDS + 1);
            assertThat(journal.dropped()).isZero();
        }
    }

    private static long appendCalls(SqliteJournal journal, int calls) {
        long sequence = 0;
        for (int i = 0; i < calls; i++) {
            sequence = journal.append(new StateChange.UsageRecorded(
                    EmbeddedStateStoreTest.record("openai", "m", "default", "team-a", i, 1, "0.001")));
        }
        return sequence;
    }
}
