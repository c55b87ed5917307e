package dev.switchboard.runtime.testplugins;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/**
 * Provider type {@code rejecting}: refuses every block, as a factory does with a provider-specific key it cannot
 * accept. With {@code careless = true} its message carelessly includes the key.
 */
public final class RejectingFactory implements ProviderFactory {

    @Override
    public String type() {
        return "rejecting";
    }

    @Override
    public java.util.Set<String> settingKeys() {
        return java.util.Set.of("region", "careless");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        String region = settings.options().string("region").orElse("none");
        String leak = settings.options().bool("careless").orElse(false)
                ? " (key " + settings.apiKey().map(k -> k.reveal()).orElse("none") + ")" : "";
        throw new IllegalArgumentException("region '" + region + "' is not served; use eu or us" + leak);
    }
}
