package dev.switchboard.provider.ollama;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;

/** Provider type {@code ollama}: Ollama's native API. */
public final class OllamaProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "ollama";
    }

    /** Keys without a default in reference.conf: how long a model stays loaded, and its context window. */
    @Override
    public Set<String> settingKeys() {
        return Set.of("keep-alive", "num-ctx");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OllamaProvider(settings, context);
    }
}
