package dev.switchboard.provider.replicate;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code replicate}: language models run as Replicate predictions. */
public final class ReplicateProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "replicate";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new ReplicateProvider(settings, context, Sleeper.SYSTEM);
    }
}
