package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.DiscoveredType;
import dev.switchboard.runtime.DiscoveryProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The provider types discovery found, by type name, and the plugins it could not load. Immutable and thread-safe.
 */
public final class ProviderRegistry {

    private static final System.Logger LOG = System.getLogger(ProviderRegistry.class.getName());

    private final Map<String, DiscoveredType> types;
    private final List<DiscoveryProblem> problems;

    ProviderRegistry(Map<String, DiscoveredType> types, List<DiscoveryProblem> problems) {
        this.types = Collections.unmodifiableMap(new TreeMap<>(types));
        this.problems = List.copyOf(problems);
    }

    /** Every installed type, ordered by name. */
    public List<DiscoveredType> types() {
        return List.copyOf(types.values());
    }

    /** The installed type names, ordered. */
    public Set<String> typeNames() {
        return types.keySet();
    }

    public Optional<DiscoveredType> find(String type) {
        return Optional.ofNullable(types.get(type));
    }

    /** The plugins that failed to load. */
    public List<DiscoveryProblem> problems() {
        return problems;
    }

    /** The config keys any installed type calls sensitive, {@code api-key} always among them. */
    public Set<String> sensitiveKeys() {
        Set<String> keys = new TreeSet<>();
        keys.add("api-key");
        for (DiscoveredType t : types.values()) {
            try {
                keys.addAll(t.factory().sensitiveKeys());
            } catch (RuntimeException e) {
                // A broken plugin must not stop masking of the others' keys; api-key is still masked.
                LOG.log(System.Logger.Level.WARNING, "provider type " + t.type() + " failed in sensitiveKeys(): " + e);
            }
        }
        return Collections.unmodifiableSet(keys);
    }

    /** The installed types for a message, e.g. {@code "openai, groq"}, or a hint when there are none. */
    public String describeInstalled() {
        StringBuilder sb = new StringBuilder(types.isEmpty()
                ? "no provider types are installed (add a provider jar such as switchboard-provider-openai)"
                : "installed types: " + String.join(", ", types.keySet()));
        if (!problems.isEmpty()) {
            List<String> failed = new ArrayList<>();
            for (DiscoveryProblem p : problems) {
                failed.add(p.toString());
            }
            sb.append("; plugins that failed to load: ").append(String.join("; ", failed));
        }
        return sb.toString();
    }
}
