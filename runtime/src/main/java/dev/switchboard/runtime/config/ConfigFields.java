package dev.switchboard.runtime.config;

import dev.switchboard.runtime.Switchboard;
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
 *
 * <p>Public so that modules built on the runtime (the gateway) read their own block with the same checks and the
 * same one-line messages, recorded beside the runtime's own (see {@link Switchboard.Builder#section}).
 */
public final class ConfigFields {

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

    /**
     * The block at {@code path} of {@code config} (a resolved configuration holding the full path, e.g.
     * {@code switchboard.gateway}); an empty block when it is not written. A value there that is not a block is
     * recorded as a problem.
     */
    public static ConfigFields of(Config config, String path, ConfigProblems problems) {
        try {
            if (config.hasPathOrNull(path) && !config.getIsNull(path)) {
                ConfigValue v = config.getValue(path);
                if (v instanceof ConfigObject o) {
                    return new ConfigFields(o.toConfig(), path, o.origin(), problems);
                }
                problems.add(v.origin(), path, "must be a block { ... }, not " + kind(v));
            }
        } catch (ConfigException.NotResolved e) {
            // reported where it is written by the loader
        }
        return new ConfigFields(com.typesafe.config.ConfigFactory.empty(), path, config.origin(), problems);
    }

    /** The full key path of the block, e.g. {@code switchboard.providers.openai}. */
    public String path() {
        return path;
    }

    /** The full key path of {@code key} (a path expression relative to the block). */
    public String path(String key) {
        return path + "." + key;
    }

    /** Where the block itself is written, for problems about keys that are missing. */
    public ConfigOrigin origin() {
        return origin;
    }

    public Config config() {
        return block;
    }

    public ConfigProblems problems() {
        return problems;
    }

    /** The value at {@code key}, if set to something other than null. */
    public Optional<ConfigValue> value(String key) {
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
    public boolean written(String key) {
        try {
            return block.hasPathOrNull(key);
        } catch (ConfigException.NotResolved e) {
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    public Optional<String> string(String key) {
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
    public Optional<String> nonBlankString(String key) {
        return string(key).filter(s -> !s.isBlank());
    }

    /** A duration that must be positive ({@code allowZero} false) or at least zero ({@code allowZero} true). */
    public Optional<Duration> duration(String key, boolean allowZero) {
        return duration(key, allowZero, "30s, 500ms or 2m");
    }

    /**
     * As {@link #duration(String, boolean)}, a value that is not a duration named with {@code examples} of what the
     * key takes (e.g. {@code "1h, 1d, 7d or 30d"} for a budget's period).
     */
    public Optional<Duration> duration(String key, boolean allowZero, String examples) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (unitless(v.get())) {
            // Typesafe Config reads a bare number as milliseconds: `ttl = 5` meaning five minutes would silently be
            // five milliseconds. Zero needs no unit.
            problems.add(v.get().origin(), path(key), "'" + raw(v.get()) + "' has no unit (it would be read as "
                    + raw(v.get()) + " milliseconds); write a number and a unit, e.g. " + examples);
            return Optional.empty();
        }
        Duration d;
        try {
            d = block.getDuration(key);
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get())
                    + "' is not a duration; write a number and a unit, e.g. " + examples);
            return Optional.empty();
        }
        if (d.isNegative() || (!allowZero && d.isZero())) {
            problems.add(v.get().origin(), path(key), "must be " + (allowZero ? "zero or more" : "positive")
                    + ", was " + raw(v.get()) + "; write e.g. 30s");
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** A number given without a unit, other than zero: a number, or a string of digits (and a point). */
    private static boolean unitless(ConfigValue v) {
        String text = String.valueOf(v.unwrapped()).strip();
        boolean number = v.valueType() == com.typesafe.config.ConfigValueType.NUMBER
                || (v.valueType() == com.typesafe.config.ConfigValueType.STRING && text.matches("[0-9]+(\\.[0-9]+)?"));
        return number && !text.matches("0+(\\.0+)?");
    }

    /** A whole number of at least {@code min} that fits an {@code int}. */
    public Optional<Integer> integer(String key, int min) {
        Optional<Long> n = longInteger(key, min);
        if (n.isPresent() && n.get() > Integer.MAX_VALUE) {
            problems.add(value(key).orElseThrow().origin(), path(key), "must be at most " + Integer.MAX_VALUE
                    + ", was " + n.get());
            return Optional.empty();
        }
        return n.map(Long::intValue);
    }

    /** A whole number (up to 2^63 - 1) of at least {@code min}. */
    public Optional<Long> longInteger(String key, long min) {
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

    /** A size in bytes, written as a number or with a unit ({@code 4 MiB}, {@code 512 KiB}), of at least {@code min}. */
    public Optional<Long> bytes(String key, long min) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        long n;
        try {
            n = block.getBytes(key);
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get()) + "' is not a size; write a number of bytes"
                    + " or a number and a unit, e.g. 4 MiB or 512 KiB");
            return Optional.empty();
        }
        if (n < min) {
            problems.add(v.get().origin(), path(key), "must be at least " + min + " byte" + (min == 1 ? "" : "s")
                    + ", was " + raw(v.get()));
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** A boolean: {@code true} or {@code false} (also {@code yes}, {@code no}, {@code on}, {@code off}). */
    public Optional<Boolean> bool(String key) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(block.getBoolean(key));
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "must be true or false, not " + kind(v.get()));
            return Optional.empty();
        }
    }

