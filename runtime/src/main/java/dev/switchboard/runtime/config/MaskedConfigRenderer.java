package dev.switchboard.runtime.config;

import dev.switchboard.runtime.ConfigFormat;
import dev.switchboard.runtime.Switchboard;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.spi.SecretRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders the {@code switchboard} subtree of a resolved configuration with secrets replaced by {@code ****}: every
 * value {@link ConfigSecrets} places as a secret (provider keys and what the factories name, credential headers,
 * gateway keys and admin keys), and any copy of a secret (or of a key read from the variable an {@code api-key-env}
 * names, or of a value already in {@code known}) inside another string.
 */
public final class MaskedConfigRenderer {

    static final String MASK = SecretRegistry.MASK;

    private final Set<String> sensitiveKeys;
    private final Map<String, String> env;
    private final SecretRegistry known;

    public MaskedConfigRenderer(Set<String> sensitiveKeys, Map<String, String> env) {
        this(sensitiveKeys, env, SecretRegistry.create());
    }

    /** @param known secrets registered elsewhere (e.g. the Switchboard's), masked wherever they appear */
    public MaskedConfigRenderer(Set<String> sensitiveKeys, Map<String, String> env, SecretRegistry known) {
        this.sensitiveKeys = sensitiveKeys;
        this.env = env;
        this.known = known;
    }

    public String render(Config resolved, ConfigFormat format) {
        ConfigValue root = resolved.root().get(SwitchboardConfigLoader.ROOT);
        if (root == null) {
            root = ConfigFactory.empty().root();
        }
        ConfigSecrets placement = new ConfigSecrets(sensitiveKeys, env, root);
        SecretRegistry secrets = SecretRegistry.create();
        secrets.registerAll(known);
        secrets.registerAll(placement.collect(root));
        ConfigValue masked = new Masking(placement, secrets).mask(root, new ArrayList<>());
        ConfigRenderOptions options = format == ConfigFormat.JSON
                ? ConfigRenderOptions.concise().setJson(true).setFormatted(true)
                : ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false)
                        .setFormatted(true);
        return ConfigFactory.empty().withValue(SwitchboardConfigLoader.ROOT, masked).root().render(options);
    }

    /** One walk over the tree: a value at a secret path becomes {@code ****}, copies in other strings are masked. */
    private record Masking(ConfigSecrets placement, SecretRegistry secrets) {

        ConfigValue mask(ConfigValue value, List<String> path) {
            if (ConfigFields.isUnresolved(value)) {
                return value;
            }
            // An empty string hides nothing: shown as "" it says that no secret is set (e.g. usage-log.password).
            if (placement.isSecretPath(path) && value.valueType() != ConfigValueType.NULL
                    && !(value.valueType() == ConfigValueType.STRING && ((String) value.unwrapped()).isEmpty())
                    && !ConfigSecrets.isKeyBlock(path, value)) {
                return ConfigValueFactory.fromAnyRef(MASK, "masked secret");
            }
            if (value instanceof ConfigObject o) {
                ConfigObject out = o;
                for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                    path.add(e.getKey());
                    ConfigValue m = mask(e.getValue(), path);
                    path.remove(path.size() - 1);
                    if (m != e.getValue()) {
                        out = out.withValue(e.getKey(), m);
                    }
                }
                return out;
            }
            if (value instanceof ConfigList l) {
                List<ConfigValue> out = new ArrayList<>(l.size());
                boolean changed = false;
                path.add(ConfigSecrets.ELEMENT);
                for (ConfigValue v : l) {
                    ConfigValue m = mask(v, path);
                    changed |= m != v;
                    out.add(m);
                }
                path.remove(path.size() - 1);
                return changed ? ConfigValueFactory.fromIterable(out, l.origin().description()) : l;
            }
            if (value.valueType() == ConfigValueType.STRING) {
                String text = (String) value.unwrapped();
                String scrubbed = secrets.mask(text);
                if (!scrubbed.equals(text)) {
                    return ConfigValueFactory.fromAnyRef(scrubbed, "masked secret");
                }
            }
            return value;
        }
    }
}
