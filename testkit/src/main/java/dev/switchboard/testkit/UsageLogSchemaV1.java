package dev.switchboard.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The usage log's table exactly as the first version of its schema made it, in the SQL of each store that keeps one,
 * with one call logged: what a test of the in-place upgrade starts from. The call: 2026-12-05T09:00:00Z, provider
 * {@code openai}, model {@code m}, route {@code default}, key {@code team-a}, 10 tokens in, 2 out, none cached,
 * $0.5, not estimated.
 */
public enum UsageLogSchemaV1 {

    /** The embedded store's {@code usage_log} in SQLite (the other tables of its version 1 are the caller's). */
    SQLITE("usage_log", "id INTEGER PRIMARY KEY", "at_ms INTEGER", "cost_usd TEXT", "estimated INTEGER",
            "1796461200000", "'0.5'", "0"),
    /** PostgreSQL's {@code switchboard_usage_log} (its {@code switchboard_schema} table is the caller's). */
    POSTGRES("switchboard_usage_log", "id BIGSERIAL PRIMARY KEY", "at TIMESTAMPTZ", "cost_usd NUMERIC",
            "estimated BOOLEAN", "'2026-12-05T09:00:00Z'", "0.5", "false");

    private final String table;
    private final String id;
    private final String at;
    private final String cost;
    private final String estimated;
    private final String atValue;
    private final String costValue;
    private final String estimatedValue;

    UsageLogSchemaV1(String table, String id, String at, String cost, String estimated, String atValue,
                     String costValue, String estimatedValue) {
        this.table = table;
        this.id = id;
        this.at = at;
        this.cost = cost;
        this.estimated = estimated;
        this.atValue = atValue;
        this.costValue = costValue;
        this.estimatedValue = estimatedValue;
    }

    /** Creates the table and its index on {@code connection}, and logs the one call. */
    public void createWithOneCall(Connection connection) throws SQLException {
        String integer = this == SQLITE ? "INTEGER" : "BIGINT";
        String atColumn = at.substring(0, at.indexOf(' '));
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("CREATE TABLE " + table + " (" + id + ", " + at + " NOT NULL, provider TEXT NOT NULL,"
                    + " model TEXT NOT NULL, route TEXT NOT NULL, key_name TEXT NOT NULL,"
                    + " input_tokens " + integer + " NOT NULL, output_tokens " + integer + " NOT NULL,"
                    + " cached_input_tokens " + integer + " NOT NULL, " + cost + ", " + estimated + " NOT NULL)");
            s.executeUpdate("CREATE INDEX " + table + "_at ON " + table + " (" + atColumn + ")");
            s.executeUpdate("INSERT INTO " + table + " (" + atColumn + ", provider, model, route, key_name,"
                    + " input_tokens, output_tokens, cached_input_tokens, cost_usd, estimated) VALUES (" + atValue
                    + ", 'openai', 'm', 'default', 'team-a', 10, 2, 0, " + costValue + ", " + estimatedValue + ")");
        }
    }
}
