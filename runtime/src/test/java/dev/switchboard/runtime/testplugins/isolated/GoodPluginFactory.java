package dev.switchboard.runtime.testplugins.isolated;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** A plugin that loads fine. Discovery tests copy it into a jar of its own. */
public final class GoodPluginFactory implements ProviderFactory {

    @Override
    public String type() {
        return "good";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        throw new UnsupportedOperationException("used by discovery tests only");
    }
}
