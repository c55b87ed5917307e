package dev.switchboard.state.embedded;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageTotals;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateChange;
import dev.switchboard.runtime.state.StateJournal;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import dev.switchboard.runtime.state.UsageTally;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.sqlite.SQLiteConfig;

/**
 * Writes a {@link MemoryStateStore}'s changes to a SQLite database, with group commit: callers queue their change
 * while holding the entry's lock, then wait (unlocked) until the writer thread has committed a transaction that
 * holds it; every change queued meanwhile goes into the same transaction. The database runs in WAL mode with
 * {@code synchronous=NORMAL}: a commit is in the operating system's hands (written to the WAL file) when it returns,
 * so it survives the process being killed, SIGKILL included; a power cut or an operating-system crash can lose the
 * last commits since the WAL was last synced (at its checkpoints), never the database's consistency.
 *
 * <p>Tables: {@code budget_spend} (each budget's current window and spending), {@code bucket} (each rate-limit
 * bucket pair and hold), {@code cooldown} (each route target's failures and open-until), {@code usage_totals} (the
 * ledger's totals per provider, model, route and key, exact decimal cost) and {@code usage_log} (one row per call,
 * {@code at_ms} in epoch milliseconds), which {@link #query} reads.
 * Holds of calls in flight are not written: those calls die with the process, and their holds with them.
 *
 * <p>What may be dropped, and what never is: a call's {@code usage_log} row is dropped (and counted, {@link #dropped})
 * when the queue already holds {@code usageQueue} changes, so a stalled or slow disk never makes a request wait for
 * its log row; the call's usage totals are still written, added up per group with the next transaction. The durable
 * state (budget spending, rate-limit buckets, cooldowns, usage totals) is never dropped: an appender of such a change
 * waits while the queue is full, and a transaction that fails keeps the latest value of each entry it held for the
 * next one (each change carries its entry's whole value); only its log rows are dropped, and counted.
 */
public final class SqliteJournal implements StateJournal, UsageLog {

