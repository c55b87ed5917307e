package dev.switchboard.runtime.config;

import dev.switchboard.runtime.DiscoveredType;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.plugins.ProviderRegistry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.internal.ConfigOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.ResponseLimits;
import dev.switchboard.spi.Secret;
import dev.switchboard.spi.Timeouts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and checks {@code switchboard.providers}: each block's type, its effective settings (the block over
 * {@code provider-defaults.<type>} over {@code provider-defaults-common}) and its API key.
 */
final class ProviderConfigReader {

    private final ConfigFields root;
    private final ProviderRegistry registry;
    private final Map<String, String> env;
    private final ConfigProblems problems;
    private final Config reference;

    /** {@code reference}: the merged reference.conf files, unresolved, for the keys each type declares. */
    ProviderConfigReader(ConfigFields root, ProviderRegistry registry, Map<String, String> env, Config reference) {
        this.root = root;
        this.registry = registry;
        this.env = env;
        this.problems = root.problems();
        this.reference = reference;
    }

    /** The names of every provider block, valid or not, so routes are checked against what the user wrote. */
    static Set<String> names(ConfigFields root) {
        return root.object("providers").<Set<String>>map(o -> new TreeSet<>(o.keySet())).orElseGet(TreeSet::new);
    }

    /** The valid provider blocks by name; problems with the others are recorded. */
    Map<String, ProviderConfig> read() {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        Optional<ConfigObject> blocks = root.object("providers");
        if (blocks.isEmpty()) {
            return providers;
        }
        Config common = root.block("provider-defaults-common").map(ConfigFields::config).orElse(ConfigFactory.empty());
        for (Map.Entry<String, ConfigValue> e : new TreeMap<>(blocks.get()).entrySet()) {
            read(e.getKey(), e.getValue(), common).ifPresent(p -> providers.put(p.name(), p));
        }
        return providers;
    }

    private Optional<ProviderConfig> read(String name, ConfigValue value, Config common) {
        String path = ConfigFields.join("switchboard", "providers", name);
        if (ConfigFields.isUnresolved(value)) {
            return Optional.empty(); // reported where it is written by the loader
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            problems.add(value.origin(), path, "must be a block { type = ... }, not " + ConfigFields.kind(value));
            return Optional.empty();
        }
        int before = problems.count();
        if (name.contains("/")) {
            problems.add(value.origin(), path, "a provider name cannot contain '/', which separates provider and"
                    + " model in route targets; rename the block");
        }
        if (name.equals(UsageRecord.CACHE)) {
            problems.add(value.origin(), path, "the name '" + name + "' is reserved: the usage ledger counts"
                    + " response-cache hits under it; rename the block");
        }
        ConfigObject block = (ConfigObject) value;
        ConfigFields own = new ConfigFields(block.toConfig(), path, block.origin(), problems);
        Optional<DiscoveredType> type = type(name, own);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        checkKnownKeys(own, KnownKeys.provider(type.get(), reference));
        Config effective = block.toConfig().withFallback(defaults(type.get().type())).withFallback(common);
        ConfigFields fields = new ConfigFields(effective, path, block.origin(), problems);

        Optional<String> baseUrl = fields.nonBlankString("base-url");
        baseUrl.ifPresent(url -> {
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                problems.add(fields.value("base-url").map(ConfigValue::origin).orElse(block.origin()),
                        fields.path("base-url"), "'" + url + "' is not an http:// or https:// URL");
            }
        });
        Optional<String> configuredKey = fields.nonBlankString("api-key");
        Optional<String> keyEnv = fields.nonBlankString("api-key-env");
        Optional<String> model = fields.nonBlankString("model");
        Optional<String> embeddingModel = fields.nonBlankString("embedding-model");
        Timeouts timeouts = timeouts(fields);
        Map<String, String> headers = headers(fields);
        Optional<ConfigFields> limitsBlock = fields.block("limits");
        LimitPolicy limits = limitsBlock.map(ProviderConfigReader::limits).orElse(LimitPolicy.NONE);
        ResponseLimits responseLimits = limitsBlock.map(ProviderConfigReader::responseLimits)
                .orElse(ResponseLimits.DEFAULTS);
        if (problems.count() > before) {
            return Optional.empty();
        }

