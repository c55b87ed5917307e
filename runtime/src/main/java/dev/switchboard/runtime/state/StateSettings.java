package dev.switchboard.runtime.state;

import dev.switchboard.spi.Secret;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code switchboard.state} and {@code switchboard.usage-log} as read from the configuration, for a
 * {@link StateBackend} to open its store with. Immutable.
 *
 * @param backend        {@code switchboard.state.backend}
 * @param dataDir        {@code switchboard.state.data-dir}: where the {@code embedded} backend keeps its files
 * @param redisUri       {@code switchboard.state.redis.uri}
 * @param redisKeyPrefix {@code switchboard.state.redis.key-prefix}
 * @param onFailure      {@code switchboard.state.on-failure}
 * @param usageLogJdbcUrl {@code switchboard.usage-log.jdbc-url}: empty for the embedded store
 * @param usageLogPassword {@code switchboard.usage-log.password}: the database's password when the URL carries none
 * @param clock          the Switchboard's clock
 */
public record StateSettings(String backend, Optional<Path> dataDir, Optional<String> redisUri, String redisKeyPrefix,
                            OnFailure onFailure, Optional<String> usageLogJdbcUrl, Optional<Secret> usageLogPassword,
                            Clock clock) {

    public StateSettings {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(redisKeyPrefix, "redisKeyPrefix");
        Objects.requireNonNull(onFailure, "onFailure");
        Objects.requireNonNull(usageLogJdbcUrl, "usageLogJdbcUrl");
        Objects.requireNonNull(usageLogPassword, "usageLogPassword");
        Objects.requireNonNull(clock, "clock");
    }

    /** The {@code memory} backend's settings. */
    public static StateSettings memory(Clock clock) {
        return new StateSettings("memory", Optional.empty(), Optional.empty(), "switchboard:", OnFailure.ALLOW,
                Optional.empty(), Optional.empty(), clock);
    }
}