    /**
     * The block that is entry {@code index} of the list {@code key} (e.g. a key block of {@code gateway.keys}), as
     * fields whose path reads {@code <path>.<key>[<index>]}.
     */
    public ConfigFields entry(String key, int index, ConfigObject element) {
        return new ConfigFields(element.toConfig(), path(key) + "[" + index + "]", element.origin(), problems);
    }

    /**
     * An exact decimal (money), written as a number or a string: {@code 0.15} or {@code "0.15"}; at least zero, and
     * above zero unless {@code allowZero}.
     */
    public Optional<java.math.BigDecimal> decimal(String key, boolean allowZero) {
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
     * Records every key of this block that is not one of {@code known} as unknown, with the known key it most likely
     * meant; returns whether there were none. {@code hint}, if not null, is added to each message.
     */
    public boolean onlyKnownKeys(java.util.Set<String> known, String hint) {
        boolean ok = true;
        for (java.util.Map.Entry<String, ConfigValue> e : block.root().entrySet()) {
            if (!known.contains(e.getKey())) {
                problems.add(e.getValue().origin(), path(join(e.getKey())), unknownKey(e.getKey(), known)
                        + (hint == null ? "" : "; " + hint));
                ok = false;
            }
        }
        return ok;
    }

    /** "unknown key; did you mean 'port'? (known keys: host, port)", or without the guess when none is near. */
    static String unknownKey(String key, java.util.Collection<String> known) {
        String list = known.isEmpty() ? "this block takes no keys"
                : "known keys: " + String.join(", ", new java.util.TreeSet<>(known));
        return ClosestKey.to(key, known).map(k -> "unknown key; did you mean '" + k + "'? (" + list + ")")
                .orElse("unknown key; " + list);
    }

    /** A number of at least {@code min}. */
    public Optional<Double> number(String key, double min) {
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

    /**
     * A number above 0, fractions included (a weight); zero, a negative number or text is refused, saying what the
     * value is for ({@code what}, e.g. "a share of the requests, e.g. weight = 1.5").
     */
    public Optional<Double> positiveNumber(String key, String what) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        double n;
        try {
            n = block.getDouble(key);
        } catch (ConfigException e) {
            problems.add(v.get().origin(), path(key), "'" + raw(v.get()) + "' is not a number; write " + what);
            return Optional.empty();
        }
        if (Double.isNaN(n) || Double.isInfinite(n) || n <= 0) {
            problems.add(v.get().origin(), path(key), "must be above 0, was " + raw(v.get()) + "; write " + what);
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** A nested block, as fields of its own. */
    public Optional<ConfigFields> block(String key) {
        return object(key).map(o -> new ConfigFields(o.toConfig(), path(key), o.origin(), problems));
    }

    public Optional<ConfigObject> object(String key) {
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

    public Optional<ConfigList> list(String key) {
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

    public void wrongType(String key, ConfigValue v, String expected) {
        problems.add(v.origin(), path(key), "must be " + expected + ", not " + kind(v));
    }

    /** A substitution that could not be resolved (the loader reports it where it is written). */
    public static boolean isUnresolved(ConfigValue v) {
        try {
            v.valueType();
            return false;
        } catch (ConfigException.NotResolved e) {
            return true;
        }
    }

    public static boolean isScalar(ConfigValue v) {
        ConfigValueType t = v.valueType();
        return t == ConfigValueType.STRING || t == ConfigValueType.NUMBER || t == ConfigValueType.BOOLEAN;
    }

    /** How a value reads to a user: "a block", "a list", "the string 'x'", "the number 3". */
    public static String kind(ConfigValue v) {
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
    public static String join(String first, String... more) {
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
