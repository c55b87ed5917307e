package dev.switchboard.provider.cohere;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;

/** Provider type {@code cohere}: Cohere's v2 API. */
public final class CohereProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "cohere";
    }

    /** Keys without a default in reference.conf: where the model list is read, when not under base-url. */
    @Override
    public Set<String> settingKeys() {
        return Set.of("models-url");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new CohereProvider(settings, context);
    }
}