        Optional<String> key = configuredKey.or(() -> keyEnv.map(env::get).filter(v -> !v.isBlank()));
        ProviderSettings settings = new ProviderSettings(name, type.get().type(), baseUrl, key.map(Secret::of),
                keyEnv, model, embeddingModel, timeouts, responseLimits, headers, ConfigOptions.of(effective, path));
        return Optional.of(new ProviderConfig(type.get(), settings, block.origin(), key.isEmpty() && keyEnv.isPresent(),
                limits));
    }

    /**
     * Refuses keys the provider block (or its {@code timeouts} or {@code limits}) does not take: only what the user
     * wrote in this block is checked, so a mistake in a shared default is reported once, where it is written.
     */
    private static void checkKnownKeys(ConfigFields own, Set<String> known) {
        own.onlyKnownKeys(known, null);
        own.block("timeouts").ifPresent(t -> t.onlyKnownKeys(KnownKeys.TIMEOUTS, null));
        own.block("limits").ifPresent(l -> l.onlyKnownKeys(KnownKeys.PROVIDER_LIMITS, null));
    }

    /**
     * Checks the keys of {@code provider-defaults-common} and of each {@code provider-defaults.<type>} of an
     * installed type.
     */
    void checkDefaults() {
        Set<String> common = new TreeSet<>(KnownKeys.PROVIDER);
        common.remove("type");
        root.block("provider-defaults-common").ifPresent(c -> checkKnownKeys(c, common));
        root.object("provider-defaults").ifPresent(defaults -> {
            for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
                Optional<DiscoveredType> type = registry.find(e.getKey());
                if (type.isPresent() && e.getValue() instanceof ConfigObject o) {
                    checkKnownKeys(new ConfigFields(o.toConfig(), ConfigFields.join("switchboard", "provider-defaults",
                            e.getKey()), o.origin(), problems), KnownKeys.provider(type.get(), reference));
                }
            }
        });
    }

    /** The block's {@code type}, or its name when that is an installed type. */
    private Optional<DiscoveredType> type(String name, ConfigFields own) {
        ConfigValue raw = own.config().root().get("type");
        if (raw != null && ConfigFields.isUnresolved(raw)) {
            return Optional.empty(); // reported where it is written by the loader
        }
        Optional<ConfigValue> written = own.value("type");
        String type;
        if (written.isPresent()) {
            Optional<String> s = own.string("type");
            if (s.isEmpty()) {
                return Optional.empty(); // a block or list: reported by string()
            }
            type = s.get().strip();
            if (type.isEmpty()) {
                problems.add(written.get().origin(), own.path("type"), "is empty; " + registry.describeInstalled());
                return Optional.empty();
            }
        } else if (registry.find(name).isPresent()) {
            type = name;
        } else {
            problems.add(own.origin(), own.path("type"), "missing: '" + name + "' is not a provider type, so the"
                    + " block must say which it is with type = ...; " + registry.describeInstalled());
            return Optional.empty();
        }
        Optional<DiscoveredType> found = registry.find(type);
        if (found.isEmpty()) {
            problems.add(written.map(ConfigValue::origin).orElse(own.origin()), own.path("type"),
                    "unknown provider type '" + type + "'; " + registry.describeInstalled());
        }
        return found;
    }

    /** {@code switchboard.provider-defaults.<type>}, from the type's own reference.conf. */
    private Config defaults(String type) {
        return root.block("provider-defaults")
                .flatMap(d -> d.block(ConfigFields.join(type)))
                .map(ConfigFields::config)
                .orElse(ConfigFactory.empty());
    }

    private static Timeouts timeouts(ConfigFields fields) {
        Timeouts d = Timeouts.DEFAULTS;
        Optional<ConfigFields> t = fields.block("timeouts");
        if (t.isEmpty()) {
            return d;
        }
        Duration connect = t.get().duration("connect", false).orElse(d.connect());
        Duration firstByte = t.get().duration("first-byte", false).orElse(d.firstByte());
        Duration idle = t.get().duration("idle", false).orElse(d.idle());
        Duration total = t.get().duration("total", false).orElse(d.total());
        return new Timeouts(connect, firstByte, idle, total);
    }

    /** {@code limits { requests-per-minute, tokens-per-minute, max-wait, default-output-tokens }}. */
    private static LimitPolicy limits(ConfigFields limits) {
        int requests = limits.integer("requests-per-minute", 1).orElse(0);
        long tokens = limits.longInteger("tokens-per-minute", 1).orElse(0L);
        Duration maxWait = limits.duration("max-wait", true).orElse(Duration.ZERO);
        int output = limits.integer("default-output-tokens", 1).orElse(LimitPolicy.DEFAULT_OUTPUT_TOKENS);
        return new LimitPolicy(requests, tokens, maxWait, output);
    }

    /**
     * {@code limits { max-response-bytes, max-line-bytes, max-stream-bytes }}: a value type of their own, so the
     * defaults these keys have never make a provider look rate-limited.
     */
    private static ResponseLimits responseLimits(ConfigFields limits) {
        ResponseLimits d = ResponseLimits.DEFAULTS;
        long response = limits.bytes("max-response-bytes", ResponseLimits.MIN_BYTES).orElse(d.maxResponseBytes());
        long line = limits.bytes("max-line-bytes", ResponseLimits.MIN_BYTES).orElse(d.maxLineBytes());
        long stream = limits.bytes("max-stream-bytes", ResponseLimits.MIN_BYTES).orElse(d.maxStreamBytes());
        return new ResponseLimits(response, line, stream);
    }

    private Map<String, String> headers(ConfigFields fields) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Optional<ConfigObject> block = fields.object("headers");
        if (block.isEmpty()) {
            return headers;
        }
        for (Map.Entry<String, ConfigValue> e : block.get().entrySet()) {
            String path = fields.path("headers") + "." + ConfigFields.join(e.getKey());
            try {
                ConfigValue v = e.getValue();
                if (v.valueType() == ConfigValueType.NULL) {
                    continue;
                }
                if (!ConfigFields.isScalar(v)) {
                    problems.add(v.origin(), path, "a header value must be a string, not " + ConfigFields.kind(v)
                            + "; quote header names that contain dots, e.g. \"X-Trace.Id\" = value");
                    continue;
                }
                headers.put(e.getKey(), String.valueOf(v.unwrapped()));
            } catch (ConfigException.NotResolved unresolved) {
                // reported where it is written by the loader
            }
        }
        return new LinkedHashMap<>(headers);
    }
}
