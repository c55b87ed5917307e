package dev.switchboard.provider.gemini;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code gemini}: the Gemini API ({@code generativelanguage.googleapis.com}). */
public final class GeminiProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "gemini";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new GeminiProvider(settings, context);
    }
}
