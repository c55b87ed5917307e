package dev.switchboard.runtime.config;

import dev.switchboard.runtime.CooldownPolicy;
import dev.switchboard.runtime.RetryPolicy;
import dev.switchboard.runtime.StreamFailover;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.routing.ResumePrefix;
import dev.switchboard.runtime.routing.RouteStrategy;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and checks {@code switchboard.routes}: each route's targets against the configured providers, and its
 * retry and cooldown settings over {@code switchboard.route-defaults}.
 */
final class RouteConfigReader {

    private static final String EXAMPLE = "e.g. targets = [ \"openai\", \"groq/llama-3.1-8b-instant\" ]";

    private final ConfigFields root;
    private final Set<String> providers;
    private final ConfigProblems problems;
    /** {@code switchboard.cache.backend}, read once for every route. */
    private String cacheBackend = RouteConfig.CacheSettings.MEMORY;
    /** {@code switchboard.cache.max-entry-bytes}, read once for every route. */
    private long cacheMaxEntryBytes = 1L << 20;

    /** {@code providers}: every configured provider name, valid or not. */
    RouteConfigReader(ConfigFields root, Set<String> providers) {
        this.root = root;
        this.providers = providers;
        this.problems = root.problems();
    }

    Map<String, RouteConfig> read() {
        Map<String, RouteConfig> routes = new LinkedHashMap<>();
        root.block("cache").ifPresent(c -> c.onlyKnownKeys(KnownKeys.CACHE_DEFAULTS, null));
        cacheBackend = cacheBackend();
        cacheMaxEntryBytes = root.block("cache").flatMap(d -> d.bytes("max-entry-bytes", 1024)).orElse(1L << 20);
        Optional<ConfigObject> blocks = root.object("routes");
        if (blocks.isEmpty()) {
            return routes;
        }
        Config defaults = root.block("route-defaults").map(ConfigFields::config).orElse(ConfigFactory.empty());
        for (Map.Entry<String, ConfigValue> e : new TreeMap<>(blocks.get()).entrySet()) {
            read(e.getKey(), e.getValue(), defaults).ifPresent(r -> routes.put(r.name(), r));
        }
        return routes;
    }

    /** The names of every route block, valid or not. */
    static Set<String> names(ConfigFields root) {
        return root.object("routes").<Set<String>>map(o -> new TreeSet<>(o.keySet())).orElseGet(TreeSet::new);
    }

    private Optional<RouteConfig> read(String name, ConfigValue value, Config defaults) {
        String path = ConfigFields.join("switchboard", "routes", name);
        if (ConfigFields.isUnresolved(value)) {
            return Optional.empty();
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            problems.add(value.origin(), path, "must be a block { targets = [ ... ] }, not " + ConfigFields.kind(value));
            return Optional.empty();
        }
        int before = problems.count();
        ConfigObject block = (ConfigObject) value;
        // The route's own block only: a budget is one route's, never a default shared out to every route.
        ConfigFields own = new ConfigFields(block.toConfig(), path, block.origin(), problems);
        checkKnownKeys(own, KnownKeys.ROUTE);
        ConfigFields fields = new ConfigFields(block.toConfig().withFallback(defaults), path, block.origin(), problems);
        List<RouteConfig.Element> targets = targets(fields);
        RetryPolicy retry = fields.block("retry").map(this::retry).orElse(RetryPolicy.DEFAULT);
        CooldownPolicy cooldown = fields.block("cooldown").map(this::cooldown).orElse(CooldownPolicy.DEFAULT);
        StreamFailover failover = streamFailover(fields);
        int resumePrefixChars = resumePrefixChars(fields);
        Optional<BudgetLimit> budget = own.block("budget").flatMap(BudgetConfigReader::read);
        Optional<RouteConfig.CacheSettings> cache = own.block("cache").map(this::cache);
        if (problems.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new RouteConfig(name, targets, retry, cooldown, failover, resumePrefixChars, budget, cache));
    }

