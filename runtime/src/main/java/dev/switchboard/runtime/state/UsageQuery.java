package dev.switchboard.runtime.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A question to the {@link UsageLog}: the calls that ended in {@code [from, to)}, only those of {@code key} when
 * given, added up per distinct value of the {@code groupBy} fields (in that order; none: one total). Immutable.
 */
public record UsageQuery(Optional<Instant> from, Optional<Instant> to, List<UsageGroup> groupBy,
                         Optional<String> key) {

    public UsageQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        groupBy = List.copyOf(groupBy);
        if (groupBy.size() != groupBy.stream().distinct().count()) {
            throw new IllegalArgumentException("group-by names a field twice: " + groupBy);
        }
        Objects.requireNonNull(key, "key");
    }
}
