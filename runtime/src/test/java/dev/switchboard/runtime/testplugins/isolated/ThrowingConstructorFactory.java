package dev.switchboard.runtime.testplugins.isolated;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** A plugin whose factory cannot be instantiated. */
public final class ThrowingConstructorFactory implements ProviderFactory {

    public ThrowingConstructorFactory() {
        throw new IllegalStateException("broken plugin: constructor fails");
    }

    @Override
    public String type() {
        return "never";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        throw new UnsupportedOperationException("used by discovery tests only");
    }
}
