package dev.switchboard.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's settings ({@code switchboard.gateway}), read eagerly and checked. Immutable.
 *
 * @param host                  the address to listen on
 * @param port                  the TCP port; 0 for any free one
 * @param maxBody               the largest request body accepted, in bytes
 * @param shutdownGrace         how long requests in flight may finish on shutdown
 * @param keys                  the access keys; empty for no authentication
 * @param maxConcurrentRequests the most requests served at once
 */
public record GatewayConfig(String host, int port, long maxBody, Duration shutdownGrace, List<AccessKey> keys,
                            int maxConcurrentRequests) {

    static final String PATH = "switchboard.gateway";

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PATH + ".port must be between 0 and 65535, was " + port);
        }
        if (maxBody < 1) {
            throw new IllegalArgumentException(PATH + ".max-body must be at least 1 byte, was " + maxBody);
        }
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException(PATH + ".shutdown-grace cannot be negative");
        }
        keys = List.copyOf(keys);
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException(PATH + ".max-concurrent-requests must be at least 1, was "
                    + maxConcurrentRequests);
        }
    }

    /** The shipped defaults: loopback, port 8088, 4 MiB bodies, 30 s grace, no keys. */
    public static GatewayConfig defaults() {
        return from(ConfigFactory.empty());
    }

    /**
     * Reads {@code switchboard.gateway} from a resolved configuration (e.g. {@code Switchboard.config()}), over the
     * gateway's own {@code reference.conf}.
     *
     * @throws IllegalArgumentException naming the key and where it is written, for a missing or invalid value
     */
    public static GatewayConfig from(Config config) {
        Config reference = ConfigFactory.parseResources(GatewayConfig.class.getClassLoader(), "reference.conf")
                .withOnlyPath(PATH);
        Config c = config.withFallback(reference).resolve().getConfig(PATH);
        try {
            return new GatewayConfig(c.getString("host"), c.getInt("port"), c.getBytes("max-body"),
                    c.getDuration("shutdown-grace"), keys(c), c.getInt("max-concurrent-requests"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Each entry of {@code keys} is a key string, or a block {@code { key, name, requests-per-minute,
     * tokens-per-minute, budget { amount, period } }} giving the key a name (its usage is reported under it) and its
     * own limits and budget. Names must be unique.
     */
    private static List<AccessKey> keys(Config c) {
        ConfigList list = c.getList("keys");
        List<AccessKey> keys = new ArrayList<>(list.size());
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue v = list.get(i);
            String where = PATH + ".keys[" + i + "]";
            String at = v.origin().lineNumber() > 0 ? " (" + v.origin().description() + ")" : "";
            AccessKey key;
            try {
                if (v.valueType() == ConfigValueType.OBJECT) {
                    key = keyBlock(((ConfigObject) v).toConfig(), where);
                } else if (v.valueType() == ConfigValueType.STRING) {
                    key = AccessKey.of(requireKey((String) v.unwrapped(), where));
                } else {
                    throw new IllegalArgumentException(where + " must be a key string or a block { key = ..., name ="
                            + " ... }, not " + v.valueType().name().toLowerCase(java.util.Locale.ROOT));
                }
                if (!names.add(key.name())) {
                    throw new IllegalArgumentException(where + " is named '" + key.name() + "' like an earlier key;"
                            + " give each key its own name");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + at, e);
            }
            keys.add(key);
        }
        return keys;
    }

    private static final java.util.Set<String> KEY_FIELDS =
            java.util.Set.of("key", "name", "requests-per-minute", "tokens-per-minute", "budget");

    private static AccessKey keyBlock(Config k, String where) {
        for (String field : k.root().keySet()) {
            if (!KEY_FIELDS.contains(field)) {
                throw new IllegalArgumentException(where + "." + field + " is not a key setting; known: "
                        + String.join(", ", new java.util.TreeSet<>(KEY_FIELDS)));
            }
        }
        if (!k.hasPath("key")) {
            throw new IllegalArgumentException(where + ".key is missing; set it, e.g. key = ${?TEAM_A_KEY}, and make"
                    + " sure the variable it reads is set");
        }
        AccessKey key = AccessKey.of(requireKey(k.getString("key"), where + ".key"));
        if (k.hasPath("name")) {
            String name = k.getString("name").strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(where + ".name is empty; name the key, e.g. name = \"team-a\"");
            }
            key = key.withName(name);
        }
        int requests = k.hasPath("requests-per-minute") ? atLeastOne(k.getInt("requests-per-minute"),
                where + ".requests-per-minute") : 0;
        long tokens = k.hasPath("tokens-per-minute") ? atLeastOne(k.getLong("tokens-per-minute"),
                where + ".tokens-per-minute") : 0;
        key = key.withLimits(requests, tokens);
        if (k.hasPath("budget")) {
            Config b = k.getConfig("budget");
            if (!b.hasPath("amount") || !b.hasPath("period")) {
                throw new IllegalArgumentException(where + ".budget needs amount and period, e.g."
                        + " budget { amount = 5.00, period = 1d }");
            }
            java.math.BigDecimal amount;
            try {
                amount = new java.math.BigDecimal(b.getValue("amount").unwrapped().toString().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ".budget.amount is not a number; write e.g. 5.00");
            }
            try {
                key = key.withBudget(new dev.switchboard.runtime.BudgetLimit(amount, b.getDuration("period")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".budget: " + e.getMessage(), e);
            }
        }
        return key;
    }

    private static String requireKey(String raw, String where) {
        String key = raw.strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException(where + " is empty; remove it or set the variable it reads");
        }
        return key;
    }

    private static <N extends Number> N atLeastOne(N n, String where) {
        if (n.longValue() < 1) {
            throw new IllegalArgumentException(where + " must be at least 1, was " + n);
        }
        return n;
    }

    /** Whether {@link #host()} is a loopback address (this machine only). */
    public boolean loopbackOnly() {
        String h = host.strip();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** A copy listening on {@code newPort} (e.g. 0 for tests). */
    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, maxBody, shutdownGrace, keys, maxConcurrentRequests);
    }

    /** A copy listening on {@code newHost} (an address or a host name). */
    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, maxBody, shutdownGrace, keys, maxConcurrentRequests);
    }

    /** A copy with these access keys. */
    public GatewayConfig withKeys(List<AccessKey> newKeys) {
        return new GatewayConfig(host, port, maxBody, shutdownGrace, newKeys, maxConcurrentRequests);
    }

    @Override
    public String toString() {
        return "GatewayConfig[host=" + host + ", port=" + port + ", maxBody=" + maxBody + ", shutdownGrace="
                + shutdownGrace + ", keys=" + keys.size() + ", maxConcurrentRequests=" + maxConcurrentRequests + "]";
    }
}
