package dev.switchboard.runtime.testplugins.isolated;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;

/**
 * A third-party type that reads keys of its own: {@code region} and {@code deployment-id} declared here, and
 * {@code flavour} with a default in its jar's reference.conf. Key-checking tests copy it into a plugin jar.
 */
public final class DeclaringFactory implements ProviderFactory {

    @Override
    public String type() {
        return "declaring";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("region", "deployment-id");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        throw new UnsupportedOperationException("used by config-checking tests only");
    }
}
