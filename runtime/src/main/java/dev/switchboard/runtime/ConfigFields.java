package dev.switchboard.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed reads from one config block that never throw: a value of the wrong type or out of range is recorded in
 * {@link ConfigProblems} with its origin and full key path, and the read returns empty. Unresolved substitutions
 * also read as empty: {@link SwitchboardConfigLoader} reports them once, where they are written.
 */
final class ConfigFields {

    private final Config block;
    private final String path;
    private final ConfigOrigin origin;
    private final ConfigProblems problems;

    ConfigFields(Config block, String path, ConfigOrigin origin, ConfigProblems problems) {
        this.block = block;
        this.path = path;
        this.origin = origin;
        this.problems = problems;
    }

    /** The full key path of the block, e.g. {@code switchboard.providers.openai}. */
    String path() {
        return path;
    }

    /** The full key path of {@code key} (a path expression relative to the block). */
    String path(String key) {
        return path + "." + key;
    }

    /** Where the block itself is written, for problems about keys that are missing. */
    ConfigOrigin origin() {
        return origin;
    }

    Config config() {
        return block;
    }

    ConfigProblems problems() {
        return problems;
    }

    /** The value at {@code key}, if set to something other than null. */
    Optional<ConfigValue> value(String key) {
        try {
            if (!block.hasPathOrNull(key) || block.getIsNull(key)) {
                return Optional.empty();
            }
            ConfigValue v = block.getValue(key);
            v.valueType(); // throws NotResolved for a substitution that could not be resolved
            return Optional.of(v);
        } catch (ConfigException.NotResolved e) {
            return Optional.empty();
        } catch (ConfigException e) {
            problems.add(e.origin() == null ? origin : e.origin(), path(key), describe(e));
            return Optional.empty();
        }
    }

    /** Whether {@code key} is written at all (null and unresolved values included). */
    boolean written(String key) {
        try {
            return block.hasPathOrNull(key);
        } catch (ConfigException.NotResolved e) {
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    Optional<String> string(String key) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!isScalar(v.get())) {
            wrongType(key, v.get(), "a string");
            return Optional.empty();
        }
        return Optional.of(String.valueOf(v.get().unwrapped()));
    }

    /** A string that is set and not blank. */
    Optional<String> nonBlankString(String key) {
        return string(key).filter(s -> !s.isBlank());
    }

