package dev.switchboard.runtime.testplugins.isolated;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** One of two plugins claiming the same type name. */
public final class DuplicateFactoryOne implements ProviderFactory {

    @Override
    public String type() {
        return "dup";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        throw new UnsupportedOperationException("used by discovery tests only");
    }
}
