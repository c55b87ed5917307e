package dev.switchboard.provider.huggingface;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;

/** Provider type {@code huggingface}: the Inference Providers router for chat, feature extraction for embeddings. */
public final class HuggingFaceProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "huggingface";
    }

    /** Keys without a default in reference.conf: the feature-extraction endpoint used for embeddings. */
    @Override
    public Set<String> settingKeys() {
        return Set.of("feature-extraction-url");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new HuggingFaceProvider(settings, context);
    }
}
