package dev.switchboard.provider.groq;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code groq}. */
public final class GroqProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "groq";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OpenAiCompatibleProvider<>(new GroqAdapter(settings), settings, context);
    }
}
