package dev.switchboard.state.embedded;

import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateBackend;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.UsageLog;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code switchboard.state.backend = embedded}: the state in this process's memory, every change written to
 * {@code <data-dir>/switchboard.db} (SQLite) and read back at start; a change that decides later calls (spending, a
 * bucket take, a cooldown) before the call that made it returns, a call's usage record within the writer's linger
 * (20 ms) without the call waiting. One process
 * at a time may use a data dir (a second one is refused, naming the directory); several instances share state
 * through the {@code redis} backend instead.
 */
public final class EmbeddedStateBackend implements StateBackend {

    /** The database file's name in the data dir. */
    public static final String DATABASE = "switchboard.db";

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public StateStore open(StateSettings settings) {
        Path dir = settings.dataDir().orElseThrow(() -> new IllegalArgumentException(
                "switchboard.state.data-dir is not set; name a directory for the state files"));
        return open(dir);
    }

    /**
     * What the data dir holds now, copied into this process's memory without its lock (a one-off command beside a
     * running gateway): its budgets' spending, limits and cooldowns count, and what this process changes is not
     * written back. Nothing is created when the data dir has no database yet.
     */
    @Override
    public StateStore openSnapshot(StateSettings settings) {
        Path dir = settings.dataDir().orElseThrow(() -> new IllegalArgumentException(
                "switchboard.state.data-dir is not set; name a directory for the state files"));
        return SqliteJournal.snapshot(dir.resolve(DATABASE));
    }

    /** The usage log in the data dir, read-only: usable while a gateway writes it. */
    @Override
    public Optional<UsageLog> usageLog(StateSettings settings) {
        return settings.dataDir().map(dir -> new SqliteUsageLog(dir.resolve(DATABASE)));
    }

    /** Opens (creating when missing) the store in {@code dir}, restored from what it holds. */
    public static StateStore open(Path dir) {
        return open(dir, SqliteJournal.MAX_PENDING);
    }

    /**
     * As {@link #open(Path)}, with room for {@code usageQueue} queued changes (1 to 8,192, the default) before a
     * call's usage-log row is dropped rather than wait for the disk (its totals, budgets and limits are never
     * dropped); a small one lets a test fill it.
     */
    public static StateStore open(Path dir, int usageQueue) {
        SqliteJournal journal = SqliteJournal.open(dir.resolve(DATABASE), usageQueue);
        try {
            MemoryStateStore store = new MemoryStateStore("embedded", journal);
            journal.restoreInto(store);
            journal.start();
            return store;
        } catch (RuntimeException | Error e) {
            journal.close();
            throw e;
        }
    }
}
