package dev.switchboard.provider.anthropic;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;

/** Provider type {@code anthropic}: Anthropic's Messages API. */
public final class AnthropicProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return AnthropicWire.TYPE;
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new AnthropicProvider(settings, context);
    }
}
