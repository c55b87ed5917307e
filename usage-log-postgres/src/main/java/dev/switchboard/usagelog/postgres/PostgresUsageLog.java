package dev.switchboard.usagelog.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageLogWriter;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import dev.switchboard.runtime.state.UsageRowsBuilder;
import dev.switchboard.spi.Secret;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The usage log in PostgreSQL: table {@code switchboard_usage_log}, one row per call, written by a thread of its own
 * from a bounded queue in batches (one transaction each), so a request never waits for the database. A record that
 * finds the queue full (the database away or slower than the traffic for a while) is dropped and counted, and that is
 * logged once per episode; a batch that cannot be written is retried every second while the queue takes the traffic.
 * The schema is created at the first start and migrated by later versions ({@code switchboard_schema} holds its
 * version; concurrent starts serialise on an advisory lock); one written by a newer Switchboard is refused. A server
 * that cannot be reached at start does not stop the start: the writer prepares the schema once it can (records queue
 * meanwhile, dropped and counted when the queue is full); one that refuses the login (a wrong password, an unknown
 * user or database) does, naming the server's reason.
 */
public final class PostgresUsageLog implements UsageLogWriter {

    private static final System.Logger LOG = System.getLogger(PostgresUsageLog.class.getName());
    static final int SCHEMA_VERSION = 2;
    static final int QUEUE = 16_384;
    private static final int BATCH = 1_000;
    /** Arbitrary, fixed: the advisory lock every instance takes to create or migrate the schema. */
    private static final long MIGRATION_LOCK = 0x5377_6974_6368L;
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final HikariDataSource pool;
    private final String where;
    private final int capacity;
    private final BlockingQueue<UsageRecord> queue;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean overflowing = new AtomicBoolean();
    private final Object progress = new Object();
    private final Thread writer;
    private volatile boolean closing;
    private boolean failing;
    /** Whether the schema is known to be created and migrated; false while the server was unreachable since start. */
    private volatile boolean schemaReady;

