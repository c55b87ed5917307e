package dev.switchboard.spring.boot;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.switchboard.runtime.Switchboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Where a Spring application's Switchboard configuration comes from: the HOCON file {@code switchboard.config} names,
 * or else the {@code switchboard.*} properties of the environment ({@code application.yaml}, {@code .properties},
 * test properties...) turned into the same tree, each value keeping its origin (file and line) for error messages.
 * List entries are written {@code targets[0]}, {@code targets[1]} (YAML lists become that), and a map key holding a
 * dot or slash in brackets: {@code switchboard.pricing[openai/gpt-4.1].input}. A price may also be written as
 * provider and model, {@code switchboard.pricing.openai[gpt-4.1].input} (YAML: {@code pricing: openai: "[gpt-4.1]":
 * ...}), which becomes the entry {@code "openai/gpt-4.1"}. Every value and every block keeps the origin of the
 * property that made it, so that a problem anywhere names a file and line.
 */
final class SpringEnvironmentConfig {

    static final String FILE_PROPERTY = "switchboard.config";
    static final String ENABLED_PROPERTY = "switchboard.enabled";
    private static final String PREFIX = "switchboard.";
    /** [switchboard, pricing, provider, model, field]: a price written as provider and model. */
    private static final int PROVIDER_MODEL_PRICE_PATH = 5;

    private final Path file;
    private final Config tree;

    private SpringEnvironmentConfig(Path file, Config tree) {
        this.file = file;
        this.tree = tree;
    }

