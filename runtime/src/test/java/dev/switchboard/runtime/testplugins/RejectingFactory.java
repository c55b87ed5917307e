package dev.switchboard.runtime.testplugins;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/**
 * Provider type {@code rejecting}: refuses every block, as a factory does with a provider-specific key it cannot
 * accept. With {@code careless = true} its message carelessly includes the key. With {@code missing-library = true}
 * it fails as a plugin does that uses a library it did not bundle: with a {@link NoClassDefFoundError}.
 */
public final class RejectingFactory implements ProviderFactory {

    @Override
    public String type() {
        return "rejecting";
    }

    @Override
    public java.util.Set<String> settingKeys() {
        return java.util.Set.of("region", "careless", "missing-library");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        if (settings.options().bool("missing-library").orElse(false)) {
            throw new NoClassDefFoundError("com/example/unbundled/Library");
        }
        String region = settings.options().string("region").orElse("none");
        String leak = settings.options().bool("careless").orElse(false)
                ? " (key " + settings.apiKey().map(k -> k.reveal()).orElse("none") + ")" : "";
        throw new IllegalArgumentException("region '" + region + "' is not served; use eu or us" + leak);
    }
}
