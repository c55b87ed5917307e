package dev.switchboard.runtime.testplugins.isolated;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** A plugin whose {@code type()} throws. */
public final class ThrowingTypeFactory implements ProviderFactory {

    @Override
    public String type() {
        throw new IllegalStateException("broken plugin: type() fails");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        throw new UnsupportedOperationException("used by discovery tests only");
    }
}
