package dev.switchboard.provider.gemini;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Set;

/** Provider type {@code gemini}: the Gemini API ({@code generativelanguage.googleapis.com}). */
public final class GeminiProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return GeminiWire.TYPE;
    }

    /** Keys without a default in reference.conf: the task type sent with embedding requests. */
    @Override
    public Set<String> settingKeys() {
        return Set.of("embedding-task-type");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new GeminiProvider(settings, context);
    }
}
