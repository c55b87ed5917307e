package dev.switchboard.runtime.state;

import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageTotals;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds calls up into a {@link UsageQuery}'s groups, in exact decimal money, ordered by the groups' values: what a
 * {@link UsageLog} that reads the calls of a range answers. Not thread-safe.
 */
public final class UsageRowsBuilder {

    private final List<UsageGroup> groupBy;
    private final Map<List<String>, UsageTotals> groups = new TreeMap<>(UsageRowsBuilder::compare);
    private final Map<List<String>, Long> unanswered = new java.util.HashMap<>();

    public UsageRowsBuilder(UsageQuery query) {
        this.groupBy = query.groupBy();
    }

    /**
     * Adds one call to its group: an answered one to its totals, one without an answer ({@link UsageRecord#answered})
     * to its count of those only, so the totals stay what the ledger counts.
     */
    public void add(UsageRecord call) {
        List<String> key = key(call);
        if (call.answered()) {
            groups.merge(key, UsageTotals.ZERO.plus(call), UsageTotals::plus);
        } else {
            groups.putIfAbsent(key, UsageTotals.ZERO);
            unanswered.merge(key, 1L, Long::sum);
        }
    }

    /** The groups, ordered by their fields' values. */
    public List<UsageRow> rows() {
        List<UsageRow> rows = new ArrayList<>(groups.size());
        groups.forEach((values, totals) -> {
            Map<UsageGroup, String> ordered = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                ordered.put(groupBy.get(i), values.get(i));
            }
            rows.add(new UsageRow(ordered, totals, unanswered.getOrDefault(values, 0L)));
        });
        return rows;
    }

    private List<String> key(UsageRecord call) {
        List<String> values = new ArrayList<>(groupBy.size());
        for (UsageGroup g : groupBy) {
            values.add(switch (g) {
                case KEY -> call.key();
                case ROUTE -> call.route();
                case PROVIDER -> call.provider();
                case MODEL -> call.model().isEmpty() || call.provider().isEmpty() ? call.provider() + call.model()
                        : call.provider() + "/" + call.model();
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
