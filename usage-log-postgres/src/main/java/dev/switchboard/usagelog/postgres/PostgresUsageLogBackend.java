package dev.switchboard.usagelog.postgres;

import dev.switchboard.runtime.state.UsageLogBackend;
import dev.switchboard.runtime.state.UsageLogWriter;
import java.time.Clock;

/** Usage logs at {@code jdbc:postgresql:} URLs. */
public final class PostgresUsageLogBackend implements UsageLogBackend {

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public UsageLogWriter open(String jdbcUrl, Clock clock) {
        return PostgresUsageLog.open(jdbcUrl);
    }
}
