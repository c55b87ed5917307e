package dev.switchboard.runtime.state;

import dev.switchboard.runtime.UsageTotals;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One group of a {@link UsageQuery}'s answer: its fields' values, in group-by order, and its totals. Immutable. */
public record UsageRow(Map<UsageGroup, String> group, UsageTotals totals) {

    public UsageRow {
        group = Collections.unmodifiableMap(new LinkedHashMap<>(group));
        Objects.requireNonNull(totals, "totals");
    }
}
