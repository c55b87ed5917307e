package dev.switchboard.usagelog.postgres;

import dev.switchboard.runtime.state.UsageLogBackend;
import dev.switchboard.runtime.state.UsageLogWriter;
import dev.switchboard.spi.Secret;
import java.time.Clock;
import java.util.Optional;

/** Usage logs at {@code jdbc:postgresql:} URLs. */
public final class PostgresUsageLogBackend implements UsageLogBackend {

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public UsageLogWriter open(String jdbcUrl, Optional<Secret> password, Clock clock) {
        return PostgresUsageLog.open(jdbcUrl, password);
    }
}
