package dev.switchboard.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ProviderOptions} over a Typesafe Config block: the one implementation, used by the runtime for blocks read
 * from config files and by {@code ProviderSettings.Builder} for values given by hand, so both read alike. A value of
 * the wrong type is a {@link SettingException} naming the full key and carrying where the value is written.
 */
public final class ConfigOptions implements ProviderOptions {

    private final Config block;
    private final String path;

    private ConfigOptions(Config block, String path) {
        this.block = Objects.requireNonNull(block, "block");
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The block of a provider read from config; {@code path} is its full key, e.g. {@code switchboard.providers.x}. */
    public static ConfigOptions of(Config block, String path) {
        return new ConfigOptions(block, path);
    }

    /** Values given by hand: strings, numbers, booleans, lists and maps of them, keyed by key (not path). */
    public static ConfigOptions of(Map<String, ?> values, String path) {
        return new ConfigOptions(ConfigValueFactory.fromMap(values, "settings given in code").toConfig(), path);
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (String key : block.root().keySet()) {
            if (has(key)) {
                keys.add(key);
            }
        }
        return Set.copyOf(keys);
    }

    @Override
    public boolean has(String key) {
        return value(key).isPresent();
    }

    @Override
    public Optional<String> string(String key) {
        return value(key).map(v -> {
            if (!isScalar(v)) {
                throw wrongType(key, v, "a string");
            }
            return String.valueOf(v.unwrapped());
        });
    }

    @Override
    public Optional<Integer> integer(String key) {
        return value(key).map(v -> {
            long n;
            try {
                n = block.getLong(quoted(key));
            } catch (ConfigException e) {
                throw problem(quoted(key), v, "'" + raw(v) + "' is not a whole number");
            }
            if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                throw problem(quoted(key), v, "must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                        + ", was " + n);
            }
            return (int) n;
        });
    }

    @Override
    public Optional<Boolean> bool(String key) {
        return value(key).map(v -> {
            try {
                return block.getBoolean(quoted(key));
            } catch (ConfigException e) {
                throw wrongType(key, v, "true or false");
            }
        });
    }

    @Override
    public Optional<Duration> duration(String key) {
        return value(key).map(v -> {
            try {
                return block.getDuration(quoted(key));
            } catch (ConfigException e) {
                throw problem(quoted(key), v, "'" + raw(v) + "' is not a duration; write a number and a unit, e.g. 30s,"
                        + " 500ms or 2m");
            }
        });
    }

    @Override
    public Optional<List<String>> stringList(String key) {
        return value(key).map(v -> {
            if (v.valueType() != ConfigValueType.LIST) {
                throw wrongType(key, v, "a list [ ... ]");
            }
            List<String> out = new ArrayList<>();
            int index = 0;
            for (ConfigValue element : block.getList(quoted(key))) {
                if (!isScalar(element)) {
                    throw problem(quoted(key) + "[" + index + "]", element, "must be a string, not " + kind(element));
                }
                out.add(String.valueOf(element.unwrapped()));
                index++;
            }
            return List.copyOf(out);
        });
    }

    @Override
    public Optional<Map<String, String>> stringMap(String key) {
        return value(key).map(v -> {
            if (!(v instanceof ConfigObject object)) {
                throw wrongType(key, v, "a block { ... }");
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
                ConfigValue entry = e.getValue();
                if (entry.valueType() == ConfigValueType.NULL) {
                    continue;
                }
                if (!isScalar(entry)) {
                    throw problem(quoted(key) + "." + quoted(e.getKey()), entry,
                            "must be a string, not " + kind(entry));
                }
                out.put(e.getKey(), String.valueOf(entry.unwrapped()));
            }
            return Map.copyOf(out);
        });
    }

    @Override
    public Optional<Secret> secret(String key) {
        return string(key).filter(s -> !s.isBlank()).map(Secret::of);
    }

    /** The keys only: values may be secrets. */
    @Override
    public String toString() {
        return new java.util.TreeSet<>(keys()).toString();
    }

    private Optional<ConfigValue> value(String key) {
        Objects.requireNonNull(key, "key");
        String path = quoted(key);
        try {
            if (!block.hasPath(path)) {
                return Optional.empty();
            }
            ConfigValue v = block.getValue(path);
            v.valueType(); // throws NotResolved for a substitution that could not be resolved
            return Optional.of(v);
        } catch (ConfigException.NotResolved e) {
            return Optional.empty(); // reported by the runtime where it is written
        }
    }

    private static String quoted(String key) {
        return ConfigUtil.joinPath(key);
    }

    private SettingException wrongType(String key, ConfigValue v, String expected) {
        return problem(quoted(key), v, "must be " + expected + ", not " + kind(v));
    }

    /** {@code keyPath}: the path within the block, its elements quoted where they need it. */
    private SettingException problem(String keyPath, ConfigValue v, String problem) {
        return new SettingException(v.origin(), path + "." + keyPath, problem);
    }

    private static boolean isScalar(ConfigValue v) {
        ConfigValueType t = v.valueType();
        return t == ConfigValueType.STRING || t == ConfigValueType.NUMBER || t == ConfigValueType.BOOLEAN;
    }

    private static String raw(ConfigValue v) {
        return isScalar(v) ? String.valueOf(v.unwrapped()) : kind(v);
    }

    /** How a value reads to a user: "a block", "a list", "the string 'x'", "the number 3". */
    private static String kind(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "a block";
            case LIST -> "a list";
            case STRING -> "the string '" + v.unwrapped() + "'";
            case NUMBER -> "the number " + v.unwrapped();
            case BOOLEAN -> "the boolean " + v.unwrapped();
            case NULL -> "null";
        };
    }

    /** A value of the wrong type: the full key, what is wrong, and where the value is written. */
    public static final class SettingException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final transient ConfigOrigin origin;
        private final String path;
        private final String problem;

        SettingException(ConfigOrigin origin, String path, String problem) {
            super(path + ": " + problem);
            this.origin = origin;
            this.path = path;
            this.problem = problem;
        }

        /** Where the value is written. */
        public ConfigOrigin origin() {
            return origin;
        }

        /** The full key, e.g. {@code switchboard.providers.local.num-ctx}. */
        public String path() {
            return path;
        }

        /** What is wrong with the value, without the key. */
        public String problem() {
            return problem;
        }
    }
}
