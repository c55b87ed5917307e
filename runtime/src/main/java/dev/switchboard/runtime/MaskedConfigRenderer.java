package dev.switchboard.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders the {@code switchboard} subtree of a resolved configuration with secrets replaced by {@code ****}: the
 * value of every sensitive key (by name, at any depth: {@code api-key} and what the factories name), of headers that
 * carry credentials, and any other string that contains one of those secrets or a key read from the variable an
 * {@code api-key-env} names.
 */
final class MaskedConfigRenderer {

    static final String MASK = "****";
    /** Header names whose values are credentials, whatever the provider type. */
    private static final Set<String> SENSITIVE_HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key",
            "api-key");
    /** Shorter values are no real secret; scrubbing them from every string would garble the output. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final Set<String> sensitiveKeys = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> env;
    private final Set<String> secrets = new HashSet<>();

    MaskedConfigRenderer(Set<String> sensitiveKeys, Map<String, String> env) {
        this.sensitiveKeys.addAll(sensitiveKeys);
        this.sensitiveKeys.add("api-key");
        this.env = env;
    }

    String render(Config resolved, ConfigFormat format) {
        ConfigValue root = resolved.root().get(SwitchboardConfigLoader.ROOT);
        if (root == null) {
            root = ConfigFactory.empty().root();
        }
        collect(root, null);
        ConfigValue masked = mask(root, null);
        ConfigRenderOptions options = format == ConfigFormat.JSON
                ? ConfigRenderOptions.concise().setJson(true).setFormatted(true)
                : ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false)
                        .setFormatted(true);
        return ConfigFactory.empty().withValue(SwitchboardConfigLoader.ROOT, masked).root().render(options);
    }

    /** Gathers the secret values, so copies of them elsewhere can be scrubbed too. */
    private void collect(ConfigValue value, String key) {
        if (ConfigFields.isUnresolved(value)) {
            return;
        }
        if (value instanceof ConfigObject o) {
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                collect(e.getValue(), e.getKey());
            }
        } else if (value instanceof ConfigList l) {
            for (ConfigValue v : l) {
                collect(v, key);
            }
        } else if (key != null && ConfigFields.isScalar(value)) {
            String text = String.valueOf(value.unwrapped()).strip();
            if (isSensitive(key)) {
                addSecret(text);
            } else if (key.equals("api-key-env")) {
                addSecret(env.get(text));
            }
        }
    }

    private void addSecret(String secret) {
        if (secret != null && secret.strip().length() >= MIN_SECRET_LENGTH) {
            secrets.add(secret.strip());
        }
    }

    private ConfigValue mask(ConfigValue value, String key) {
        if (ConfigFields.isUnresolved(value)) {
            return value;
        }
        if (key != null && isSensitive(key) && value.valueType() != ConfigValueType.NULL) {
            return ConfigValueFactory.fromAnyRef(MASK, "masked secret");
        }
        if (value instanceof ConfigObject o) {
            ConfigObject out = o;
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                ConfigValue m = mask(e.getValue(), e.getKey());
                if (m != e.getValue()) {
                    out = out.withValue(e.getKey(), m);
                }
            }
            return out;
        }
        if (value instanceof ConfigList l) {
            List<ConfigValue> out = new ArrayList<>(l.size());
            boolean changed = false;
            for (ConfigValue v : l) {
                ConfigValue m = mask(v, null);
                changed |= m != v;
                out.add(m);
            }
            return changed ? ConfigValueFactory.fromIterable(out, l.origin().description()) : l;
        }
        if (value.valueType() == ConfigValueType.STRING) {
            String text = (String) value.unwrapped();
            String scrubbed = text;
            for (String secret : secrets) {
                scrubbed = scrubbed.replace(secret, MASK);
            }
            if (!scrubbed.equals(text)) {
                return ConfigValueFactory.fromAnyRef(scrubbed, "masked secret");
            }
        }
        return value;
    }

    private boolean isSensitive(String key) {
        return sensitiveKeys.contains(key) || SENSITIVE_HEADERS.contains(key.toLowerCase(Locale.ROOT));
    }
}
