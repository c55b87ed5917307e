package dev.switchboard.state.embedded;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageTotals;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageGroup;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.runtime.state.UsageRow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        Map<List<String>, UsageTotals> groups = new TreeMap<>(SqliteUsageLog::compare);
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
                    groups.merge(key(call, query.groupBy()), UsageTotals.ZERO.plus(call), UsageTotals::plus);
                }
            }
        } catch (SQLException e) {
            throw new StateUnavailableException("cannot read the usage log " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        List<UsageRow> rows = new ArrayList<>(groups.size());
        groups.forEach((values, totals) -> {
            Map<UsageGroup, String> ordered = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                ordered.put(query.groupBy().get(i), values.get(i));
            }
            rows.add(new UsageRow(ordered, totals));
        });
        return rows;
    }

    private static List<String> key(UsageRecord call, List<UsageGroup> groupBy) {
        List<String> values = new ArrayList<>(groupBy.size());
        for (UsageGroup g : groupBy) {
            values.add(switch (g) {
                case KEY -> call.key();
                case ROUTE -> call.route();
                case PROVIDER -> call.provider();
                case MODEL -> call.model().isEmpty() ? call.provider() : call.provider() + "/" + call.model();
                case DAY -> call.at().atOffset(ZoneOffset.UTC).toLocalDate().toString();
                case HOUR -> call.at().truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString();
            });
        }
        return values;
    }

    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
