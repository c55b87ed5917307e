package dev.switchboard.provider.cohere;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code cohere}: Cohere's v2 API. */
public final class CohereProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "cohere";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new CohereProvider(settings, context);
    }
}
