package dev.switchboard.runtime.config;

import dev.switchboard.runtime.DiscoveredType;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys each block of the configuration takes; any other is refused as a typo. Keys whose reading lives in other
 * modules or is still to come are listed too, so that a configuration written for them is not refused.
 */
final class KnownKeys {

    /** Keys of {@code switchboard} beyond those a reference.conf declares. */
    static final Set<String> ROOT_EXTRA = Set.of("sensitive-headers");

    /** Keys every provider block takes, whatever its type. */
    static final Set<String> PROVIDER = Set.of("type", "base-url", "api-key", "api-key-env", "model",
            "embedding-model", "timeouts", "headers", "limits");
    static final Set<String> TIMEOUTS = Set.of("connect", "first-byte", "idle", "total");
    static final Set<String> PROVIDER_LIMITS = Set.of("requests-per-minute", "tokens-per-minute", "max-wait",
            "default-output-tokens", "max-response-bytes", "max-line-bytes", "max-stream-bytes");

    static final Set<String> ROUTE = Set.of("targets", "retry", "cooldown", "stream-failover", "budget",
            "resume-prefix-chars", "cache");
    static final Set<String> CACHE = Set.of("ttl", "max-entries", "allow-sampling");
    /** {@code switchboard.cache}: a route's keys as defaults, and where every route's cache lives. */
    static final Set<String> CACHE_DEFAULTS = Set.of("ttl", "max-entries", "allow-sampling", "backend",
            "max-entry-bytes");
    /** {@code budget} is known so that a budget there gets its own message (it belongs to one route). */
    static final Set<String> ROUTE_DEFAULTS = Set.of("retry", "cooldown", "stream-failover", "budget",
            "resume-prefix-chars");
    static final Set<String> TARGET_GROUP = Set.of("strategy", "targets");
    static final Set<String> GROUP_MEMBER = Set.of("target", "weight");
    static final Set<String> RETRY = Set.of("max-retries", "initial-delay", "max-delay", "multiplier");
    static final Set<String> COOLDOWN = Set.of("failure-threshold", "duration");
    static final Set<String> HTTP = Set.of("max-connections", "max-connections-per-route");

    private KnownKeys() {}

    /**
     * The keys of a provider block of {@code type}: the common ones, those its reference.conf sets under
     * {@code switchboard.provider-defaults.<type>}, and those its factory declares.
     *
     * @param reference the merged reference.conf files, unresolved
     */
    static Set<String> provider(DiscoveredType type, Config reference) {
        Set<String> known = new TreeSet<>(PROVIDER);
        known.addAll(referenceDefaults(type.type(), reference));
        known.addAll(type.factory().settingKeys());
        known.addAll(type.factory().sensitiveKeys());
        return known;
    }

    private static Set<String> referenceDefaults(String type, Config reference) {
        ConfigValue root = reference.root().get(SwitchboardConfigLoader.ROOT);
        if (!(root instanceof ConfigObject r) || !(r.get("provider-defaults") instanceof ConfigObject defaults)
                || !(defaults.get(type) instanceof ConfigObject own)) {
            return Set.of();
        }
        return own.keySet();
    }
}
