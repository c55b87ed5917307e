package dev.switchboard.provider.openai;

import dev.switchboard.http.Urls;
import dev.switchboard.openai.OpenAiCompatible;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Secret;
import java.util.Optional;

/** OpenAI itself: the base URL and key; every other behaviour is the OpenAI-compatible default. */
final class OpenAiAdapter implements OpenAiCompatible {

    private final String baseUrl;
    private final Optional<Secret> apiKey;

    OpenAiAdapter(ProviderSettings settings) {
        this.baseUrl = Urls.trimTrailingSlash(settings.baseUrl().orElse(OpenAiProviderFactory.DEFAULT_BASE_URL));
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
