package dev.switchboard.state.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * Copies the embedded store's WAL into its database file (SQLite's checkpoint) on a thread and a connection of its
 * own, once every period, so that no commit of the writer does it. By default SQLite checkpoints from the committing
 * connection once the WAL passes 1,000 pages: that commit copies them and syncs both files before it returns, 12 to
 * 16 ms on a machine where a commit otherwise takes 0.1 ms, and a call that waits for its commit (a budget's
 * spending, a bucket take) waits as long. SQLite's WAL lets a checkpoint run beside the one writer, which goes on
 * appending meanwhile; a passive checkpoint waits for nobody and leaves what it cannot copy yet to the next one.
 * The writer's connection runs with {@code wal_autocheckpoint = 0}; the last connection to close copies the rest.
 */
final class WalCheckpointer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WalCheckpointer.class.getName());
    /** How often a checkpoint runs: the WAL holds at most about this long of commits beyond its last one. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    private final Path file;
    private final Connection connection;
    private final long periodNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closed = lock.newCondition();
    private boolean closing; // guarded by lock
    private boolean failing; // checkpointer thread only
    private final Thread thread;

    private WalCheckpointer(Path file, Connection connection, Duration period) {
        this.file = file;
        this.connection = connection;
        this.periodNanos = period.toNanos();
        this.thread = new Thread(this::run, "switchboard-state-checkpointer");
        this.thread.setDaemon(true);
    }

    /** Opens a connection of its own to {@code file} and starts checkpointing it every {@code period}. */
    static WalCheckpointer start(Path file, Duration period) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL); // as the writer's: a checkpoint syncs either way
        config.setBusyTimeout(5000);
        WalCheckpointer checkpointer = new WalCheckpointer(file,
                config.createConnection("jdbc:sqlite:" + file.toAbsolutePath()), period);
        checkpointer.thread.start();
        return checkpointer;
    }

    /**
     * Runs one passive checkpoint now.
     *
     * @return the frames the WAL held and how many of them are in the database file now
     */
    synchronized long[] checkpoint() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            r.next();
            return new long[] {r.getLong(2), r.getLong(3)};
        }
    }

    private void run() {
        while (awaitPeriod()) {
            try {
                checkpoint();
                if (failing) {
                    failing = false;
                    LOG.log(System.Logger.Level.INFO, "checkpoints of {0} work again", file.toAbsolutePath());
                }
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    failing = true; // the WAL grows meanwhile; nothing in it is lost
                    LOG.log(System.Logger.Level.WARNING, "cannot copy the WAL of " + file.toAbsolutePath()
                            + " into the database; it keeps growing until a checkpoint works: " + e.getMessage());
                }
            }
        }
    }

    /** Waits one period; false once closing. */
    private boolean awaitPeriod() {
        lock.lock();
        try {
            long left = periodNanos;
            while (!closing && left > 0) {
                try {
                    left = closed.awaitNanos(left);
                } catch (InterruptedException e) {
                    return false; // nobody else interrupts this thread
                }
            }
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread and closes its connection. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            closed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the checkpoints' connection to " + file.toAbsolutePath()
                    + " failed: " + e.getMessage());
        }
    }
}
