package dev.switchboard.provider.together;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code together}. */
public final class TogetherProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "together";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OpenAiCompatibleProvider<>(new TogetherAdapter(settings), settings, context);
    }
}
