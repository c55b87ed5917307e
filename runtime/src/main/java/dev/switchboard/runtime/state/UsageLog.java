package dev.switchboard.runtime.state;

import java.util.List;

/**
 * The record of every call (time, provider, model, route, key, tokens, cost), as a durable backend keeps it, and the
 * questions it answers ({@code GET /v1/usage?from&to&group-by}, {@code switchboard usage}). Thread-safe.
 */
public interface UsageLog {

    /**
     * The groups of calls {@code query} asks for, ordered by their fields' values.
     *
     * @throws StateUnavailableException when the log cannot be read
     */
    List<UsageRow> query(UsageQuery query);

    /**
     * Calls whose record this log dropped rather than make a request wait for it (its queue full: the database or
     * the disk stalled or slower than the traffic); {@code /metrics} shows it as
     * {@code switchboard_usage_log_dropped_total}. 0 for a log that drops nothing, or only reads.
     */
    default long dropped() {
        return 0;
    }
}
