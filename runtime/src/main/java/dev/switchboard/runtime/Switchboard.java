package dev.switchboard.runtime;

import dev.switchboard.runtime.config.ConfigFields;
import dev.switchboard.runtime.config.ConfigProblems;
import dev.switchboard.runtime.config.ConfigSecrets;
import dev.switchboard.runtime.config.MaskedConfigRenderer;
import dev.switchboard.runtime.config.ProviderConfig;
import dev.switchboard.runtime.config.RouteConfig;
import dev.switchboard.runtime.config.SwitchboardConfig;
import dev.switchboard.runtime.config.SwitchboardConfigLoader;
import dev.switchboard.runtime.config.SwitchboardConfigReader;
import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.PriceTable;
import dev.switchboard.runtime.metering.RateLimiter;
import dev.switchboard.runtime.plugins.DiscoverySource;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.plugins.PluginContextProvider;
import dev.switchboard.runtime.plugins.PluginFolders;
import dev.switchboard.runtime.plugins.ProviderDiscovery;
import dev.switchboard.runtime.plugins.ProviderRegistry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.internal.ConfigOptions;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.SecretRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import dev.switchboard.runtime.routing.TargetGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entry point: reads the configuration ({@code switchboard.conf} over every {@code reference.conf}), checks it
 * whole, creates its providers over one shared HTTP pool and wires its routes.
 *
 * <pre>{@code
 * try (Switchboard sb = Switchboard.load()) {
 *     ChatResponse r = sb.defaultRoute().chat(ChatRequest.of("Hello!"));
 * }
 * }</pre>
 *
 * Immutable once built and thread-safe. {@link #close()} closes the providers and routes it created, then the HTTP
 * pool.
 */
public final class Switchboard implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Switchboard.class.getName());

    private final ProviderRegistry registry;
    private final SwitchboardConfig config;
    private final Map<String, String> env;
    private final HttpTransport transport;
    private final Map<String, LlmProvider> providers;
    private final Map<String, ProviderManager> routes;
    private final Map<String, ProviderManager> providerRoutes;
    private final Map<String, String> missingKeys;
    private final UsageLedger ledger;
    private final PriceTable prices;
    private final Clock clock;
    private final SecretRegistry secrets;
    private final InboundContext inboundContext;
    private final StateStore state;
    private final boolean ownsState;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Switchboard(ProviderRegistry registry, SwitchboardConfig config, Map<String, String> env,
                        HttpTransport transport, Map<String, LlmProvider> providers,
                        Map<String, ProviderManager> routes, Map<String, ProviderManager> providerRoutes,
                        UsageLedger ledger, PriceTable prices, Clock clock, SecretRegistry secrets, StateStore state,
                        boolean ownsState, InboundContext inboundContext) {
        this.registry = registry;
        this.inboundContext = inboundContext;
        this.state = state;
        this.ownsState = ownsState;
        this.secrets = secrets;
        this.ledger = ledger;
        this.prices = prices;
        this.clock = clock;
        this.config = config;
        this.env = env;
        this.transport = transport;
        this.providers = Collections.unmodifiableMap(new TreeMap<>(providers));
        this.routes = Collections.unmodifiableMap(new TreeMap<>(routes));
        this.providerRoutes = Collections.unmodifiableMap(new TreeMap<>(providerRoutes));
        Map<String, String> missing = new TreeMap<>();
        for (ProviderConfig p : config.providers().values()) {
            if (p.keyMissing()) {
                missing.put(p.name(), p.settings().apiKeyHint());
            }
        }
        this.missingKeys = Collections.unmodifiableMap(missing);
    }

    /**
     * Loads the file {@code SWITCHBOARD_CONFIG} names, else {@code switchboard.conf} in the working directory when
     * there is one, else only the defaults of the installed jars.
     *
     * @throws SwitchboardConfigException listing every problem of the configuration
     * @throws ProviderDiscoveryException when a provider type is installed twice
     */
    public static Switchboard load() {
        Map<String, String> env = System.getenv();
        Builder b = builder().env(env);
        SwitchboardConfigLoader.locate(env, Path.of("").toAbsolutePath()).ifPresent(b::config);
        return b.build();
    }

    /** Loads {@code file} (which must exist) over the defaults of the installed jars. */
    public static Switchboard load(Path file) {
        return builder().config(file).build();
    }

    /**
     * Checks {@code file} without creating anything: the problems, each one line, or an empty list when it is
     * valid. A factory's own checks run only when it creates its provider, so {@link #load(Path)} can still find
     * problems of that kind.
     */
    public static List<String> check(Path file) {
        return builder().config(file).check();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configured provider {@code name}, metered: its calls are held to its {@code limits}, priced (the answer
     * carries its {@link dev.switchboard.api.Cost}) and recorded in the {@link #ledger()}, like the calls routes make
     * to it. It is a {@link MeteredProvider}; {@link MeteredProvider#delegate()} is the provider its factory made
     * (for a type from a plugin folder, wrapped so that calls run with the plugin's context class loader).
     *
     * @throws IllegalArgumentException when there is none, listing those there are
     */
    public LlmProvider provider(String name) {
        Objects.requireNonNull(name, "name");
        requireOpen();
        LlmProvider p = providers.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no provider '" + name + "'; " + (providers.isEmpty()
                    ? "none are configured: add a block switchboard.providers." + name + " { ... }"
                    : "configured providers: " + String.join(", ", providers.keySet())));
        }
        return p;
    }

    /**
     * The configured route {@code name}: a {@link ProviderManager} over its targets.
     *
     * @throws IllegalArgumentException when there is none, saying how to define it
     */
    public ProviderManager route(String name) {
        Objects.requireNonNull(name, "name");
        requireOpen();
        ProviderManager r = routes.get(name);
        if (r != null) {
            return r;
        }
        String define = "define switchboard.routes." + name + " { targets = [ "
                + (providers.isEmpty() ? "\"<provider>\"" : "\"" + providers.keySet().iterator().next() + "\"")
                + " ] }";
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no route '" + name + "': no routes are configured; " + define
                    + (providers.isEmpty() ? " after adding a provider under switchboard.providers" : ""));
        }
        throw new IllegalArgumentException("no route '" + name + "'; configured routes: "
                + String.join(", ", routes.keySet()) + "; to add it, " + define);
    }

    /**
     * A route with the configured provider {@code name} as its only target, with the retry, cooldown and
     * stream-failover settings of {@code switchboard.route-defaults}: how to call one provider directly and still
     * get retries, cooldowns and an attempt trail (e.g. the gateway, for a request naming a provider). A request's
     * model goes to the provider as asked; one without a model gets the provider's default. The route is named after
     * the provider; one instance per provider, so its cooldown is shared by every caller.
     *
     * @throws IllegalArgumentException when there is no such provider, listing those there are
     */
    public ProviderManager providerRoute(String name) {
        provider(name); // checks open and explains a missing name
        return providerRoutes.get(name);
    }

    /**
     * The chat model the configured provider {@code name} uses when a request names none, if its settings give one
     * (e.g. to list what a gateway can serve without asking every provider).
     *
     * @throws IllegalArgumentException when there is no such provider, listing those there are
     */
    public Optional<String> defaultModel(String name) {
        provider(name);
        ProviderConfig p = config.providers().get(name);
        return p == null ? Optional.empty() : p.settings().model();
    }

    /**
     * The resolved configuration, defaults included, limited to the {@code switchboard} subtree: for modules that
     * read their own block (e.g. {@code switchboard.gateway}). It holds secrets as written (API keys); never print
     * it, use {@link #renderConfig} for that.
     */
    public Config config() {
        return config.resolved().withOnlyPath(SwitchboardConfigLoader.ROOT);
    }

    /**
     * The response cache settings of route {@code name} ({@code routes.<name>.cache} over {@code switchboard.cache});
     * empty when the route does not cache or there is no such route. The gateway keeps the cache.
     */
    public Optional<RouteConfig.CacheSettings> routeCache(String name) {
        RouteConfig r = config.routes().get(name);
        return r == null ? Optional.empty() : r.cache();
    }

    /** The route {@code switchboard.default-route} names. */
    public ProviderManager defaultRoute() {
        return route(config.defaultRoute());
    }

    /** The name {@code switchboard.default-route} gives. */
    public String defaultRouteName() {
        return config.defaultRoute();
    }

    /** The configured provider names, ordered. */
    public Set<String> providerNames() {
        return providers.keySet();
    }

    /** The configured route names, ordered. */
    public Set<String> routeNames() {
        return routes.keySet();
    }

    /**
     * Requests, tokens and cost of every call answered through this Switchboard (routes and direct provider calls
     * alike), per provider, model, route and caller key, since it was built.
     */
    public UsageLedger ledger() {
        return ledger;
    }

    /**
     * Where this Switchboard's budgets, rate limits, cooldowns and usage totals live ({@code switchboard.state}); for
     * modules built on the runtime that keep state of their own (the gateway's keys).
     */
    public StateStore state() {
        return state;
    }

    /** The prices of {@code switchboard.pricing}: the providers' shipped tables with the configured entries over them. */
    public PriceTable pricing() {
        return prices;
    }

    /**
     * The secrets of this configuration (provider keys, credential headers, gateway keys, the values of what the
     * provider types call sensitive) and those its providers registered since: mask any text that leaves the process
     * with it. {@link SecretRegistry#global()} unless the builder was given another.
     */
    public SecretRegistry secrets() {
        return secrets;
    }

    /**
     * What a server in front of this Switchboard enters around the route calls it makes for a request, so the
     * caller's context (its trace) reaches whatever observes them; {@link InboundContext#NONE} unless the builder was
     * given one.
     */
    public InboundContext inboundContext() {
        return inboundContext;
    }

    /** The clock the providers, routes, limiters and budgets use. */
    public Clock clock() {
        return clock;
    }

    /** The rate limiter of the configured provider {@code name}, shared by every route that uses it. */
    public RateLimiter rateLimiter(String name) {
        return ((MeteredProvider) provider(name)).limiter();
    }

    /** The installed provider types, ordered by name. */
    public List<DiscoveredType> types() {
        return registry.types();
    }

    /** The plugins that were found but could not be loaded. */
    public List<DiscoveryProblem> discoveryProblems() {
        return registry.problems();
    }

    /**
     * The providers whose type expects an API key ({@code api-key-env} is set) but which have none: the provider
     * name and where to set the key. Such providers exist, and fail each request with an authentication error.
     */
    public Map<String, String> missingKeys() {
        return missingKeys;
    }

    /** The configured providers, ordered by name, as a listing shows them (without their keys). */
    public List<ProviderDescription> describeProviders() {
        List<ProviderDescription> all = new ArrayList<>();
        for (ProviderConfig p : config.providers().values()) {
            ProviderSettings s = p.settings();
            Optional<String> root = s.baseUrl().or(() -> s.options().string("endpoint"));
            boolean keySet = s.apiKey().isPresent();
            all.add(new ProviderDescription(p.name(), p.type().type(), root,
                    keySet || s.apiKeyEnv().isPresent(), keySet, s.apiKeyHint()));
        }
        return List.copyOf(all);
    }

    /** The resolved {@code switchboard} configuration, defaults included, with every secret shown as {@code ****}. */
    public String renderConfig(ConfigFormat format) {
        Objects.requireNonNull(format, "format");
        return new MaskedConfigRenderer(registry.sensitiveKeys(), env, secrets).render(config.resolved(), format);
    }

    /** Connections of the shared HTTP pool leased now: 0 when no call is in flight (for leak checks and metrics). */
    public int leasedConnections() {
        return transport.leasedConnections();
    }

    /**
     * The HTTP transport every provider of this instance shares: a server in front of it may lend it connections on
     * its own I/O threads ({@link HttpTransport#lend}).
     */
    public HttpTransport transport() {
        return transport;
    }

    /** Closes every route and provider this instance created, then the shared HTTP pool. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> all = new ArrayList<>(routes.values());
        all.addAll(providerRoutes.values());
        all.addAll(providers.values());
        all.add(transport);
        if (ownsState) {
            all.add(state); // last: closing the routes and providers may still settle calls
        }
        RuntimeException failure = closeAll(all);
        if (failure != null) {
            throw failure;
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Switchboard is closed");
        }
    }

    /** Closes each in order, carrying on past failures; returns the first (with the others suppressed), or null. */
    private static RuntimeException closeAll(List<? extends AutoCloseable> resources) {
        RuntimeException failure = null;
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException("closing failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    /**
     * Builds a {@link Switchboard} from explicit inputs, for tests and embedding. By default: no user config (only
     * the installed defaults), the process environment, the UTC system clock, and the context class loader. Not
     * thread-safe.
     */
    public static final class Builder {

        private SwitchboardConfigLoader.Input input = new SwitchboardConfigLoader.NoInput();
        private Map<String, String> env = System.getenv();
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private ClassLoader classLoader;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Path pluginsDirectory;
        private List<DiscoverySource> sources;
        // The outcome of discovery over sources, one of the two, once found.
        private ProviderRegistry registry;
        private ProviderDiscoveryException discoveryFailure;
        private final List<java.util.function.Consumer<ConfigFields>> sections = new ArrayList<>();
        private boolean requireRoute;
        private SecretRegistry secrets = SecretRegistry.global();
        private TargetDecorator targetDecorator = TargetDecorator.NONE;
        private InboundContext inboundContext = InboundContext.NONE;
        private StateStore state;
        private boolean stateSnapshot;

        private Builder() {}

        /**
         * Wraps what each route calls for each of its targets (see {@link TargetDecorator}); {@link
         * TargetDecorator#NONE} by default. {@link Switchboard#provider(String)} still gives the provider unwrapped.
         */
        public Builder targetDecorator(TargetDecorator decorator) {
            this.targetDecorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /**
         * What a server in front of the Switchboard (the gateway) enters around the route calls it makes for a
         * request (see {@link InboundContext}); {@link InboundContext#NONE} by default.
         */
        public Builder inboundContext(InboundContext context) {
            this.inboundContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Where budgets, rate limits, cooldowns and usage totals live, in place of the store
         * {@code switchboard.state} names; e.g. one store shared by several Switchboards in a test. The Switchboard
         * does not close it.
         */
        public Builder state(StateStore state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /**
         * Reads the configured state backend as a snapshot instead of opening it (see {@link
         * dev.switchboard.runtime.state.StateBackend#openSnapshot}): for a short-lived command beside a running
         * instance, which must see its budgets and cooldowns without taking a data dir that instance holds.
         */
        public Builder stateSnapshot() {
            this.stateSnapshot = true;
            return this;
        }

        /**
         * Where the configuration's secrets are registered, for masking; {@link SecretRegistry#global()} by default
         * (which the gateway's error replies and the masked logs use). Tests and independent embedded setups may pass
         * their own.
         */
        public Builder secrets(SecretRegistry secrets) {
            this.secrets = Objects.requireNonNull(secrets, "secrets");
            return this;
        }

        /** The user's config file, which must exist. */
        public Builder config(Path file) {
            this.input = new SwitchboardConfigLoader.FileInput(file);
            return this;
        }

        /** An already parsed user config (resolved or not). */
        public Builder config(Config config) {
            this.input = new SwitchboardConfigLoader.ParsedInput(config);
            return this;
        }

        /** The user's config as HOCON text. */
        public Builder config(String hocon) {
            this.input = new SwitchboardConfigLoader.TextInput(hocon);
            return this;
        }

        /** The environment variables {@code ${?VAR}} and {@code api-key-env} read; the process's by default. */
        public Builder env(Map<String, String> env) {
            this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
            return this;
        }

        /**
         * The routes' source of uniform values in [0, 1] (backoff jitter, target groups' picks); thread-safe.
         * {@link ThreadLocalRandom} unless set; tests pass a seeded or scripted one.
         */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The clock providers and routes use. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where provider jars and {@code reference.conf} files are looked up. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            forgetSources();
            return this;
        }

        /**
         * A directory of provider plugins: each sub-folder {@code <name>/} (its jars) and each jar directly in it is
         * loaded by its own isolated class loader, beside what the class path provides.
         */
        public Builder pluginsDirectory(Path directory) {
            this.pluginsDirectory = Objects.requireNonNull(directory, "directory");
            forgetSources();
            return this;
        }

        /**
         * A check of a block that a module built on the runtime reads itself (the gateway's {@code
         * switchboard.gateway}): {@code reader} gets the {@code switchboard} block and records what is wrong in its
         * problems, so {@link #check()} and {@link #build()} report those with the runtime's own, all at once.
         */
        public Builder section(java.util.function.Consumer<ConfigFields> reader) {
            sections.add(Objects.requireNonNull(reader, "reader"));
            return this;
        }

        /**
         * Makes a configuration without any route (an empty file, say) a problem, with a hint of what to write: for
         * programs that serve routes, such as the gateway. Without it such a configuration builds, and asking for a
         * route explains that none is configured.
         */
        public Builder requireRoute() {
            this.requireRoute = true;
            return this;
        }

        /** How routes wait between retries; tests pass one that does not really sleep. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Checks the configuration without creating providers or the HTTP pool.
         *
         * @return every problem, one line each, ordered by file and line; empty when the configuration is valid
         */
        public List<String> check() {
            ProviderRegistry registry;
            try {
                registry = registry();
            } catch (ProviderDiscoveryException e) {
                return e.problems();
            }
            ConfigProblems problems = new ConfigProblems();
            read(registry, problems);
            return problems.lines();
        }

        /**
         * The resolved {@code switchboard} configuration with secrets masked, even when it does not pass
         * {@link #check()}.
         *
         * @throws SwitchboardConfigException when the file cannot be read or parsed
         * @throws ProviderDiscoveryException when a provider type is installed twice
         */
        public String render(ConfigFormat format) {
            Objects.requireNonNull(format, "format");
            ProviderRegistry registry = registry();
            ConfigProblems problems = new ConfigProblems();
            SwitchboardConfigLoader.Loaded loaded = SwitchboardConfigLoader.load(input, sources(), env, problems)
                    .orElseThrow(() -> new SwitchboardConfigException(problems.lines()));
            return new MaskedConfigRenderer(registry.sensitiveKeys(), env, secrets).render(loaded.resolved(), format);
        }

        /**
         * Checks the configuration, then creates its providers and routes.
         *
         * @throws SwitchboardConfigException listing every problem found, nothing having been created
         * @throws ProviderDiscoveryException when a provider type is installed twice
         */
        /**
         * The usage log the configured state backend keeps ({@code embedded}: its {@code usage_log}), opened read-only
         * without opening the state store, so that it can be read while a gateway uses the store
         * ({@code switchboard usage}), or the one {@code switchboard.usage-log.jdbc-url} names; empty when there is none
         * ({@code memory} or {@code redis} without it).
         *
         * @throws SwitchboardConfigException as {@link #build()} does
         */
        public Optional<dev.switchboard.runtime.state.UsageLog> usageLog() {
            ProviderRegistry registry = registry();
            ConfigProblems problems = new ConfigProblems();
            Optional<SwitchboardConfig> config = read(registry, problems);
            if (config.isEmpty()) {
                throw new SwitchboardConfigException(problems.lines());
            }
            return StateStores.usageLog(config.get().state(), clock, loader());
        }

        public Switchboard build() {
            ProviderRegistry registry = registry();
            ConfigProblems problems = new ConfigProblems();
            Optional<SwitchboardConfig> config = read(registry, problems);
            if (config.isEmpty()) {
                throw new SwitchboardConfigException(problems.lines());
            }
            return create(registry, config.get());
        }

        private Optional<SwitchboardConfig> read(ProviderRegistry registry, ConfigProblems problems) {
            return SwitchboardConfigLoader.load(input, sources(), env, problems)
                    .flatMap(loaded -> {
                        registerSecrets(registry, loaded, problems);
                        return new SwitchboardConfigReader(loaded, registry, env, problems, sections)
                                .requireRoute(requireRoute).read();
                    });
        }

        /**
         * The types of {@link #sources()}, discovered once per builder: {@code check()} then {@code build()} (as
         * {@code config check} does) must not load every plugin, and warn about each broken one, twice.
         */
        private ProviderRegistry registry() {
            if (registry == null && discoveryFailure == null) {
                try {
                    registry = ProviderDiscovery.discover(sources());
                } catch (ProviderDiscoveryException e) {
                    discoveryFailure = e;
                }
            }
            if (discoveryFailure != null) {
                throw discoveryFailure;
            }
            return registry;
        }

        private void forgetSources() {
            sources = null;
            registry = null;
            discoveryFailure = null;
        }

        /**
         * Registers every secret of the configuration before anything reads it, so no message about it (a problem,
         * a log line) can show one; checks {@code switchboard.sensitive-headers} on the way.
         */
        private void registerSecrets(ProviderRegistry registry, SwitchboardConfigLoader.Loaded loaded,
                                     ConfigProblems problems) {
            com.typesafe.config.ConfigValue root = loaded.resolved().root().get(SwitchboardConfigLoader.ROOT);
            if (root == null) {
                return;
            }
            new ConfigSecrets(registry.sensitiveKeys(), env, root).registerAll(root, secrets);
            Config resolved = loaded.resolved();
            String path = ConfigFields.join(SwitchboardConfigLoader.ROOT, ConfigSecrets.SENSITIVE_HEADERS);
            if (resolved.hasPath(path)) {
                com.typesafe.config.ConfigValue v = resolved.getValue(path);
                boolean strings = v instanceof com.typesafe.config.ConfigList l
                        && l.stream().allMatch(e -> e.valueType() == ConfigValueType.STRING && !((String) e.unwrapped()).isBlank());
                if (!strings) {
                    problems.add(v.origin(), path, "must be a list of header names, e.g. [ \"X-Tenant-Token\" ]");
                }
            }
        }

        /** The class path, then each plugin, scanned once per builder. */
        private List<DiscoverySource> sources() {
            if (sources == null) {
                List<DiscoverySource> all = new ArrayList<>();
                all.add(DiscoverySource.classpath(loader()));
                if (pluginsDirectory != null) {
                    all.addAll(PluginFolders.scan(pluginsDirectory, Switchboard.class.getClassLoader()));
                }
                sources = List.copyOf(all);
            }
            return sources;
        }

        private ClassLoader loader() {
            if (classLoader != null) {
                return classLoader;
            }
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : Switchboard.class.getClassLoader();
        }

        private Switchboard create(ProviderRegistry registry, SwitchboardConfig config) {
            boolean ownsState = state == null;
            StateStore store = ownsState ? StateStores.open(config.state(), clock, loader(), stateSnapshot) : state;
            HttpTransport transport;
            try {
                transport = HttpTransport.create(config.maxConnections(), config.maxConnectionsPerRoute());
            } catch (RuntimeException | Error e) {
                if (ownsState) {
                    store.close();
                }
                throw e;
            }
            Map<String, LlmProvider> providers = new LinkedHashMap<>();
            try {
                ProviderContext context = new ProviderContext(transport, clock, secrets);
                ConfigProblems problems = new ConfigProblems();
                UsageLedger ledger = new UsageLedger(store);
                PriceTable prices = config.priceTable();
                for (ProviderConfig p : config.providers().values()) {
                    create(p, context, problems).ifPresent(provider -> providers.put(p.name(),
                            metered(provider, p, prices, ledger, store)));
                }
                if (!problems.isEmpty()) {
                    throw new SwitchboardConfigException(problems.lines());
                }
                Map<String, ProviderManager> routes = new LinkedHashMap<>();
                for (RouteConfig r : config.routes().values()) {
                    routes.put(r.name(), route(r, providers, ledger, store));
                }
                Map<String, ProviderManager> providerRoutes = new LinkedHashMap<>();
                for (LlmProvider p : providers.values()) {
                    providerRoutes.put(p.name(), providerRoute(p, config.routeDefaults(), store));
                }
                Switchboard sb = new Switchboard(registry, config, env, transport, providers, routes, providerRoutes,
                        ledger, prices, clock, secrets, store, ownsState, inboundContext);
                sb.missingKeys.forEach((name, hint) -> LOG.log(System.Logger.Level.INFO,
                        "provider {0} has no API key; {1}", name, hint));
                return sb;
            } catch (RuntimeException | Error e) {
                List<AutoCloseable> created = new ArrayList<>(providers.values());
                created.add(transport);
                if (ownsState) {
                    created.add(store);
                }
                RuntimeException closing = closeAll(created);
                if (closing != null) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }

        /** One provider; a factory refusing its settings is a config problem at the provider's block. */
        private static Optional<LlmProvider> create(ProviderConfig p, ProviderContext context, ConfigProblems problems) {
            SecretRegistry secrets = context.secrets();
            String path = ConfigFields.join("switchboard", "providers", p.name());
            try {
                LlmProvider provider = PluginContextProvider.create(p.type().factory(), p.settings(), context);
                if (provider == null) {
                    problems.add(p.origin(), path, "provider type " + p.type().type() + " (" + p.type().source()
                            + ") created nothing; report this to the plugin's authors");
                    return Optional.empty();
                }
                LOG.log(System.Logger.Level.DEBUG, "created provider {0} of type {1}", p.name(), p.type().type());
                return Optional.of(provider);
            } catch (ConfigOptions.SettingException e) {
                problems.add(e.origin() == null ? p.origin() : e.origin(), e.path(), secrets.mask(e.problem()));
            } catch (IllegalArgumentException e) {
                problems.add(p.origin(), path, secrets.mask(String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                problems.add(p.origin(), path, "provider type " + p.type().type() + " (" + p.type().source()
                        + ") failed to create it: " + e.getClass().getName() + ": " + secrets.mask(String.valueOf(e.getMessage())));
            } catch (NoClassDefFoundError e) {
                // Typically a plugin compiled against a library the host uses (it came with switchboard-api) but did
                // not bundle it: plugins see only the contract and Jackson from the host.
                String missing = String.valueOf(e.getMessage()).replace('/', '.');
                problems.add(p.origin(), path, "provider type " + p.type().type() + " (" + p.type().source()
                        + ") could not load class " + missing + "; bundle the library that has it with the plugin"
                        + " (the host shares only the contract's packages and Jackson)");
            }
            return Optional.empty();
        }

        /** The provider with its limiter, prices and ledger around it. */
        private MeteredProvider metered(LlmProvider provider, ProviderConfig p, PriceTable prices, UsageLedger ledger,
                                        StateStore store) {
            return MeteredProvider.builder(provider)
                    .defaultModel(p.settings().model().orElse(null))
                    .defaultEmbeddingModel(p.settings().embeddingModel().orElse(null))
                    .prices(prices)
                    .limiter(new RateLimiter(p.name(), p.limits(), clock, store, "provider:" + p.name()))
                    .ledger(ledger)
                    .clock(clock)
                    .sleeper(sleeper)
                    .build();
        }

        /**
         * Where the routes keep their targets' cooldowns in the state store: {@code target:<provider>[/<model>]}, one
         * per provider and model for every route (and for calls naming a provider directly). A provider and model that
         * keeps failing fails for every route that uses it, so a cooldown one route opened spares the others the
         * same failures; each route still applies its own {@code failure-threshold} and {@code duration} to the
         * shared count when one of its calls fails.
         */
        private static final String COOLDOWNS = "target";

        private ProviderManager route(RouteConfig r, Map<String, LlmProvider> providers, UsageLedger ledger,
                                      StateStore store) {
            ProviderManager.Builder b = ProviderManager.builder();
            for (RouteConfig.Element e : r.targets()) {
                if (e instanceof RouteConfig.Target t) {
                    b.fallback(target(r.name(), providers.get(t.provider())), t.model());
                } else if (e instanceof RouteConfig.Group g) {
                    List<TargetGroup.Member> members = new ArrayList<>(g.members().size());
                    for (RouteConfig.Member m : g.members()) {
                        members.add(new TargetGroup.Member(new ProviderManager.Target(
                                target(r.name(), providers.get(m.target().provider())), m.target().model()), m.weight()));
                    }
                    b.group(g.strategy(), members);
                }
            }
            r.budget().ifPresent(limit -> {
                Budget budget = new Budget("route " + r.name(), limit, clock, store, "route:" + r.name());
                ledger.track(UsageLedger.Dimension.ROUTE, r.name(), budget);
                b.budget(budget);
            });
            return b.name(r.name()).state(store, COOLDOWNS).retry(r.retry()).cooldown(r.cooldown()).streamFailover(r.streamFailover())
                    .resumePrefixChars(r.resumePrefixChars()).clock(clock).sleeper(sleeper).random(random).build();
        }

        private LlmProvider target(String route, LlmProvider provider) {
            return Objects.requireNonNull(targetDecorator.decorate(route, provider),
                    () -> "the target decorator returned null for " + provider.name() + " in route " + route);
        }

        private ProviderManager providerRoute(LlmProvider provider, RouteConfig defaults, StateStore store) {
            return ProviderManager.builder(target(provider.name(), provider)).name(provider.name())
                    .state(store, COOLDOWNS).retry(defaults.retry())
                    .cooldown(defaults.cooldown()).streamFailover(defaults.streamFailover())
                    .resumePrefixChars(defaults.resumePrefixChars()).clock(clock).sleeper(sleeper).random(random).build();
        }
    }
}
