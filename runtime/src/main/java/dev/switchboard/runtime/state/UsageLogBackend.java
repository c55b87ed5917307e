package dev.switchboard.runtime.state;

import dev.switchboard.spi.Secret;
import java.time.Clock;
import java.util.Optional;

/**
 * A usage log kept apart from the state store, chosen by {@code switchboard.usage-log.jdbc-url} and found with
 * {@link java.util.ServiceLoader} (register it in {@code META-INF/services/dev.switchboard.runtime.state.UsageLogBackend}
 * and {@code module-info.java}). Switchboard ships one for PostgreSQL (module
 * {@code switchboard-usage-log-postgres}).
 */
public interface UsageLogBackend {

    /** Whether it writes to {@code jdbcUrl}, e.g. one starting {@code jdbc:postgresql:}. */
    boolean accepts(String jdbcUrl);

    /**
     * Connects, creating or migrating the schema, and starts writing.
     *
     * @param password {@code switchboard.usage-log.password}, for a URL that carries none
     *
     * @throws StateUnavailableException when the database cannot be reached or its schema is newer; one line naming
     *                                   the host (never a password)
     */
    UsageLogWriter open(String jdbcUrl, Optional<Secret> password, Clock clock);
}
