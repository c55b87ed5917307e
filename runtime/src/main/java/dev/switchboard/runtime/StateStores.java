package dev.switchboard.runtime;

import dev.switchboard.runtime.state.FailurePolicyStore;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.SeparateUsageLogStore;
import dev.switchboard.runtime.state.StateBackend;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.StateUnavailableException;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageLogBackend;
import dev.switchboard.runtime.state.UsageLogWriter;
import dev.switchboard.spi.Secret;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens the store {@code switchboard.state.backend} names: memory here, the others found with ServiceLoader. */
final class StateStores {

    private static final System.Logger LOG = System.getLogger(StateStores.class.getName());
    private static final String KEY = "switchboard.state.backend";

    private StateStores() {}

    /**
     * The store {@code switchboard.state.backend} names, writing its calls also to the usage log
     * {@code switchboard.usage-log.jdbc-url} names when set; a store on another server guarded by
     * {@code switchboard.state.on-failure}.
     *
     * With {@code snapshot}, the backend's {@link StateBackend#openSnapshot snapshot} (a one-off command beside a
     * running instance).
     *
     * @throws SwitchboardConfigException one line naming the key, when the backend is not installed or cannot open
     */
    static StateStore open(StateSettings configured, Clock clock, ClassLoader loader, boolean snapshot) {
        StateSettings settings = new StateSettings(configured.backend(), configured.dataDir(), configured.redisUri(),
                configured.redisKeyPrefix(), configured.onFailure(), configured.usageLogJdbcUrl(),
                configured.usageLogPassword(), clock);
        StateStore store = openBackend(settings, loader, snapshot);
        if (settings.usageLogJdbcUrl().isPresent()) {
            try {
                store = new SeparateUsageLogStore(store, openUsageLog(settings.usageLogJdbcUrl().get(),
                        settings.usageLogPassword(), clock, loader));
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }
        if (settings.backend().equals("memory")) {
            return store;
        }
        FailurePolicyStore guarded = new FailurePolicyStore(store, settings.onFailure());
        if (!snapshot) {
            guarded.checkAtStart(); // a server away at start is an outage like any other, not a reason to stop
        }
        return guarded;
    }

    private static StateStore openBackend(StateSettings settings, ClassLoader loader, boolean snapshot) {
        if (settings.backend().equals("memory")) {
            return new MemoryStateStore();
        }
        TreeSet<String> installed = new TreeSet<>(List.of("memory"));
        for (StateBackend backend : ServiceLoader.load(StateBackend.class, loader)) {
            installed.add(backend.name());
            if (backend.name().equals(settings.backend())) {
                try {
                    StateStore store = snapshot ? backend.openSnapshot(settings) : backend.open(settings);
                    LOG.log(System.Logger.Level.INFO, snapshot ? "state backend {0} read" : "state backend {0} opened",
                            settings.backend());
                    return store;
                } catch (IllegalArgumentException | StateUnavailableException e) {
                    throw new SwitchboardConfigException(List.of(KEY + " = " + settings.backend() + ": "
                            + e.getMessage()));
                }
            }
        }
        throw notInstalled(settings, installed);
    }

    private static UsageLogWriter openUsageLog(String jdbcUrl, Optional<Secret> password, Clock clock,
                                               ClassLoader loader) {
        String key = "switchboard.usage-log.jdbc-url";
        for (UsageLogBackend backend : ServiceLoader.load(UsageLogBackend.class, loader)) {
            if (backend.accepts(jdbcUrl)) {
                try {
                    return backend.open(jdbcUrl, password, clock);
                } catch (IllegalArgumentException | StateUnavailableException e) {
                    throw new SwitchboardConfigException(List.of(key + ": " + e.getMessage()));
                }
            }
        }
        String scheme = jdbcUrl.startsWith("jdbc:") && jdbcUrl.indexOf(':', 5) > 5
                ? jdbcUrl.substring(0, jdbcUrl.indexOf(':', 5) + 1) : "(not a jdbc: URL)";
        throw new SwitchboardConfigException(List.of(key + ": no usage log is installed for " + scheme
                + "; put switchboard-usage-log-postgres on the class path for jdbc:postgresql: URLs"));
    }

    private static SwitchboardConfigException notInstalled(StateSettings settings, TreeSet<String> installed) {
        return new SwitchboardConfigException(List.of(KEY + " = " + settings.backend() + ": no such backend is"
                + " installed (installed: " + String.join(", ", installed) + "); put switchboard-state-"
                + settings.backend() + " on the class path, or set " + KEY + " = memory"));
    }

    /**
     * The usage log {@code switchboard.usage-log.jdbc-url} names, else the one the configured backend keeps, opened
     * without opening the state store (so that it can be read beside a gateway that uses the store); empty when there
     * is none.
     *
     * @throws SwitchboardConfigException when the backend is not installed
     */
    static Optional<UsageLog> usageLog(StateSettings configured, Clock clock, ClassLoader loader) {
        if (configured.usageLogJdbcUrl().isPresent()) {
            return Optional.of(openUsageLog(configured.usageLogJdbcUrl().get(), configured.usageLogPassword(), clock,
                    loader));
        }
        if (configured.backend().equals("memory")) {
            return Optional.empty();
        }
        StateSettings settings = new StateSettings(configured.backend(), configured.dataDir(), configured.redisUri(),
                configured.redisKeyPrefix(), configured.onFailure(), configured.usageLogJdbcUrl(),
                configured.usageLogPassword(), clock);
        TreeSet<String> installed = new TreeSet<>(List.of("memory"));
        for (StateBackend backend : ServiceLoader.load(StateBackend.class, loader)) {
            installed.add(backend.name());
            if (backend.name().equals(settings.backend())) {
                return backend.usageLog(settings);
            }
        }
        throw notInstalled(settings, installed);
    }
}
