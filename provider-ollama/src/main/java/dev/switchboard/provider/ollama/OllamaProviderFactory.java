package dev.switchboard.provider.ollama;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code ollama}: Ollama's native API. */
public final class OllamaProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "ollama";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OllamaProvider(settings, context);
    }
}