    /**
     * The policies of {@code switchboard.route-defaults} alone, as a route without targets: what the single-target
     * route of a provider addressed directly (e.g. by the gateway) uses.
     */
    RouteConfig defaults() {
        Optional<ConfigFields> block = root.block("route-defaults");
        if (block.isEmpty()) {
            return new RouteConfig("route-defaults", List.of(), RetryPolicy.DEFAULT, CooldownPolicy.DEFAULT,
                    StreamFailover.RESUME, ResumePrefix.DEFAULT_CHARS, Optional.empty(), Optional.empty());
        }
        ConfigFields fields = block.get();
        checkKnownKeys(fields, KnownKeys.ROUTE_DEFAULTS);
        fields.value("budget").ifPresent(v -> problems.add(v.origin(), fields.path("budget"), "a budget belongs to one"
                + " route: set switchboard.routes.<name>.budget { amount, period } on each route that needs one"));
        RetryPolicy retry = fields.block("retry").map(this::retry).orElse(RetryPolicy.DEFAULT);
        CooldownPolicy cooldown = fields.block("cooldown").map(this::cooldown).orElse(CooldownPolicy.DEFAULT);
        return new RouteConfig("route-defaults", List.of(), retry, cooldown, streamFailover(fields),
                resumePrefixChars(fields), Optional.empty(), Optional.empty());
    }

    /** {@code resume-prefix-chars}: at least 1 (a resume without the delivered text would start the answer over). */
    private static int resumePrefixChars(ConfigFields fields) {
        return fields.integer("resume-prefix-chars", 1).orElse(ResumePrefix.DEFAULT_CHARS);
    }

    /**
     * Refuses keys a route block (or route-defaults, or their retry and cooldown) does not take, in the block as
     * written: a mistake in route-defaults is reported there, once, not again under every route.
     */
    private static void checkKnownKeys(ConfigFields own, Set<String> known) {
        own.onlyKnownKeys(known, null);
        own.block("retry").ifPresent(r -> r.onlyKnownKeys(KnownKeys.RETRY, null));

        own.block("cooldown").ifPresent(c -> c.onlyKnownKeys(KnownKeys.COOLDOWN, null));
    }

    private StreamFailover streamFailover(ConfigFields fields) {
        Optional<String> text = fields.string("stream-failover");
        if (text.isEmpty()) {
            return StreamFailover.RESUME;
        }
        try {
            return StreamFailover.parse(text.get());
        } catch (IllegalArgumentException e) {
            problems.add(fields.value("stream-failover").map(ConfigValue::origin).orElse(fields.origin()),
                    fields.path("stream-failover"), e.getMessage());
            return StreamFailover.RESUME;
        }
    }

    private List<RouteConfig.Element> targets(ConfigFields fields) {
        List<RouteConfig.Element> targets = new ArrayList<>();
        Optional<ConfigList> list = fields.list("targets");
        if (list.isEmpty()) {
            if (!fields.written("targets")) {
                problems.add(fields.origin(), fields.path("targets"), "missing; list the providers to try in order, "
                        + EXAMPLE);
            }
            return targets;
        }
        if (list.get().isEmpty()) {
            problems.add(list.get().origin(), fields.path("targets"), "is empty; list at least one provider, " + EXAMPLE);
            return targets;
        }
        for (int i = 0; i < list.get().size(); i++) {
            ConfigValue element = list.get().get(i);
            if (ConfigFields.isUnresolved(element)) {
                continue;
            }
            if (element.valueType() == ConfigValueType.OBJECT) {
                group(fields.entry("targets", i, (ConfigObject) element)).ifPresent(targets::add);
                continue;
            }
            if (element.valueType() != ConfigValueType.STRING) {
                problems.add(element.origin(), fields.path("targets"), "target " + (i + 1) + " must be a string"
                        + " \"provider\" or \"provider/model\", or a group " + GROUP_EXAMPLE + ", not "
                        + ConfigFields.kind(element));
                continue;
            }
            parse(element, fields.path("targets")).ifPresent(targets::add);
        }
        return targets;
    }