    private PostgresUsageLog(HikariDataSource pool, String where, int capacity) {
        this.pool = pool;
        this.where = where;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::writeLoop, "switchboard-usage-log-writer");
        writer.setDaemon(true);
    }

    /**
     * Connects to {@code jdbcUrl}, creates or migrates the schema and starts the writer.
     *
     * @throws StateUnavailableException naming the server (never the password) when it cannot be reached or its
     *                                   schema is newer
     */
    public static PostgresUsageLog open(String jdbcUrl) {
        return open(jdbcUrl, Optional.empty());
    }

    /**
     * As {@link #open(String)}, logging in with {@code password} unless the URL carries one. The URL may also name
     * its user and password as {@code jdbc:postgresql://user:password@host/db} (percent-encoded), which the driver
     * does not read itself.
     */
    public static PostgresUsageLog open(String jdbcUrl, Optional<Secret> password) {
        return open(jdbcUrl, password, QUEUE);
    }

    /** As {@link #open(String, Optional)}, with a queue of {@code capacity} records (tests fill a small one). */
    static PostgresUsageLog open(String jdbcUrl, Optional<Secret> password, int capacity) {
        String where = "PostgreSQL at " + hostOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        // The driver logs the URL it connects with (at FINE): it gets none with a password in it.
        Login login = Login.of(jdbcUrl);
        config.setJdbcUrl(login.url());
        login.user().ifPresent(config::setUsername);
        login.password().or(() -> password.map(Secret::reveal)).ifPresent(config::setPassword);
        config.setPoolName("switchboard-usage-log");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1); // the first connection is made by migrate(), which names the server
        HikariDataSource pool = new HikariDataSource(config);
        boolean ready;
        try {
            migrate(pool, where);
            ready = true;
        } catch (Unreachable e) {
            ready = false;
            LOG.log(System.Logger.Level.ERROR, "cannot reach the usage log's " + where + " (" + e.getMessage() + ");"
                    + " starting without it: calls are queued (up to " + capacity + ", then dropped and counted in"
                    + " switchboard_usage_log_dropped_total) and its schema is prepared and the queue written as soon"
                    + " as it can be reached (tried every " + RETRY.toSeconds() + " s)");
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        PostgresUsageLog log = new PostgresUsageLog(pool, where, capacity);
        log.schemaReady = ready;
        log.writer.start();
        return log;
    }

    /** The server could not be reached (refused, timed out): a state that passes, unlike a refused login. */
    static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A URL's user and password taken out of it, decoded: its {@code user:password@} and its {@code password}
     * parameter (which wins); the URL without them.
     */
    record Login(String url, Optional<String> user, Optional<String> password) {
        private static final String PREFIX = "jdbc:postgresql://";

        static Login of(String jdbcUrl) {
            String url = jdbcUrl;
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            if (url.startsWith(PREFIX)) {
                int end = url.length();
                for (int i = PREFIX.length(); i < url.length(); i++) {
                    if ("/?".indexOf(url.charAt(i)) >= 0) {
                        end = i;
                        break;
                    }
                }
                int at = url.lastIndexOf('@', end - 1);
                if (at >= PREFIX.length()) {
                    String info = url.substring(PREFIX.length(), at);
                    int colon = info.indexOf(':');
                    String name = colon < 0 ? info : info.substring(0, colon);
                    user = name.isEmpty() ? Optional.empty() : Optional.of(decode(name));
                    password = colon < 0 ? Optional.empty() : Optional.of(decode(info.substring(colon + 1)));
                    url = PREFIX + url.substring(at + 1);
                }
            }
            int q = url.indexOf('?');
            if (q >= 0) {
                StringBuilder kept = new StringBuilder();
                for (String parameter : url.substring(q + 1).split("&")) {
                    if (parameter.toLowerCase(java.util.Locale.ROOT).startsWith("password=")) {
                        password = Optional.of(decode(parameter.substring("password=".length())));
                    } else if (!parameter.isEmpty()) {
                        kept.append(kept.length() == 0 ? "?" : "&").append(parameter);
                    }
                }
                url = url.substring(0, q) + kept;
            }
            return new Login(url, user, password);
        }

        private static String decode(String text) {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }

    /** Host and port (and database) of a JDBC URL, without its parameters, where a password could be. */
    static String hostOf(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql:(//)?", "");
        int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
        if (at >= 0) {
            rest = rest.substring(at + 1);
        }
        int q = rest.indexOf('?');
        return q < 0 ? rest : rest.substring(0, q);
    }

    /**
     * Creates or migrates the schema.
     *
     * @throws Unreachable when no server answered
     * @throws StateUnavailableException when it refused (the login, a newer schema), naming why
     */
    private static void migrate(HikariDataSource pool, String where) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS switchboard_schema (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM switchboard_schema")) {
                if (r.next()) {
                    version = r.getInt(1);
                }
            }
            if (version > SCHEMA_VERSION) {
                c.rollback();
                throw new StateUnavailableException(where + " holds a usage log written by a newer Switchboard"
                        + " (schema " + version + ", this one reads up to " + SCHEMA_VERSION + ")", null);
            }
            if (version < 1) {
                s.execute("CREATE TABLE IF NOT EXISTS switchboard_usage_log (id BIGSERIAL PRIMARY KEY,"
                        + " at TIMESTAMPTZ NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, route TEXT NOT NULL,"
                        + " key_name TEXT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,"
                        + " cached_input_tokens BIGINT NOT NULL, cost_usd NUMERIC, estimated BOOLEAN NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS switchboard_usage_log_at ON switchboard_usage_log (at)");
                s.execute("INSERT INTO switchboard_schema (version) VALUES (1)");
            }
            if (version < 2) {
                // What the log says of each call besides its tokens and cost. Rows written before keep the
                // defaults: no request id, latency unknown (NULL), ok, one try (targets unknown).
                s.execute("ALTER TABLE switchboard_usage_log ADD COLUMN IF NOT EXISTS request_id TEXT NOT NULL"
                        + " DEFAULT '', ADD COLUMN IF NOT EXISTS latency_ms BIGINT,"
                        + " ADD COLUMN IF NOT EXISTS outcome TEXT NOT NULL DEFAULT 'ok',"
                        + " ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 1,"
                        + " ADD COLUMN IF NOT EXISTS targets TEXT NOT NULL DEFAULT ''");
                s.execute("INSERT INTO switchboard_schema (version) VALUES (2)");
            }
            // later versions: if (version < 3) { ALTER TABLE ...; INSERT INTO switchboard_schema VALUES (3); }
            c.commit();
        } catch (SQLException e) {
            String why = reason(e);
            if (unreachable(e)) {
                throw new Unreachable(why, e);
            }
            throw new StateUnavailableException("cannot prepare the usage log in " + where + ": " + why
                    + (loginRefused(e) ? " (check the user and password: switchboard.usage-log.password, or the"
                    + " jdbc-url's user and password)" : ""), e);
        }
    }

    /**
     * Why a connection or statement failed, as the server or the driver said it: the pool's own "connection is not
     * available, request timed out" names only the wait, and keeps the login's real failure (a wrong password, an
     * unknown database, a refused connection) as its cause.
     */
    static String reason(SQLException e) {
        Throwable cause = e;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException || t instanceof java.io.IOException) {
                cause = t;
            }
        }
        return firstLine(cause);
    }

    private static @org.jspecify.annotations.Nullable String sqlState(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return null;
    }

    /** No server answered (refused, timed out, the connection broke): class 08 or no state at all. */
    private static boolean unreachable(SQLException e) {
        String state = sqlState(e);
        return state == null || state.startsWith("08");
    }

    /** The server refused the login: invalid authorization (class 28) or an unknown database (3D000). */
    private static boolean loginRefused(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("28") || state.equals("3D000"));
    }

    /** Prepares the schema if it is not known to be, so that rows can be written and read; true once it is. */
    private synchronized boolean ensureSchema() {
        if (schemaReady) {
            return true;
        }
        try {
            migrate(pool, where);
            schemaReady = true;
            LOG.log(System.Logger.Level.INFO, "the usage log's " + where + " is reachable: its schema is ready");
            return true;
        } catch (StateUnavailableException | Unreachable e) {
            return false; // still away (logged at start), or refusing: the queue fills, and drops are counted
        }
    }

    @Override
    public void append(UsageRecord record) {
        appended.incrementAndGet();
        if (queue.offer(record)) {
            overflowing.set(false);
            return;
        }
        dropped.incrementAndGet();
        markProgress(1); // nobody will write it: a query waiting for it must not wait in vain
        if (overflowing.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.ERROR, "the usage log in " + where + " is " + capacity + " calls behind; calls"
                    + " are not logged (but still counted in the state store) until it catches up");
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    private void writeLoop() {
        List<UsageRecord> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                if (batch.isEmpty()) {
                    UsageRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                if (ensureSchema() && write(batch)) {
                    markProgress(batch.size());
                    batch.clear();
                } else if (closing) {
                    markProgress(batch.size() + queue.size()); // given up: the database is away at shutdown
                    return;
                } else {
                    Thread.sleep(RETRY.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean write(List<UsageRecord> batch) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO"
                + " switchboard_usage_log (at, provider, model, route, key_name, input_tokens, output_tokens,"
                + " cached_input_tokens, cost_usd, estimated, request_id, latency_ms, outcome, attempts, targets)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (UsageRecord r : batch) {
                s.setTimestamp(1, Timestamp.from(r.at()));
                s.setString(2, r.provider());
                s.setString(3, r.model());
                s.setString(4, r.route());
                s.setString(5, r.key());
                s.setLong(6, r.usage().inputTokens());
                s.setLong(7, r.usage().outputTokens());
                s.setLong(8, r.usage().cachedInputTokens());
                if (r.cost().usd().isPresent()) {
                    s.setBigDecimal(9, r.cost().usd().get());
                } else {
                    s.setNull(9, Types.NUMERIC);
                }
                s.setBoolean(10, r.estimated());
                s.setString(11, r.requestId());
                s.setLong(12, r.latency().toMillis());
                s.setString(13, r.outcome().label());
                s.setInt(14, r.attempts().size());
                s.setString(15, String.join(",", r.attempts()));
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
            if (failing) {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "the usage log is written to " + where + " again");
            }
            return true;
        } catch (SQLException e) {
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.ERROR, "cannot write the usage log to " + where + " (" + reason(e)
                        + "); retrying every " + RETRY.toSeconds() + " s, calls queue meanwhile");
            }
            return false;
        }
    }

    private void markProgress(int records) {
        synchronized (progress) {
            written.addAndGet(records);
            progress.notifyAll();
        }
    }

    /** Reads the calls of the query's range, once the records appended before it are written (for up to 5 s). */
    @Override
    public List<UsageRow> query(UsageQuery query) {
        if (!ensureSchema()) {
            throw new StateUnavailableException("cannot read the usage log in " + where + ": it could not be"
                    + " reached since the gateway started", null);
        }
        awaitWritten(appended.get(), Duration.ofSeconds(5));
        StringBuilder sql = new StringBuilder("SELECT at, provider, model, route, key_name, input_tokens,"
                + " output_tokens, cached_input_tokens, cost_usd, estimated FROM switchboard_usage_log WHERE TRUE");
        query.from().ifPresent(f -> sql.append(" AND at >= ?"));
        query.to().ifPresent(t -> sql.append(" AND at < ?"));
        query.key().ifPresent(k -> sql.append(" AND key_name = ?"));
        UsageRowsBuilder rows = new UsageRowsBuilder(query);
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (query.from().isPresent()) {
                s.setTimestamp(i++, Timestamp.from(query.from().get()));
            }
            if (query.to().isPresent()) {
                s.setTimestamp(i++, Timestamp.from(query.to().get()));
            }
            if (query.key().isPresent()) {
                s.setString(i, query.key().get());
            }
            s.setFetchSize(10_000); // streamed in pages (needs a transaction), not loaded whole
            c.setAutoCommit(false);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    BigDecimal cost = r.getBigDecimal(9);
                    rows.add(new UsageRecord(r.getTimestamp(1).toInstant(), r.getString(2), r.getString(3),
                            r.getString(4), r.getString(5), Usage.builder().inputTokens(r.getLong(6))
                            .outputTokens(r.getLong(7)).cachedInputTokens(r.getLong(8)).build(),
                            cost == null ? Cost.UNKNOWN : Cost.usd(cost), r.getBoolean(10)));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new StateUnavailableException("cannot read the usage log in " + where + ": " + reason(e), e);
        }
        return rows.rows();
    }

    private void awaitWritten(long target, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (progress) {
            while (written.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return; // answer with what is written: the database may be away
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        awaitWritten(appended.get(), Duration.ofSeconds(5));
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
