package dev.switchboard.runtime.state;

import java.util.Locale;
import java.util.Optional;

/** What a {@link UsageQuery} groups the usage log by: {@code group-by=key,route,provider,model,day,hour}. */
public enum UsageGroup {
    KEY, ROUTE, PROVIDER, MODEL,
    /** The UTC day the call ended on, {@code 2026-12-05}. */
    DAY,
    /** The UTC hour the call ended in, as the instant it starts: {@code 2026-12-05T10:00:00Z}. */
    HOUR;

    /** The name in {@code group-by} and in the answer's fields. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The group named {@code label} ({@code key}, {@code day}...), if there is one. */
    public static Optional<UsageGroup> of(String label) {
        for (UsageGroup g : values()) {
            if (g.label().equals(label)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
