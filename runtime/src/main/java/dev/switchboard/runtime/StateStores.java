package dev.switchboard.runtime;

import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateBackend;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.StateUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens the store {@code switchboard.state.backend} names: memory here, the others found with ServiceLoader. */
final class StateStores {

    private static final System.Logger LOG = System.getLogger(StateStores.class.getName());
    private static final String KEY = "switchboard.state.backend";

    private StateStores() {}

    /**
     * @throws SwitchboardConfigException one line naming the key, when the backend is not installed or cannot open
     */
    static StateStore open(StateSettings configured, Clock clock, ClassLoader loader) {
        StateSettings settings = new StateSettings(configured.backend(), configured.dataDir(), configured.redisUri(),
                configured.redisKeyPrefix(), configured.onFailure(), configured.usageLogJdbcUrl(), clock);
        if (settings.backend().equals("memory")) {
            return new MemoryStateStore();
        }
        TreeSet<String> installed = new TreeSet<>(List.of("memory"));
        for (StateBackend backend : ServiceLoader.load(StateBackend.class, loader)) {
            installed.add(backend.name());
            if (backend.name().equals(settings.backend())) {
                try {
                    StateStore store = backend.open(settings);
                    LOG.log(System.Logger.Level.INFO, "state backend {0} opened", settings.backend());
                    return store;
                } catch (IllegalArgumentException | StateUnavailableException e) {
                    throw new SwitchboardConfigException(List.of(KEY + " = " + settings.backend() + ": "
                            + e.getMessage()));
                }
            }
        }
        throw new SwitchboardConfigException(List.of(KEY + " = " + settings.backend() + ": no such backend is"
                + " installed (installed: " + String.join(", ", installed) + "); put switchboard-state-"
                + settings.backend() + " on the class path, or set " + KEY + " = memory"));
    }
}
