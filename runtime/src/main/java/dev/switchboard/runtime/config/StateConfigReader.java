package dev.switchboard.runtime.config;

import dev.switchboard.runtime.state.OnFailure;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.spi.Secret;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code switchboard.state} ({@code backend}, {@code data-dir}, {@code redis { uri, key-prefix }},
 * {@code on-failure}), strictly: unknown keys are typos.
 */
final class StateConfigReader {

    static final Set<String> BACKENDS = Set.of("memory", "embedded", "redis");
    private static final Set<String> STATE = Set.of("backend", "data-dir", "redis", "on-failure");
    private static final Set<String> REDIS = Set.of("uri", "key-prefix");

    private StateConfigReader() {}

    /** The settings, with problems recorded in {@code root}'s problems; the clock is filled in later. */
    static StateSettings read(ConfigFields root) {
        String backend = "memory";
        Optional<Path> dataDir = Optional.empty();
        Optional<String> redisUri = Optional.empty();
        String prefix = "switchboard:";
        OnFailure onFailure = OnFailure.ALLOW;
        Optional<ConfigFields> state = root.block("state");
        if (state.isPresent()) {
            ConfigFields s = state.get();
            s.onlyKnownKeys(STATE, null);
            backend = s.nonBlankString("backend").orElse(backend);
            if (!BACKENDS.contains(backend)) {
                s.problems().add(s.value("backend").map(ConfigValue::origin).orElse(s.origin()), s.path("backend"),
                        "must be memory, embedded or redis, was '" + backend + "'");
            }
            dataDir = s.string("data-dir").filter(d -> !d.isBlank()).map(Path::of);
            if (backend.equals("embedded") && dataDir.isEmpty()) {
                s.problems().add(s.origin(), s.path("data-dir"), "must name a directory for the embedded backend's"
                        + " files, e.g. data-dir = \"/var/lib/switchboard\" (the launcher sets SWITCHBOARD_DATA_DIR)");
            }
            String failure = s.nonBlankString("on-failure").orElse("allow");
            try {
                onFailure = OnFailure.valueOf(failure.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                s.problems().add(s.value("on-failure").map(ConfigValue::origin).orElse(s.origin()),
                        s.path("on-failure"), "must be allow or deny, was '" + failure + "'");
            }
            Optional<ConfigFields> redis = s.block("redis");
            if (redis.isPresent()) {
                redis.get().onlyKnownKeys(REDIS, null);
                redisUri = redis.get().string("uri").filter(u -> !u.isBlank());
                prefix = redis.get().string("key-prefix").orElse(prefix);
            }
            if (backend.equals("redis") && redisUri.isEmpty()) {
                s.problems().add(s.origin(), s.path("redis") + ".uri", "must name the Redis server for the redis"
                        + " backend, e.g. redis { uri = \"redis://localhost:6379\" }");
            }
        }
        Optional<String> jdbcUrl = Optional.empty();
        Optional<Secret> password = Optional.empty();
        Optional<ConfigFields> usageLog = root.block("usage-log");
        if (usageLog.isPresent()) {
            usageLog.get().onlyKnownKeys(Set.of("jdbc-url", "password"), null);
            password = usageLog.get().string("password").filter(p -> !p.isBlank()).map(Secret::of);
            jdbcUrl = usageLog.get().string("jdbc-url").filter(u -> !u.isBlank());
            if (jdbcUrl.isPresent() && !jdbcUrl.get().startsWith("jdbc:")) {
                usageLog.get().problems().add(usageLog.get().value("jdbc-url").map(ConfigValue::origin)
                        .orElse(usageLog.get().origin()), usageLog.get().path("jdbc-url"), "must be a JDBC URL such"
                        + " as jdbc:postgresql://db.internal:5432/switchboard");
            }
        }
        return new StateSettings(backend, dataDir, redisUri, prefix, onFailure, jdbcUrl, password, Clock.systemUTC());
    }
}