    private static final String GROUP_EXAMPLE = "{ strategy = weighted, targets = [ { target = \"azure-eu\","
            + " weight = 3 }, \"azure-us\" ] }";

    private Optional<RouteConfig.Target> parse(ConfigValue element, String path) {
        try {
            return Optional.of(RouteConfig.Target.parse((String) element.unwrapped(), providers));
        } catch (IllegalArgumentException e) {
            problems.add(element.origin(), path, e.getMessage());
            return Optional.empty();
        }
    }

    /** A target group: a strategy and its members, each a target string or {@code { target, weight }}. */
    private Optional<RouteConfig.Group> group(ConfigFields group) {
        int before = problems.count();
        group.onlyKnownKeys(KnownKeys.TARGET_GROUP, "a group is " + GROUP_EXAMPLE);
        Optional<RouteStrategy> strategy = Optional.empty();
        Optional<String> name = group.string("strategy");
        if (name.isEmpty()) {
            if (!group.written("strategy")) {
                problems.add(group.origin(), group.path("strategy"), "missing; a group picks its member by strategy ="
                        + " weighted | least-busy | latency");
            }
        } else {
            try {
                strategy = Optional.of(RouteStrategy.parse(name.get()));
            } catch (IllegalArgumentException e) {
                problems.add(group.value("strategy").orElseThrow().origin(), group.path("strategy"), e.getMessage());
            }
        }
        List<RouteConfig.Member> members = new ArrayList<>();
        Optional<ConfigList> list = group.list("targets");
        if (list.isEmpty() && !group.written("targets")) {
            problems.add(group.origin(), group.path("targets"), "missing; list the group's members, e.g. targets = ["
                    + " { target = \"azure-eu\", weight = 3 }, \"azure-us\" ]");
        } else if (list.isPresent() && list.get().isEmpty()) {
            problems.add(list.get().origin(), group.path("targets"), "is empty; list at least one member");
        }
        Set<RouteConfig.Target> seen = new java.util.HashSet<>();
        for (int i = 0; list.isPresent() && i < list.get().size(); i++) {
            ConfigValue element = list.get().get(i);
            if (ConfigFields.isUnresolved(element)) {
                continue;
            }
            Optional<RouteConfig.Member> member = member(group, i, element, strategy.orElse(null));
            if (member.isPresent() && !seen.add(member.get().target())) {
                problems.add(element.origin(), group.path("targets"), "member '" + member.get().target().label()
                        + "' is listed twice; give it one entry (with a weight, for strategy = weighted)");
                continue;
            }
            member.ifPresent(members::add);
        }
        if (problems.count() > before || strategy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RouteConfig.Group(strategy.get(), members));
    }

    private Optional<RouteConfig.Member> member(ConfigFields group, int i, ConfigValue element, RouteStrategy strategy) {
        if (element.valueType() == ConfigValueType.STRING) {
            return parse(element, group.path("targets")).map(t -> new RouteConfig.Member(t, 1));
        }
        if (element.valueType() != ConfigValueType.OBJECT) {
            problems.add(element.origin(), group.path("targets"), "member " + (i + 1) + " must be a string"
                    + " \"provider\" or \"provider/model\", or { target = \"provider\", weight = 3 }, not "
                    + ConfigFields.kind(element));
            return Optional.empty();
        }
        ConfigFields entry = group.entry("targets", i, (ConfigObject) element);
        if (((ConfigObject) element).containsKey("strategy")) {
            problems.add(element.origin(), entry.path(), "groups do not nest; list the members of one group");
            return Optional.empty();
        }
        entry.onlyKnownKeys(KnownKeys.GROUP_MEMBER, null);
        Optional<RouteConfig.Target> target = Optional.empty();
        if (!entry.written("target")) {
            problems.add(element.origin(), entry.path("target"), "missing; name the provider, e.g. target = \"azure-eu\"");
        } else {
            target = entry.value("target").flatMap(v -> {
                if (v.valueType() != ConfigValueType.STRING) {
                    entry.wrongType("target", v, "a string \"provider\" or \"provider/model\"");
                    return Optional.empty();
                }
                return parse(v, entry.path("target"));
            });
        }
        if (entry.written("weight") && strategy != null && strategy != RouteStrategy.WEIGHTED) {
            problems.add(entry.value("weight").orElseThrow().origin(), entry.path("weight"), "only strategy = weighted"
                    + " uses weights; this group's strategy is " + strategy.configName());
            return Optional.empty();
        }
        Optional<Double> weight = entry.positiveNumber("weight", "a share of the requests, e.g. weight = 1.5");
        if (entry.written("weight") && weight.isEmpty()) {
            return Optional.empty();
        }
        double w = weight.orElse(1.0);
        return target.map(t -> new RouteConfig.Member(t, w));
    }

