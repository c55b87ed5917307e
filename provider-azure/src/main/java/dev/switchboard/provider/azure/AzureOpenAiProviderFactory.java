package dev.switchboard.provider.azure;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Provider type {@code azure-openai}. From config it authenticates with the {@code api-key} (or
 * {@code AZURE_OPENAI_API_KEY}) or a static {@code entra-token}; Java code that refreshes Entra ID tokens passes a
 * supplier to {@link #create(ProviderSettings, ProviderContext, Supplier)}.
 */
public final class AzureOpenAiProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "azure-openai";
    }

    @Override
    public Set<String> sensitiveKeys() {
        return Set.of("api-key", "entra-token");
    }

    /** Keys without a default in reference.conf: the resource URL, and a static Entra ID token instead of a key. */
    @Override
    public Set<String> settingKeys() {
        return Set.of("endpoint", "entra-token");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        AzureSettings azure = AzureSettings.of(settings);
        Supplier<String> token = azure.entraToken().map(t -> (Supplier<String>) t::reveal).orElse(null);
        return new OpenAiCompatibleProvider<>(new AzureOpenAiAdapter(azure, token), settings, context);
    }

    /**
     * A provider that sends {@code Authorization: Bearer <token>} with a token asked of {@code entraTokenSupplier} on
     * every request (scope {@code https://cognitiveservices.azure.com/.default}); the supplier caches and refreshes.
     */
    public static LlmProvider create(ProviderSettings settings, ProviderContext context, Supplier<String> entraTokenSupplier) {
        Objects.requireNonNull(entraTokenSupplier, "entraTokenSupplier");
        return new OpenAiCompatibleProvider<>(new AzureOpenAiAdapter(AzureSettings.of(settings), entraTokenSupplier),
                settings, context);
    }

}
