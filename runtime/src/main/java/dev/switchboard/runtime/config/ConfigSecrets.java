package dev.switchboard.runtime.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.spi.SecretRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which values of the {@code switchboard} configuration are secrets, by where they stand:
 * <ul>
 *   <li>a key a provider type names in {@code sensitiveKeys()} ({@code api-key} always), at any depth;</li>
 *   <li>a header under a {@code headers} block whose name carries credentials (authorization, {@code *-key},
 *       {@code *-token}, {@code *-auth}, cookie, ... and the names listed in {@code switchboard.sensitive-headers});</li>
 *   <li>a gateway key: each entry of {@code gateway.keys} and {@code gateway.admin-keys}, written plainly or as the
 *       {@code key} of a block;</li>
 *   <li>{@code usage-log.password}, and the password inside {@code usage-log.jdbc-url} or {@code state.redis.uri}
 *       ({@code ?password=...} or {@code user:pass@}; the rest of the URL stays readable);</li>
 *   <li>and, without being written in the file, the value of each variable an {@code api-key-env} names.</li>
 * </ul>
 * Paths are relative to {@code switchboard}; a list element is the path element {@value #ELEMENT}.
 */
public final class ConfigSecrets {

    static final String ELEMENT = "[]";
    /** {@code usage-log.password}: the usage log database's password, given apart from its URL. */
    private static final List<String> USAGE_LOG_PASSWORD = List.of("usage-log", "password");
    /** Connection URLs that may carry a password ({@code ?password=}, {@code user:pass@}). */
    private static final List<String> USAGE_LOG_URL = List.of("usage-log", "jdbc-url");
    private static final List<String> REDIS_URI = List.of("state", "redis", "uri");
    public static final String SENSITIVE_HEADERS = "sensitive-headers";

    private final Set<String> sensitiveKeys = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> env;
    /** Carries the header rule with the user's extra names; also where found values go. */
    private final SecretRegistry found = SecretRegistry.create();

    /**
     * @param sensitiveKeys the key names the installed provider types call sensitive
     * @param env           the environment {@code api-key-env} reads
     * @param switchboard   the resolved {@code switchboard} block, for its {@code sensitive-headers} list
     */
    public ConfigSecrets(Set<String> sensitiveKeys, Map<String, String> env, ConfigValue switchboard) {
        this.sensitiveKeys.addAll(sensitiveKeys);
        this.sensitiveKeys.add("api-key");
        this.env = env;
        found.addSensitiveHeaderNames(sensitiveHeaderNames(switchboard));
    }

    /** The extra header names of {@code switchboard.sensitive-headers} (strings only; the reader reports the rest). */
    static List<String> sensitiveHeaderNames(ConfigValue switchboard) {
        List<String> names = new ArrayList<>();
        if (switchboard instanceof ConfigObject o && o.get(SENSITIVE_HEADERS) instanceof ConfigList list) {
            for (ConfigValue v : list) {
                if (!ConfigFields.isUnresolved(v) && v.valueType() == ConfigValueType.STRING) {
                    names.add((String) v.unwrapped());
                }
            }
        }
        return names;
    }

    /** Whether the value at {@code path} is a secret by its place. */
    boolean isSecretPath(List<String> path) {
        if (path.isEmpty()) {
            return false;
        }
        if (path.equals(USAGE_LOG_PASSWORD)) {
            return true;
        }
        String last = path.get(path.size() - 1);
        if (!last.equals(ELEMENT) && sensitiveKeys.contains(last)) {
            return true;
        }
        return isHeader(path) || isGatewayKey(path);
    }

    /** A credential header's value in a {@code headers} block. */
    private boolean isHeader(List<String> path) {
        return path.size() >= 2 && path.get(path.size() - 2).equals("headers")
                && found.isSensitiveHeader(path.get(path.size() - 1));
    }

    /** A gateway key written as a block ({@code { key = ..., name = ... }}): only its {@code key} is secret. */
    static boolean isKeyBlock(List<String> path, ConfigValue value) {
        return value.valueType() == ConfigValueType.OBJECT && path.size() == 3 && isGatewayKey(path);
    }

    /** {@code gateway.keys[]}, {@code gateway.keys[].key}, and the same under {@code gateway.admin-keys}. */
    private static boolean isGatewayKey(List<String> path) {
        if (path.size() < 3 || !path.get(0).equals("gateway")
                || !(path.get(1).equals("keys") || path.get(1).equals("admin-keys")) || !path.get(2).equals(ELEMENT)) {
            return false;
        }
        return path.size() == 3 || (path.size() == 4 && path.get(3).equals("key"));
    }

    /**
     * Every secret of the configuration: the values at secret paths and those of the variables {@code api-key-env}
     * names, registered into {@code into} with the extra sensitive header names.
     */
    public void registerAll(ConfigValue switchboard, SecretRegistry into) {
        collect(switchboard, new ArrayList<>());
        into.registerAll(found);
        into.addSensitiveHeaderNames(sensitiveHeaderNames(switchboard));
    }

    /** The values found by {@link #registerAll} or {@link #collect(ConfigValue)}, as a registry of their own. */
    SecretRegistry collect(ConfigValue switchboard) {
        collect(switchboard, new ArrayList<>());
        return found;
    }

    private void collect(ConfigValue value, List<String> path) {
        if (value == null || ConfigFields.isUnresolved(value)) {
            return;
        }
        if (!ConfigFields.isScalar(value) && isSecretPath(path) && !isKeyBlock(path, value)) {
            registerLeaves(value); // a sensitive key holding a block or a list: all of it is secret
            return;
        }
        if (value instanceof ConfigObject o) {
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                path.add(e.getKey());
                collect(e.getValue(), path);
                path.remove(path.size() - 1);
            }
        } else if (value instanceof ConfigList l) {
            path.add(ELEMENT);
            for (ConfigValue v : l) {
                collect(v, path);
            }
            path.remove(path.size() - 1);
        } else if (ConfigFields.isScalar(value)) {
            String text = String.valueOf(value.unwrapped());
            if (isHeader(path)) {
                found.registerHeader(path.get(path.size() - 1), text); // also the token after "Bearer "
            } else if (isSecretPath(path)) {
                found.register(text);
            } else if (path.equals(USAGE_LOG_URL) || path.equals(REDIS_URI)) {
                ConnectionSecrets.passwordsIn(text).forEach(found::register); // the URL stays readable, its password not
            } else if (!path.isEmpty() && path.get(path.size() - 1).toLowerCase(Locale.ROOT).equals("api-key-env")) {
                found.register(env.get(text.strip()));
            }
        }
    }

    private void registerLeaves(ConfigValue value) {
        if (ConfigFields.isUnresolved(value)) {
            return;
        }
        if (value instanceof ConfigObject o) {
            o.values().forEach(this::registerLeaves);
        } else if (value instanceof ConfigList l) {
            l.forEach(this::registerLeaves);
        } else if (ConfigFields.isScalar(value)) {
            found.register(String.valueOf(value.unwrapped()));
        }
    }
}
