package dev.switchboard.runtime.state;

import dev.switchboard.runtime.UsageTotals;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One group of a {@link UsageQuery}'s answer: its fields' values, in group-by order, the totals of its answered
 * calls, and how many of its calls ended without an answer (refused, skipped, failed before any content), which
 * the totals leave out as the ledger does. Immutable.
 */
public record UsageRow(Map<UsageGroup, String> group, UsageTotals totals, long unanswered) {

    public UsageRow {
        group = Collections.unmodifiableMap(new LinkedHashMap<>(group));
        Objects.requireNonNull(totals, "totals");
    }

    /** A group whose calls were all answered. */
    public UsageRow(Map<UsageGroup, String> group, UsageTotals totals) {
        this(group, totals, 0);
    }
}
