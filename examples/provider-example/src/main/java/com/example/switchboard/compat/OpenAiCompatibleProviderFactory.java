package com.example.switchboard.compat;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code openai-style}: registered in META-INF/services and module-info.java. */
public final class OpenAiCompatibleProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "openai-style";
    }

    /** The shared OpenAI-compatible provider does the wire work; the adapter says what this service does differently. */
    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new OpenAiCompatibleProvider<>(new CompatibleAdapter(settings), settings, context);
    }
}
