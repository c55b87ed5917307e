/**
 * A usage log in PostgreSQL ({@code switchboard.usage-log.jdbc-url = jdbc:postgresql://...}): one row per call,
 * written asynchronously through HikariCP, read by {@code GET /v1/usage?from&to&group-by}.
 */
module dev.switchboard.usagelog.postgres {
    requires dev.switchboard.runtime;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires static org.jspecify;

    exports dev.switchboard.usagelog.postgres;

    provides dev.switchboard.runtime.state.UsageLogBackend
            with dev.switchboard.usagelog.postgres.PostgresUsageLogBackend;
}