    /** A duration that must be positive ({@code allowZero} false) or at least zero ({@code allowZero} true). */
    Optional<Duration> duration(String key, boolean allowZero) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = block.getDuration(key);
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get())
                    + "' is not a duration; write a number and a unit, e.g. 30s, 500ms or 2m");
            return Optional.empty();
        }
        if (d.isNegative() || (!allowZero && d.isZero())) {
            problems.add(v.get().origin(), path(key), "must be " + (allowZero ? "zero or more" : "positive")
                    + ", was " + raw(v.get()) + "; write e.g. 30s");
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** A whole number of at least {@code min} that fits an {@code int}. */
    Optional<Integer> integer(String key, int min) {
        Optional<Long> n = longInteger(key, min);
        if (n.isPresent() && n.get() > Integer.MAX_VALUE) {
            problems.add(value(key).orElseThrow().origin(), path(key), "must be at most " + Integer.MAX_VALUE
                    + ", was " + n.get());
            return Optional.empty();
        }
        return n.map(Long::intValue);
    }

    /** A whole number (up to 2^63 - 1) of at least {@code min}. */
    Optional<Long> longInteger(String key, long min) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        long n;
        try {
            n = block.getLong(key);
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get()) + "' is not a whole number");
            return Optional.empty();
        }
        if (n < min) {
            problems.add(v.get().origin(), path(key), "must be at least " + min + ", was " + n);
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /**
     * An exact decimal (money), written as a number or a string: {@code 0.15} or {@code "0.15"}; at least zero, and
     * above zero unless {@code allowZero}.
     */
    Optional<java.math.BigDecimal> decimal(String key, boolean allowZero) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        ConfigValueType t = v.get().valueType();
        java.math.BigDecimal d = null;
        if (t == ConfigValueType.NUMBER || t == ConfigValueType.STRING) {
            try {
                // A number's text as written (0.15, not the double nearest to it), so money stays exact.
                String text = t == ConfigValueType.NUMBER ? v.get().render(com.typesafe.config.ConfigRenderOptions.concise()) : String.valueOf(v.get().unwrapped()).strip();
                d = new java.math.BigDecimal(text);
            } catch (NumberFormatException e) {
                d = null;
            }
        }
        if (d == null) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get()) + "' is not a number; write e.g. 0.15");
            return Optional.empty();
        }
        if (d.signum() < 0 || (!allowZero && d.signum() == 0)) {
            problems.add(v.get().origin(), path(key), "must be " + (allowZero ? "zero or more" : "more than zero")
                    + ", was " + d.toPlainString());
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /**
     * Records every key of the block {@code key} that is not one of {@code known}, each as unknown; returns whether
     * there were none.
     */
    boolean onlyKnownKeys(java.util.Set<String> known, String hint) {
        boolean ok = true;
        for (java.util.Map.Entry<String, ConfigValue> e : block.root().entrySet()) {
            if (!known.contains(e.getKey())) {
                problems.add(e.getValue().origin(), path(join(e.getKey())), "unknown key; known keys: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + (hint == null ? "" : "; " + hint));
                ok = false;
            }
        }
        return ok;
    }

    /** A number of at least {@code min}. */
    Optional<Double> number(String key, double min) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        double n;
        try {
            n = block.getDouble(key);
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get()) + "' is not a number");
            return Optional.empty();
        }
        if (Double.isNaN(n) || n < min) {
            problems.add(v.get().origin(), path(key), "must be at least " + format(min) + ", was " + raw(v.get()));
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** A nested block, as fields of its own. */
    Optional<ConfigFields> block(String key) {
        return object(key).map(o -> new ConfigFields(o.toConfig(), path(key), o.origin(), problems));
    }

    Optional<ConfigObject> object(String key) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get().valueType() != ConfigValueType.OBJECT) {
            wrongType(key, v.get(), "a block { ... }");
            return Optional.empty();
        }
        return Optional.of((ConfigObject) v.get());
    }

    Optional<ConfigList> list(String key) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get().valueType() != ConfigValueType.LIST) {
            wrongType(key, v.get(), "a list [ ... ]");
            return Optional.empty();
        }
        return Optional.of((ConfigList) v.get());
    }

    void wrongType(String key, ConfigValue v, String expected) {
        problems.add(v.origin(), path(key), "must be " + expected + ", not " + kind(v));
    }

    /** A substitution that could not be resolved (the loader reports it where it is written). */
    static boolean isUnresolved(ConfigValue v) {
        try {
            v.valueType();
            return false;
        } catch (ConfigException.NotResolved e) {
            return true;
        }
    }

    static boolean isScalar(ConfigValue v) {
        ConfigValueType t = v.valueType();
        return t == ConfigValueType.STRING || t == ConfigValueType.NUMBER || t == ConfigValueType.BOOLEAN;
    }

    /** How a value reads to a user: "a block", "a list", "the string 'x'", "the number 3". */
    static String kind(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "a block";
            case LIST -> "a list";
            case STRING -> "the string '" + v.unwrapped() + "'";
            case NUMBER -> "the number " + v.unwrapped();
            case BOOLEAN -> "the boolean " + v.unwrapped();
            case NULL -> "null";
        };
    }

    /** Joins path elements, quoting those that need it (names with dots, slashes, spaces). */
    static String join(String first, String... more) {
        String[] all = new String[more.length + 1];
        all[0] = first;
        System.arraycopy(more, 0, all, 1, more.length);
        return ConfigUtil.joinPath(all);
    }

    private static String raw(ConfigValue v) {
        return isScalar(v) ? String.valueOf(v.unwrapped()) : kind(v);
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A Typesafe exception's message without the origin it starts with (we print the origin ourselves). */
    static String describe(ConfigException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (m.startsWith(prefix)) {
                m = m.substring(prefix.length());
            }
        }
        return m;
    }
}