    static SpringEnvironmentConfig of(Environment environment) {
        String file = environment.getProperty(FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.trim());
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(FILE_PROPERTY + " names " + path.toAbsolutePath()
                        + ", which is not a readable file; point it at your switchboard.conf or leave it out and write"
                        + " the switchboard.* tree in application.yaml");
            }
            return new SpringEnvironmentConfig(path, ConfigFactory.parseFile(path.toFile()));
        }
        return new SpringEnvironmentConfig(null,
                environment instanceof ConfigurableEnvironment c ? fromProperties(c) : ConfigFactory.empty());
    }

    /**
     * The {@code switchboard.*} properties that {@code switchboard.config} makes Switchboard ignore (the file is the
     * whole configuration), by name; empty when no file is named.
     */
    static List<String> ignoredProperties(Environment environment) {
        String file = environment.getProperty(FILE_PROPERTY);
        if (file == null || file.isBlank() || !(environment instanceof ConfigurableEnvironment env)) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (name.startsWith(PREFIX) && !name.equals(FILE_PROPERTY) && !name.equals(ENABLED_PROPERTY)) {
                        names.add(name);
                    }
                }
            }
        }
        return List.copyOf(names);
    }

    /** The builder reading this configuration. */
    Switchboard.Builder builder() {
        return file != null ? Switchboard.builder().config(file) : Switchboard.builder().config(tree);
    }

    /** The route names the configuration defines, in order (before any is built). */
    Set<String> routeNames() {
        return keys("routes");
    }

    /** The route {@code switchboard.default-route} names, {@code default} unless set. */
    String defaultRoute() {
        ConfigValue v = switchboard().map(o -> o.get("default-route")).orElse(null);
        return v != null && v.unwrapped() instanceof String s ? s : "default";
    }

    private Set<String> keys(String block) {
        return switchboard().map(o -> o.get(block)).filter(ConfigObject.class::isInstance)
                .map(v -> (Set<String>) new LinkedHashSet<>(((ConfigObject) v).keySet())).orElse(Set.of());
    }

    private Optional<ConfigObject> switchboard() {
        ConfigValue root = tree.root().get("switchboard");
        return root instanceof ConfigObject o ? Optional.of(o) : Optional.empty();
    }

    /** The {@code switchboard.*} properties as a config tree, the first property source holding a name winning. */
    private static Config fromProperties(ConfigurableEnvironment env) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<Object, String> blockOrigins = new IdentityHashMap<>(); // each block: where its first property is
        Set<String> seen = new LinkedHashSet<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> e)) {
                continue;
            }
            for (String name : e.getPropertyNames()) {
                if (!name.startsWith(PREFIX) || name.equals(FILE_PROPERTY) || name.equals(ENABLED_PROPERTY) || !seen.add(name)) {
                    continue;
                }
                Object raw = source.getProperty(name);
                if (raw instanceof OriginTrackedValue t) {
                    raw = t.getValue();
                }
                Object value = raw instanceof CharSequence ? env.getProperty(name) : raw; // placeholders resolved
                Origin origin = OriginLookup.getOrigin(source, name);
                // the origin alone: the runtime's messages add the key's path after it
                String where = origin != null ? origin.toString() : "property source " + source.getName() + ": " + name;
                insert(root, treePath(name), ConfigValueFactory.fromAnyRef(value, where), where, blockOrigins);
            }
        }
        return root.isEmpty() ? ConfigFactory.empty()
                : ConfigValueFactory.fromMap(toConfig(root, blockOrigins), "Spring environment").toConfig();
    }

    /** {@link #path} with a price written as provider and model turned into the one entry {@code provider/model}. */
    static List<Object> treePath(String name) {
        List<Object> parts = path(name);
        if (parts.size() == PROVIDER_MODEL_PRICE_PATH && "pricing".equals(parts.get(1))
                && parts.get(2) instanceof String provider && parts.get(3) instanceof String model) {
            List<Object> joined = new ArrayList<>(parts.subList(0, 2));
            joined.add(provider + "/" + model);
            joined.add(parts.get(4));
            return joined;
        }
        return parts;
    }

    /** {@code switchboard.routes.default.targets[0]} as [switchboard, routes, default, targets, 0]. */
    static List<Object> path(String name) {
        List<Object> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (current.length() > 0) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
            } else if (c == '[') {
                if (current.length() > 0) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
                int end = name.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalStateException("property " + name + ": '[' without ']'");
                }
                String inside = name.substring(i + 1, end);
                parts.add(inside.chars().allMatch(Character::isDigit) && !inside.isEmpty()
                        ? (Object) Integer.valueOf(inside) : inside);
                i = end;
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            parts.add(current.toString());
        }
        return parts;
    }

    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> root, List<Object> path, ConfigValue value, String where,
                               Map<Object, String> blockOrigins) {
        Object node = root;
        for (int i = 0; i < path.size(); i++) {
            Object key = path.get(i);
            boolean last = i == path.size() - 1;
            Object next = last ? value : path.get(i + 1) instanceof Integer ? new TreeMap<Integer, Object>()
                    : new LinkedHashMap<String, Object>();
            Object child;
            if (node instanceof TreeMap<?, ?> list) {
                int index = key instanceof Integer n ? n : -1;
                child = ((TreeMap<Integer, Object>) list).computeIfAbsent(index, k -> next);
            } else {
                child = ((Map<String, Object>) node).computeIfAbsent(String.valueOf(key), k -> next);
            }
            if (last) {
                return;
            }
            blockOrigins.putIfAbsent(child, where);
            if (!(child instanceof Map<?, ?>)) {
                return; // a value and a block under one name: the first source's value stands
            }
            node = child;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toConfig(Map<String, Object> map, Map<Object, String> blockOrigins) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, convert(v, blockOrigins)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Object v, Map<Object, String> blockOrigins) {
        String where = blockOrigins.getOrDefault(v, "Spring environment");
        if (v instanceof TreeMap<?, ?> list) {
            List<Object> items = new ArrayList<>();
            for (Object item : list.values()) {
                items.add(convert(item, blockOrigins));
            }
            return ConfigValueFactory.fromIterable(items, where);
        }
        if (v instanceof Map<?, ?> m) {
            return ConfigValueFactory.fromMap(toConfig((Map<String, Object>) m, blockOrigins), where);
        }
        return v;
    }
}
