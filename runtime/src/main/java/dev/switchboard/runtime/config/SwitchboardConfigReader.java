package dev.switchboard.runtime.config;

import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.metering.Price;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.runtime.plugins.ProviderRegistry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.http.HttpTransport;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a loaded configuration against the installed provider types and reads it into a
 * {@link SwitchboardConfig}, recording every problem rather than stopping at the first. Creates nothing.
 */
public final class SwitchboardConfigReader {

    private static final String ROOT = SwitchboardConfigLoader.ROOT;

    private final SwitchboardConfigLoader.Loaded loaded;
    private final ProviderRegistry registry;
    private final Map<String, String> env;
    private final ConfigProblems problems;
    private final java.util.List<java.util.function.Consumer<ConfigFields>> sections;
    private boolean requireRoute;

    /** {@code sections}: the checks of blocks other modules read (see {@link Switchboard.Builder#section}). */
    public SwitchboardConfigReader(SwitchboardConfigLoader.Loaded loaded, ProviderRegistry registry, Map<String, String> env,
                            ConfigProblems problems, java.util.List<java.util.function.Consumer<ConfigFields>> sections) {
        this.loaded = loaded;
        this.registry = registry;
        this.env = env;
        this.problems = problems;
        this.sections = java.util.List.copyOf(sections);
    }

    /** Makes a configuration without any route a problem (see {@link Switchboard.Builder#requireRoute()}). */
    public SwitchboardConfigReader requireRoute(boolean required) {
        this.requireRoute = required;
        return this;
    }

    /** The configuration, or empty when it has problems (then recorded). */
    public Optional<SwitchboardConfig> read() {
        Config resolved = loaded.resolved();
        ConfigValue rootValue = resolved.root().get(ROOT);
        if (rootValue == null) {
            // Neither the user nor a visible reference.conf says anything: every setting has a coded default.
            rootValue = ConfigFactory.empty().root();
        }
        if (ConfigFields.isUnresolved(rootValue)) {
            return Optional.empty(); // reported by the loader
        }
        if (rootValue.valueType() != ConfigValueType.OBJECT) {
            problems.add(rootValue.origin(), ROOT, "must be a block { ... }, not " + ConfigFields.kind(rootValue));
            return Optional.empty();
        }
        ConfigObject rootObject = (ConfigObject) rootValue;
        ConfigFields root = new ConfigFields(rootObject.toConfig(), ROOT, rootObject.origin(), problems);
        checkKnownKeys(rootObject);

        ProviderConfigReader providerReader = new ProviderConfigReader(root, registry, env, loaded.reference());
        Map<String, ProviderConfig> providers = providerReader.read();
        providerReader.checkDefaults();
        RouteConfigReader routeReader = new RouteConfigReader(root, ProviderConfigReader.names(root));
        Map<String, RouteConfig> routes = routeReader.read();
        RouteConfig routeDefaults = routeReader.defaults();
        String defaultRoute = root.nonBlankString("default-route").orElse("default");
        if (requireRoute && RouteConfigReader.names(root).isEmpty()) {
            noRoute(ProviderConfigReader.names(root), defaultRoute);
        }
        Set<String> routeNames = RouteConfigReader.names(root);
        if (!routeNames.isEmpty() && !routeNames.contains(defaultRoute)) {
            problems.add(root.value("default-route").map(ConfigValue::origin).orElse(root.origin()),
                    root.path("default-route"), "names no configured route '" + defaultRoute + "'; configured routes: "
                            + String.join(", ", routeNames));
        }
        int maxConnections = HttpTransport.DEFAULT_MAX_CONNECTIONS;
        int maxPerRoute = HttpTransport.DEFAULT_MAX_CONNECTIONS_PER_ROUTE;
        Optional<ConfigFields> http = root.block("http");
        if (http.isPresent()) {
            http.get().onlyKnownKeys(KnownKeys.HTTP, null);
            maxConnections = http.get().integer("max-connections", 1).orElse(maxConnections);
            maxPerRoute = http.get().integer("max-connections-per-route", 1).orElse(maxPerRoute);
        }
        Map<String, Price> prices = new PricingConfigReader(root).read();
        StateSettings state = StateConfigReader.read(root);
        sections.forEach(section -> section.accept(root));
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SwitchboardConfig(resolved, providers, routes, routeDefaults, defaultRoute, maxConnections,
                maxPerRoute, prices, state));
    }

    /** No route: say so where the user's file says (or does not say) something, with what to write. */
    private void noRoute(Set<String> providerNames, String defaultRoute) {
        Config user = loaded.user();
        com.typesafe.config.ConfigOrigin at = user.origin();
        ConfigValue written = user.root().get(ROOT);
        if (written instanceof ConfigObject o) {
            at = o.get("routes") != null ? o.get("routes").origin() : o.origin();
        }
        String example = providerNames.isEmpty()
                ? "add a provider and a route, e.g. switchboard { providers.openai {}, routes.default.targets = [ openai ] }"
                : "add one over your providers, e.g. routes." + ConfigFields.join(defaultRoute) + ".targets = [ "
                        + providerNames.iterator().next() + " ]";
        problems.add(at, ROOT + ".routes", (user.isEmpty() ? "the configuration is empty: " : "")
                + "no route is configured, so nothing can be served; " + example);
    }

    /** A key under {@code switchboard} that no reference.conf declares is a typo (or a missing module). */
    private void checkKnownKeys(ConfigObject root) {
        ConfigValue reference = loaded.reference().root().get(ROOT);
        if (!(reference instanceof ConfigObject)) {
            return;
        }
        Set<String> known = new TreeSet<>(((ConfigObject) reference).keySet());
        known.addAll(KnownKeys.ROOT_EXTRA);
        for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
            if (!known.contains(e.getKey())) {
                problems.add(e.getValue().origin(), ConfigFields.join(ROOT, e.getKey()),
                        ConfigFields.unknownKey(e.getKey(), known));
            }
        }
    }
}