    private static final System.Logger LOG = System.getLogger(SqliteJournal.class.getName());
    private static final int SCHEMA_VERSION = 2;
    /** The most changes one transaction takes, so a burst cannot make one commit arbitrarily long. */
    private static final int MAX_BATCH = 4096;
    /**
     * The most changes queued and not yet written: an appender waits beyond it (back-pressure), so the usage records
     * the store does not wait for can never pile up in memory faster than the disk takes them.
     */
    static final int MAX_PENDING = 2 * MAX_BATCH;
    /**
     * How long the writer lets changes nobody waits for (usage records) gather before it commits them: many calls'
     * records then share one transaction instead of costing one commit each. A change somebody waits for (a budget's
     * spending, a bucket take) is written at once, with everything queued before it.
     */
    static final long LINGER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * How many log rows the writer inserts before it offers its core to another thread ({@link Thread#yield}). A
     * transaction of a busy gateway's 20 ms holds a few hundred rows, about a millisecond of work; a request thread
     * the kernel wakes on the writer's core would wait that whole millisecond behind it (a scheduling trace of a
     * gateway at one connection showed it, about one request in twenty). Sixteen rows take about a tenth of that.
     */
    static final int ROWS_BETWEEN_YIELDS = 16;
    /** A call's {@code usage_log} row as the writer inserts it: its columns, and the parameters of one row's values. */
    private static final String LOG_INSERT = "INSERT INTO usage_log (at_ms, provider, model, route, key_name,"
            + " input_tokens, output_tokens, cached_input_tokens, cost_usd, estimated, request_id, latency_ms, outcome,"
            + " attempts, targets) VALUES ";
    /** Every text column but the request id is bound as UTF-8 bytes the writer keeps ({@link RepeatedText}). */
    private static final String LOG_VALUES = "(?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),"
            + " ?, ?, ?, CAST(? AS TEXT), ?, ?, ?, CAST(? AS TEXT), ?, CAST(? AS TEXT))";
    private static final int LOG_COLUMNS = 15;

    private record Queued(long sequence, StateChange change) {}

    /** The most log rows queued and not yet written; a call's row that finds the queue this full is dropped. */
    private final int usageQueue;
    /**
     * A quarter of {@link #usageQueue}: a batch taken with this many changes queued finds the writer behind the calls,
     * and is written without yielding its core (the next, once it has caught up, with yields again), since under a
     * load that keeps every core busy each yield can cost it milliseconds. A writer that went on yielding every
     * {@link #ROWS_BETWEEN_YIELDS} rows fell further behind with each batch until the queue was full and calls' log
     * rows were dropped (at 16 connections on 2 cores, in benchmark runs: 981 rows in one run's rounds, 2,825 in
     * another's JFR steps).
     */
    private final int behindAt;
    /** Log rows dropped since the store was opened (the queue full, or their transaction failed). */
    private final AtomicLong droppedRows = new AtomicLong();
    /** Whether rows are being dropped for a full queue now; logged once per episode. Guarded by queueLock. */
    private boolean overflowing;
    /** The totals of answered calls whose rows were dropped, for the writer's next transaction. Guarded by queueLock. */
    private Map<UsageGroup, UsageTally> droppedTotals = new HashMap<>();
    /**
     * The latest change of each budget, bucket and cooldown a failed transaction held, written first by the next
     * one: the durable state is never dropped. Writer only.
     */
    private final Map<String, StateChange> unwritten = new java.util.LinkedHashMap<>();

    private record UsageGroup(String provider, String model, String route, String key) {

        /** Whether {@code r} is a call of this group. */
        boolean holds(UsageRecord r) {
            return provider.equals(r.provider()) && model.equals(r.model()) && route.equals(r.route())
                    && key.equals(r.key());
        }
    }

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Connection connection;
    /** The usage totals per group, as the file holds them once the changes taken so far are committed; writer only. */
    private final Map<UsageGroup, UsageTally> totals = new HashMap<>();
    /** The groups whose totals changed since they were last written (kept across a failed write); writer only. */
    private final java.util.Set<UsageGroup> changedTotals = new java.util.LinkedHashSet<>();
    private final SqliteUsageLog log;

    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queued = queueLock.newCondition();
    private final Condition written = queueLock.newCondition();
    // Guarded by queueLock.
    private List<Queued> pending = new ArrayList<>();
    private long lastSequence;
    private long durableSequence;
    /** The highest sequence a caller waits for; above {@link #durableSequence}, the writer commits without lingering. */
    private long awaitedSequence;
    /** When the oldest change still pending was queued, by {@link #nanoClock}. */
    private long oldestPendingNanos;
    /** The clock of {@link #oldestPendingNanos} and lingering: {@code System::nanoTime}. */
    private final LongSupplier nanoClock;
    /** How the writer offers its core to another thread ({@link #ROWS_BETWEEN_YIELDS}): {@code Thread::yield}. */
    private final Runnable yield;
    private boolean closing;

    private final AtomicLong failedWrites = new AtomicLong();
    private volatile boolean failing;
    private Thread writer;
    /** The writer thread's prepared statements; null until the first write and after a failed one. */
    private Writes writes;

    private SqliteJournal(Path file, FileChannel lockChannel, FileLock lock, Connection connection, int usageQueue,
                          LongSupplier nanoClock, Runnable yield) {
        this.usageQueue = usageQueue;
        this.behindAt = Math.max(1, usageQueue / 4);
        this.nanoClock = nanoClock;
        this.yield = yield;
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.connection = connection;
        this.log = new SqliteUsageLog(file);
    }

    /**
     * Reads the calls recorded so far (on a connection of its own, beside the writer), once every change queued
     * before this question is written, so a caller reads its own calls even though recording does not wait.
     */
    @Override
    public List<UsageRow> query(UsageQuery query) {
        long queuedBefore;
        queueLock.lock();
        try {
            queuedBefore = lastSequence;
        } finally {
            queueLock.unlock();
        }
        awaitDurable(queuedBefore);
        return log.query(query);
    }

    /**
     * Opens (creating when missing) the database {@code file} and takes its directory's lock.
     *
     * @throws dev.switchboard.runtime.state.StateUnavailableException naming the file and why
     */
    public static SqliteJournal open(Path file) {
        return open(file, MAX_PENDING);
    }

    /**
     * As {@link #open(Path)}, dropping a call's log row when {@code usageQueue} changes are queued already (at most
     * {@value #MAX_PENDING}).
     */
    static SqliteJournal open(Path file, int usageQueue) {
        return open(file, usageQueue, System::nanoTime, Thread::yield);
    }

    /** As {@link #open(Path, int)}, with the writer's clock and its way of offering its core given (for tests). */
    static SqliteJournal open(Path file, int usageQueue, LongSupplier nanoClock, Runnable yield) {
        if (usageQueue < 1 || usageQueue > MAX_PENDING) {
            throw new IllegalArgumentException("usageQueue must be 1 to " + MAX_PENDING + ", was " + usageQueue);
        }
        Path dir = file.toAbsolutePath().getParent();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(file.getFileName() + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this very process (another Switchboard in the same JVM)
            }
            if (lock == null) {
                throw new StateUnavailableException(dir + " is in use by another Switchboard process; one process"
                        + " at a time may use a data dir: give this one its own (switchboard.state.data-dir, or"
                        + " SWITCHBOARD_DATA_DIR for the switchboard launcher), or share state between instances"
                        + " with backend = redis", null);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(5000);
            // No statement of the writer reads the key of a row it inserts: without this, the driver matches every
            // insert's SQL against a regex and runs a SELECT last_insert_rowid() after it, one of each per call.
            config.setGetGeneratedKeys(false);
            Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            SqliteJournal journal = new SqliteJournal(file, channel, lock, connection, usageQueue, nanoClock, yield);
            journal.migrate();
            return journal;
        } catch (IOException | SQLException e) {
            closeQuietly(channel);
            throw new StateUnavailableException("cannot open " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Creates the tables of a new database; refuses one written by a newer Switchboard. */
    private void migrate() throws SQLException {
        try (Statement s = connection.createStatement()) {
            int version;
            try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.next() ? r.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new StateUnavailableException(file.toAbsolutePath() + " was written by a newer Switchboard"
                        + " (schema " + version + ", this one reads up to " + SCHEMA_VERSION + ")", null);
            }
            if (version == SCHEMA_VERSION) {
                return;
            }
            connection.setAutoCommit(false);
            if (version < 1) {
                createVersion1(s);
            }
            if (version < 2) {
                // Version 2: what the usage log says of each call besides its tokens and cost. Rows written before
                // keep the defaults: no request id, latency unknown (NULL), ok, one try (targets unknown).
                s.executeUpdate("ALTER TABLE usage_log ADD COLUMN request_id TEXT NOT NULL DEFAULT ''");
                s.executeUpdate("ALTER TABLE usage_log ADD COLUMN latency_ms INTEGER");
                s.executeUpdate("ALTER TABLE usage_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok'");
                s.executeUpdate("ALTER TABLE usage_log ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1");
                s.executeUpdate("ALTER TABLE usage_log ADD COLUMN targets TEXT NOT NULL DEFAULT ''");
            }
            s.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
            connection.commit();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The tables as the first version made them. */
    private static void createVersion1(Statement s) throws SQLException {
        s.executeUpdate("CREATE TABLE IF NOT EXISTS budget_spend (budget TEXT PRIMARY KEY, window INTEGER NOT NULL,"
                + " spent_usd TEXT NOT NULL)");
        s.executeUpdate("CREATE TABLE IF NOT EXISTS bucket (bucket TEXT PRIMARY KEY, requests REAL NOT NULL,"
                + " tokens REAL NOT NULL, at TEXT NOT NULL, held_until TEXT, held_why TEXT)");
        s.executeUpdate("CREATE TABLE IF NOT EXISTS cooldown (target TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
                + " open_until TEXT, last_failure TEXT)");
        s.executeUpdate("CREATE TABLE IF NOT EXISTS usage_totals (provider TEXT NOT NULL, model TEXT NOT NULL,"
                + " route TEXT NOT NULL, key_name TEXT NOT NULL, requests INTEGER NOT NULL,"
                + " input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,"
                + " cached_input_tokens INTEGER NOT NULL, cost_usd TEXT NOT NULL, unpriced_requests INTEGER NOT NULL,"
                + " estimated_requests INTEGER NOT NULL, PRIMARY KEY (provider, model, route, key_name))");
        s.executeUpdate("CREATE TABLE IF NOT EXISTS usage_log (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL,"
                + " provider TEXT NOT NULL, model TEXT NOT NULL, route TEXT NOT NULL, key_name TEXT NOT NULL,"
                + " input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,"
                + " cached_input_tokens INTEGER NOT NULL, cost_usd TEXT, estimated INTEGER NOT NULL)");
        s.executeUpdate("CREATE INDEX IF NOT EXISTS usage_log_at ON usage_log (at_ms)");
    }

    /** Puts every entry the database holds back into {@code store}; before {@link #start()}. */
    void restoreInto(MemoryStateStore store) {
        restore(connection, file, store, totals);
    }

    /**
     * What the database {@code file} holds now, in a store of this process's memory that writes nothing back: read on
     * a read-only connection without the directory's lock, so it works beside a process that uses the data dir. An
     * absent database gives an empty store (and creates nothing).
     */
    static MemoryStateStore snapshot(Path file) {
        MemoryStateStore store = new MemoryStateStore("embedded (snapshot)", StateJournal.NONE);
        if (!Files.exists(file)) {
            return store;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            int version;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.next() ? r.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new StateUnavailableException(file.toAbsolutePath() + " was written by a newer Switchboard"
                        + " (schema " + version + ", this one reads up to " + SCHEMA_VERSION + ")", null);
            }
            if (version > 0) {
                restore(c, file, store, new HashMap<>());
            }
            return store;
        } catch (SQLException e) {
            throw new StateUnavailableException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static void restore(Connection connection, Path file, MemoryStateStore store,
                                Map<UsageGroup, UsageTally> totals) {
        try (Statement s = connection.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT budget, window, spent_usd FROM budget_spend")) {
                while (r.next()) {
                    store.restore(new StateChange.BudgetSpent(r.getString(1), r.getLong(2), new BigDecimal(r.getString(3))));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT bucket, requests, tokens, at, held_until, held_why FROM bucket")) {
                while (r.next()) {
                    store.restore(new StateChange.BucketChanged(r.getString(1), r.getDouble(2), r.getDouble(3),
                            Instant.parse(r.getString(4)), instant(r.getString(5)), r.getString(6)));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT target, failures, open_until, last_failure FROM cooldown")) {
                while (r.next()) {
                    String kind = r.getString(4);
                    store.restore(new StateChange.CooldownChanged(r.getString(1), r.getInt(2), instant(r.getString(3)),
                            kind == null ? null : ErrorKind.valueOf(kind)));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT provider, model, route, key_name, requests, input_tokens,"
                    + " output_tokens, cached_input_tokens, cost_usd, unpriced_requests, estimated_requests"
                    + " FROM usage_totals")) {
                while (r.next()) {
                    UsageGroup g = new UsageGroup(r.getString(1), r.getString(2), r.getString(3), r.getString(4));
                    UsageTotals t = new UsageTotals(r.getLong(5), r.getLong(6), r.getLong(7), r.getLong(8),
                            new BigDecimal(r.getString(9)), r.getLong(10), r.getLong(11));
                    totals.put(g, new UsageTally(t));
                    store.restore(new StateChange.UsageRestored(g.provider(), g.model(), g.route(), g.key(), t));
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw new StateUnavailableException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Starts the writer thread. */
    void start() {
        writer = new Thread(this::writeLoop, "switchboard-state-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public long append(StateChange change) {
        queueLock.lock();
        try {
            if (closing) {
                throw new StateUnavailableException(file.toAbsolutePath() + " is closed", null);
            }
            if (pending.size() >= usageQueue && isLogRow(change)) {
                dropRow(change);
                return lastSequence; // nothing of it to wait for: its totals go with the next transaction
            }
            boolean interrupted = false;
            while (pending.size() >= MAX_PENDING && !closing) {
                try {
                    written.await();
                } catch (InterruptedException e) {
                    interrupted = true; // the change must still be queued, in order
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            long sequence = ++lastSequence;
            if (pending.isEmpty()) {
                oldestPendingNanos = nanoClock.getAsLong();
                queued.signal(); // the writer starts lingering; later appends need not wake it
            }
            pending.add(new Queued(sequence, change));
            if (pending.size() == MAX_BATCH) {
                queued.signal();
            }
            return sequence;
        } finally {
            queueLock.unlock();
        }
    }

    private static boolean isLogRow(StateChange change) {
        return change instanceof StateChange.UsageRecorded || change instanceof StateChange.CallUnanswered;
    }

    /** Drops a call's log row, keeping an answered call's totals for the next transaction. Under queueLock. */
    private void dropRow(StateChange change) {
        droppedRows.incrementAndGet();
        if (change instanceof StateChange.UsageRecorded u) {
            UsageRecord r = u.record();
            tallyOf(droppedTotals, new UsageGroup(r.provider(), r.model(), r.route(), r.key())).add(r);
        }
        if (!overflowing) {
            overflowing = true;
            LOG.log(System.Logger.Level.ERROR, "the usage log in " + file.toAbsolutePath() + " is " + pending.size()
                    + " changes behind (the disk stalled or slower than the traffic); calls' log rows are dropped"
                    + " (counted in switchboard_usage_log_dropped_total) until it catches up; usage totals, budgets"
                    + " and limits are still written");
        }
    }

    /** Calls' log rows dropped since the store was opened: their queue was full, or their transaction failed. */
    @Override
    public long dropped() {
        return droppedRows.get();
    }

    @Override
    public void awaitDurable(long sequence) {
        queueLock.lock();
        try {
            boolean interrupted = false;
            if (sequence > durableSequence && sequence > awaitedSequence) {
                awaitedSequence = sequence;
                queued.signal(); // somebody waits: the writer stops lingering
            }
            while (durableSequence < sequence) {
                try {
                    written.await();
                } catch (InterruptedException e) {
                    interrupted = true; // the change is queued; leaving before it is written would break the bound
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Transactions that could not be written since the store was opened (their changes stayed in memory). */
    public long failedWrites() {
        return failedWrites.get();
    }

    private void writeLoop() {
        while (true) {
            List<Queued> batch;
            Map<UsageGroup, UsageTally> dropped;
            boolean behind;
            queueLock.lock();
            try {
                while (true) {
                    if (pending.isEmpty()) {
                        if (closing) {
                            dropped = takeDroppedTotals();
                            if (!unwritten.isEmpty() || !dropped.isEmpty()) {
                                // a last try at what a failed transaction held; no yields, the store is closing
                                write(List.of(), dropped, true);
                            }
                            return;
                        }
                        queued.awaitUninterruptibly();
                        continue;
                    }
                    long left = LINGER_NANOS - (nanoClock.getAsLong() - oldestPendingNanos);
                    if (closing || awaitedSequence > durableSequence || pending.size() >= MAX_BATCH || left <= 0) {
                        break;
                    }
                    try {
                        queued.awaitNanos(left);
                    } catch (InterruptedException e) {
                        // nobody interrupts the writer; lingering is only an optimisation anyway
                    }
                }
                behind = pending.size() >= behindAt;
                if (pending.size() <= MAX_BATCH) {
                    batch = pending;
                    pending = new ArrayList<>();
                } else {
                    batch = new ArrayList<>(pending.subList(0, MAX_BATCH));
                    pending = new ArrayList<>(pending.subList(MAX_BATCH, pending.size()));
                    oldestPendingNanos = nanoClock.getAsLong();
                }
                dropped = takeDroppedTotals();
                if (pending.size() < usageQueue) {
                    overflowing = false;
                }
            } finally {
                queueLock.unlock();
            }
            write(batch, dropped, behind);
            queueLock.lock();
            try {
                durableSequence = batch.get(batch.size() - 1).sequence();
                written.signalAll();
            } finally {
                queueLock.unlock();
            }
        }
    }

    /** The totals of the calls whose rows were dropped since the last batch was taken. Under queueLock. */
    private Map<UsageGroup, UsageTally> takeDroppedTotals() {
        if (droppedTotals.isEmpty()) {
            return Map.of();
        }
        Map<UsageGroup, UsageTally> taken = droppedTotals;
        droppedTotals = new HashMap<>();
        return taken;
    }

    /**
     * Commits what a failed transaction left ({@link #unwritten}), {@code batch} and the totals of the calls whose rows
     * were dropped in one transaction. A failure (a full disk, a removed file, a lock another process holds past the
     * busy timeout) is logged once per outage and counted; the changes stay in memory and the calls go on, the latest
     * value of each budget, bucket and cooldown is kept for the next transaction and the usage totals with it (only
     * the batch's log rows are dropped, and counted), and writing resumes with the next batch.
     */
    private void write(List<Queued> batch, Map<UsageGroup, UsageTally> droppedTotals, boolean behind) {
        // The totals first, whatever becomes of the transaction: they are kept for the next one if it fails.
        droppedTotals.forEach((g, t) -> {
            tallyOf(totals, g).add(t);
            changedTotals.add(g);
        });
        UsageGroup group = null;
        UsageTally tally = null;
        for (Queued q : batch) {
            if (q.change() instanceof StateChange.UsageRecorded u) {
                UsageRecord r = u.record();
                // Most calls are of the previous call's group: no key made and no lookup for them (the record's
                // hashCode and equals, two lookups a call, were a third of this thread's Java time at 16 connections).
                if (group == null || !group.holds(r)) {
                    group = new UsageGroup(r.provider(), r.model(), r.route(), r.key());
                    tally = tallyOf(totals, group);
                    changedTotals.add(group);
                }
                tally.add(r);
            }
        }
        try {
            connection.setAutoCommit(false);
            if (writes == null) {
                writes = new Writes(connection);
            }
            writes.yielding = !behind;
            for (StateChange change : unwritten.values()) {
                writes.apply(change);
            }
            for (Queued q : batch) {
                writes.apply(q.change());
            }
            writes.insertLogRows();
            writes.writeTotals();
            // The commit's WAL writes are the writer's longest stretch without a yield: a request thread waiting for
            // this core goes first (each request's own p99 at one connection 6 to 60 us lower in run.sh's rounds)
            if (!behind) {
                yield.run();
            }
            connection.commit();
            unwritten.clear();
            if (failing) {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "the embedded state is written to {0} again", file.toAbsolutePath());
            }
        } catch (SQLException | RuntimeException e) {
            failedWrites.incrementAndGet();
            for (Queued q : batch) {
                StateChange c = q.change();
                if (isLogRow(c)) {
                    droppedRows.incrementAndGet(); // its totals are in the totals kept for the next transaction
                } else {
                    unwritten.put(entryOf(c), c);
                }
            }
            closeWrites();
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the next batch starts a new transaction anyway
            }
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.ERROR, "cannot write the embedded state to " + file.toAbsolutePath()
                        + "; calls go on with it in memory until writing works again: " + e.getMessage());
            }
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // reported by the next write
            }
        }
    }

    /** The tally of {@code group}, added when missing. */
    private static UsageTally tallyOf(Map<UsageGroup, UsageTally> tallies, UsageGroup group) {
        UsageTally t = tallies.get(group);
        if (t == null) {
            t = new UsageTally();
            tallies.put(group, t);
        }
        return t;
    }

    /** The entry a durable change sets: a later change of the same entry replaces it. */
    private static String entryOf(StateChange change) {
        if (change instanceof StateChange.BudgetSpent s) {
            return "budget\u0000" + s.budget();
        } else if (change instanceof StateChange.BucketChanged b) {
            return "bucket\u0000" + b.bucket();
        } else if (change instanceof StateChange.CooldownChanged c) {
            return "cooldown\u0000" + c.target();
        }
        throw new IllegalArgumentException("not a durable entry's change: " + change);
    }

    private void closeWrites() {
        if (writes != null) {
            try {
                writes.close();
            } catch (SQLException ignored) {
                // prepared again for the next write
            }
            writes = null;
        }
    }

    /**
     * The statements the writer thread applies changes with, prepared once. A transaction's log rows are inserted
     * {@link #ROWS_BETWEEN_YIELDS} at a time, each time with one statement, the writer yielding its core between them,
     * and the rest in a JDBC batch before its commit ({@link #insertLogRows}).
     */
    private final class Writes implements AutoCloseable {
        private final PreparedStatement budget;
        private final PreparedStatement bucket;
        private final PreparedStatement cooldown;
        private final PreparedStatement usage;
        /**
         * {@link #usage} with {@link #ROWS_BETWEEN_YIELDS} rows of values: the driver steps one statement for that
         * many rows instead of one per row, about 12 % less of the writer's CPU time per call
         * ({@code UsageLogAllocationPerCall}).
         */
        private final PreparedStatement usageRun;
        /** The log rows added since the last insert; the first {@link #batchedRows} are set. */
        private final UsageRecord[] rows = new UsageRecord[ROWS_BETWEEN_YIELDS];
        private final PreparedStatement usageTotals;
        /** How many of {@link #rows} are set: log rows added and not yet inserted. */
        private int batchedRows;
        /** Whether the writer yields its core after each insert of rows: not when it is behind ({@link #behindAt}). */
        private boolean yielding = true;
        /** The {@code at_ms} of the latest row, boxed once for the rows of the same millisecond. */
        private Long lastAt;
        private final PlainDecimalText costText = new PlainDecimalText();
        private final RepeatedText provider = new RepeatedText();
        private final RepeatedText model = new RepeatedText();
        private final RepeatedText route = new RepeatedText();
        private final RepeatedText key = new RepeatedText();
        private final RepeatedText outcome = new RepeatedText();
        private final RepeatedText targets = new RepeatedText();

        Writes(Connection c) throws SQLException {
            budget = c.prepareStatement("INSERT INTO budget_spend (budget, window, spent_usd) VALUES (?, ?, ?)"
                    + " ON CONFLICT (budget) DO UPDATE SET window = excluded.window, spent_usd = excluded.spent_usd");
            bucket = c.prepareStatement("INSERT INTO bucket (bucket, requests, tokens, at, held_until, held_why)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET requests = excluded.requests,"
                    + " tokens = excluded.tokens, at = excluded.at, held_until = excluded.held_until,"
                    + " held_why = excluded.held_why");
            cooldown = c.prepareStatement("INSERT INTO cooldown (target, failures, open_until, last_failure)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET failures = excluded.failures,"
                    + " open_until = excluded.open_until, last_failure = excluded.last_failure");
            usage = c.prepareStatement(LOG_INSERT + LOG_VALUES);
            usageRun = c.prepareStatement(LOG_INSERT + String.join(", ",
                    java.util.Collections.nCopies(ROWS_BETWEEN_YIELDS, LOG_VALUES)));
            usageTotals = c.prepareStatement("INSERT INTO usage_totals (provider, model, route, key_name, requests,"
                    + " input_tokens, output_tokens, cached_input_tokens, cost_usd, unpriced_requests, estimated_requests)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, model, route, key_name) DO UPDATE"
                    + " SET requests = excluded.requests, input_tokens = excluded.input_tokens,"
                    + " output_tokens = excluded.output_tokens, cached_input_tokens = excluded.cached_input_tokens,"
                    + " cost_usd = excluded.cost_usd, unpriced_requests = excluded.unpriced_requests,"
                    + " estimated_requests = excluded.estimated_requests");
        }

        void apply(StateChange change) throws SQLException {
            if (change instanceof StateChange.BudgetSpent s) {
                budget.setString(1, s.budget());
                budget.setLong(2, s.window());
                budget.setString(3, s.spent().toPlainString());
                budget.executeUpdate();
            } else if (change instanceof StateChange.BucketChanged b) {
                bucket.setString(1, b.bucket());
                bucket.setDouble(2, b.requests());
                bucket.setDouble(3, b.tokens());
                bucket.setString(4, b.at().toString());
                setText(bucket, 5, b.heldUntil() == null ? null : b.heldUntil().toString());
                setText(bucket, 6, b.heldWhy());
                bucket.executeUpdate();
            } else if (change instanceof StateChange.CooldownChanged c) {
                cooldown.setString(1, c.target());
                cooldown.setInt(2, c.failures());
                setText(cooldown, 3, c.openUntil() == null ? null : c.openUntil().toString());
                setText(cooldown, 4, c.lastFailure() == null ? null : c.lastFailure().name());
                cooldown.executeUpdate();
            } else if (change instanceof StateChange.UsageRecorded u) {
                logRow(u.record()); // its totals were added before the transaction began
            } else if (change instanceof StateChange.CallUnanswered u) {
                logRow(u.record()); // the log's row only: the totals count answered calls
            }
            // UsageRestored is never journaled.
        }

        /**
         * Adds a call's row to those to insert; every {@link #ROWS_BETWEEN_YIELDS} rows, inserts them with one
         * statement and, unless the writer is behind, yields its core.
         */
        private void logRow(UsageRecord r) throws SQLException {
            rows[batchedRows] = r;
            if (++batchedRows == ROWS_BETWEEN_YIELDS) {
                for (int i = 0; i < ROWS_BETWEEN_YIELDS; i++) {
                    bindRow(usageRun, i * LOG_COLUMNS, rows[i]);
                }
                batchedRows = 0;
                usageRun.executeUpdate();
                java.util.Arrays.fill(rows, null);
                if (yielding) {
                    yield.run(); // the writer is background work: a request thread waiting for this core goes first
                }
            }
        }

        /**
         * Binds a call's row to {@code statement}'s parameters {@code offset + 1} to {@code offset + LOG_COLUMNS}.
         * Numbers are bound as boxes the driver keeps as they are ({@code setObject}; its {@code setLong} and
         * {@code setInt} make a new box every time): the JDK's shared small ones, or the previous row's time when the
         * calls ended in the same millisecond. Texts other than the request id are bound as UTF-8 bytes
         * ({@link #LOG_VALUES} casts them): the names as the previous row's when they repeat, the cost written straight
         * into bytes.
         */
        private void bindRow(PreparedStatement statement, int offset, UsageRecord r) throws SQLException {
            long at = r.at().toEpochMilli();
            if (lastAt == null || lastAt != at) {
                lastAt = at;
            }
            statement.setObject(offset + 1, lastAt);
            statement.setBytes(offset + 2, provider.utf8(r.provider()));
            statement.setBytes(offset + 3, model.utf8(r.model()));
            statement.setBytes(offset + 4, route.utf8(r.route()));
            statement.setBytes(offset + 5, key.utf8(r.key()));
            statement.setObject(offset + 6, Long.valueOf(r.usage().inputTokens()));
            statement.setObject(offset + 7, Long.valueOf(r.usage().outputTokens()));
            statement.setObject(offset + 8, Long.valueOf(r.usage().cachedInputTokens()));
            Optional<BigDecimal> cost = r.cost().usd();
            statement.setBytes(offset + 9, cost.isPresent() ? costText.utf8(cost.get()) : null);
            statement.setObject(offset + 10, Integer.valueOf(r.estimated() ? 1 : 0));
            statement.setString(offset + 11, r.requestId());
            statement.setObject(offset + 12, Long.valueOf(r.latency().toMillis()));
            statement.setBytes(offset + 13, outcome.utf8(r.outcome().label()));
            statement.setObject(offset + 14, Integer.valueOf(r.attempts().size()));
            statement.setBytes(offset + 15, targets.utf8(targets(r.attempts())));
        }

        /** Inserts the log rows {@link #apply} added since the last insert (fewer than a run: one JDBC batch). */
        void insertLogRows() throws SQLException {
            if (batchedRows > 0) {
                int count = batchedRows;
                batchedRows = 0; // a failed batch is cleared with these statements (closeWrites)
                for (int i = 0; i < count; i++) {
                    bindRow(usage, 0, rows[i]);
                    usage.addBatch();
                }
                java.util.Arrays.fill(rows, null);
                usage.executeBatch();
            }
        }

        /** Writes each group's totals a batch changed, once per batch however many of its calls it holds. */
        void writeTotals() throws SQLException {
            for (UsageGroup g : changedTotals) {
                writeTotals(g, totals.get(g).totals());
            }
            changedTotals.clear();
        }

        private void writeTotals(UsageGroup g, UsageTotals t) throws SQLException {
            usageTotals.setString(1, g.provider());
            usageTotals.setString(2, g.model());
            usageTotals.setString(3, g.route());
            usageTotals.setString(4, g.key());
            usageTotals.setLong(5, t.requests());
            usageTotals.setLong(6, t.inputTokens());
            usageTotals.setLong(7, t.outputTokens());
            usageTotals.setLong(8, t.cachedInputTokens());
            usageTotals.setString(9, costText.format(t.costUsd()));
            usageTotals.setLong(10, t.unpricedRequests());
            usageTotals.setLong(11, t.estimatedRequests());
            usageTotals.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            budget.close();
            bucket.close();
            cooldown.close();
            usage.close();
            usageRun.close();
            usageTotals.close();
        }
    }

    /** The usage log's {@code targets}: the providers tried, comma-separated; the usual single try without a copy. */
    private static String targets(List<String> attempts) {
        return attempts.size() == 1 ? attempts.get(0) : String.join(",", attempts);
    }

    private static void setText(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /** Writes what is queued, stops the writer, closes the database and releases the data dir. */
    @Override
    public void close() {
        queueLock.lock();
        try {
            closing = true;
            queued.signalAll();
        } finally {
            queueLock.unlock();
        }
        if (writer != null) {
            boolean interrupted = false;
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        closeWrites();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + file.toAbsolutePath() + " failed: " + e.getMessage());
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
