package dev.switchboard.provider.openaicompatible;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/**
 * Provider type {@code openai-compatible}: any server speaking the OpenAI API, configured with its {@code base-url}
 * and, where it wants them, a key and headers; what it can do is declared with {@code capabilities}.
 */
public final class OpenAiCompatibleProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "openai-compatible";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OpenAiCompatibleProvider<>(ConfiguredAdapter.of(settings), settings, context);
    }
}