    /**
     * {@code switchboard.cache.backend}: {@code memory} (the default) or {@code redis}, which keeps the answers in the
     * state's Redis server and so needs {@code switchboard.state.backend = redis}.
     */
    private String cacheBackend() {
        Optional<ConfigFields> block = root.block("cache");
        String backend = block.flatMap(b -> b.nonBlankString("backend")).orElse(RouteConfig.CacheSettings.MEMORY);
        if (block.isEmpty()) {
            return backend;
        }
        ConfigFields c = block.get();
        ConfigOrigin origin = c.value("backend").map(ConfigValue::origin).orElse(c.origin());
        if (!backend.equals(RouteConfig.CacheSettings.MEMORY) && !backend.equals(RouteConfig.CacheSettings.REDIS)) {
            problems.add(origin, c.path("backend"), "must be memory or redis, was '" + backend + "'");
            return RouteConfig.CacheSettings.MEMORY;
        }
        String state = root.block("state").flatMap(s -> s.nonBlankString("backend")).orElse("memory");
        if (backend.equals(RouteConfig.CacheSettings.REDIS) && !state.equals("redis")) {
            problems.add(origin, c.path("backend"), "redis needs switchboard.state.backend = redis (the cache uses"
                    + " the state's Redis server and key prefix), but the state backend is " + state);
        }
        return backend;
    }

    /** A route's cache block, each key not set there taken from {@code switchboard.cache}. */
    private RouteConfig.CacheSettings cache(ConfigFields own) {
        own.onlyKnownKeys(KnownKeys.CACHE, null);
        ConfigFields defaults = root.block("cache").orElse(own);
        Duration ttl = own.duration("ttl", false).or(() -> defaults.duration("ttl", false)).orElse(Duration.ofMinutes(10));
        long maxEntries = own.longInteger("max-entries", 1).or(() -> defaults.longInteger("max-entries", 1)).orElse(10_000L);
        boolean sampling = own.bool("allow-sampling").or(() -> defaults.bool("allow-sampling")).orElse(false);
        return new RouteConfig.CacheSettings(ttl, maxEntries, sampling, cacheBackend, cacheMaxEntryBytes);
    }

    private RetryPolicy retry(ConfigFields retry) {
        RetryPolicy d = RetryPolicy.DEFAULT;
        int before = problems.count();
        int maxRetries = retry.integer("max-retries", 0).orElse(d.maxRetries());
        Duration initialDelay = retry.duration("initial-delay", true).orElse(d.initialDelay());
        Duration maxDelay = retry.duration("max-delay", true).orElse(d.maxDelay());
        double multiplier = retry.number("multiplier", 1.0).orElse(d.multiplier());
        if (problems.count() > before) {
            return d;
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            problems.add(retry.value("max-delay").map(ConfigValue::origin).orElse(retry.origin()),
                    retry.path("max-delay"), "must be at least initial-delay");
            return d;
        }
        return new RetryPolicy(maxRetries, initialDelay, maxDelay, multiplier);
    }

    private CooldownPolicy cooldown(ConfigFields cooldown) {
        CooldownPolicy d = CooldownPolicy.DEFAULT;
        int threshold = cooldown.integer("failure-threshold", 1).orElse(d.failureThreshold());
        Duration duration = cooldown.duration("duration", true).orElse(d.duration());
        return new CooldownPolicy(threshold, duration);
    }
}
