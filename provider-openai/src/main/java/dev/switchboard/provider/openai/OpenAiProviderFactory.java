package dev.switchboard.provider.openai;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code openai}: the OpenAI API, which is the OpenAI-compatible base with no changes. */
public final class OpenAiProviderFactory implements ProviderFactory {

    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    @Override
    public String type() {
        return "openai";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OpenAiCompatibleProvider<>(new BasicOpenAiAdapter(settings, DEFAULT_BASE_URL), settings, context);
    }
}
