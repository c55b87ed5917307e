package dev.switchboard.state.embedded;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import dev.switchboard.runtime.state.UsageRowsBuilder;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Answers {@link UsageQuery}s from the {@code usage_log} table of an embedded store's database, read-only, on a
 * connection of its own per query: so it works beside the writing process (SQLite's WAL lets readers and the writer
 * go on together), e.g. for {@code switchboard usage} while the gateway runs. The calls in the range are added up
 * here, so money stays exact decimal; a query costs time in proportion to the calls in its range.
 */
public final class SqliteUsageLog implements UsageLog {

    private final Path file;

    public SqliteUsageLog(Path file) {
        this.file = file;
    }

    @Override
    public List<UsageRow> query(UsageQuery query) {
        if (!Files.exists(file)) {
            throw new StateUnavailableException("no usage log at " + file.toAbsolutePath()
                    + " (the gateway writes it there with switchboard.state.backend = embedded)", null);
        }
        StringBuilder sql = new StringBuilder("SELECT at_ms, provider, model, route, key_name, input_tokens,"
                + " output_tokens, cached_input_tokens, cost_usd, estimated FROM usage_log WHERE at_ms >= ? AND at_ms < ?");
        query.key().ifPresent(k -> sql.append(" AND key_name = ?"));
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        UsageRowsBuilder rows = new UsageRowsBuilder(query);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
             PreparedStatement s = c.prepareStatement(sql.toString())) {
            s.setLong(1, query.from().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
            s.setLong(2, query.to().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
            if (query.key().isPresent()) {
                s.setString(3, query.key().get());
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String cost = r.getString(9);
                    UsageRecord call = new UsageRecord(Instant.ofEpochMilli(r.getLong(1)), r.getString(2),
                            r.getString(3), r.getString(4), r.getString(5),
                            Usage.builder().inputTokens(r.getLong(6)).outputTokens(r.getLong(7))
                                    .cachedInputTokens(r.getLong(8)).build(),
                            cost == null ? Cost.UNKNOWN : Cost.usd(new BigDecimal(cost)), r.getInt(10) != 0);
                    rows.add(call);
                }
            }
        } catch (SQLException e) {
            throw new StateUnavailableException("cannot read the usage log " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        return rows.rows();
    }
}
