package dev.switchboard.openai;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * An adapter that takes its base URL (or a default) and key from the provider's settings; extend it and override
 * only what the service does differently.
 */
public class BasicOpenAiAdapter implements OpenAiCompatible {

    private final String baseUrl;
    private final Optional<Secret> apiKey;

    public BasicOpenAiAdapter(ProviderSettings settings, String defaultBaseUrl) {
        Objects.requireNonNull(settings, "settings");
        this.baseUrl = Urls.trimTrailingSlash(settings.baseUrl().orElse(Objects.requireNonNull(defaultBaseUrl, "defaultBaseUrl")));
        this.apiKey = settings.apiKey();
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public Optional<Secret> apiKey() {
        return apiKey;
    }
}
