package dev.switchboard.provider.ollama;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.UnsupportedParams;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Ollama-specific keys of a provider block: {@code keep-alive}, {@code num-ctx} and {@code unsupported-params}
 * (what to do with an OpenAI-only field the chat API has no equivalent for).
 */
record OllamaSettings(String baseUrl, Optional<String> keepAlive, OptionalInt numCtx,
                      UnsupportedParams unsupportedParams) {

    static final String DEFAULT_BASE_URL = "http://localhost:11434";

    static OllamaSettings of(ProviderSettings s) {
        ProviderOptions c = s.options();
        String prefix = "switchboard.providers." + s.name() + ".";
        OptionalInt numCtx = OptionalInt.empty();
        if (c.has("num-ctx")) {
            int n = c.integer("num-ctx").orElseThrow();
            if (n < 1) {
                throw new IllegalArgumentException(prefix + "num-ctx must be at least 1, was " + n);
            }
            numCtx = OptionalInt.of(n);
        }
        Optional<String> keepAlive = c.string("keep-alive");
        return new OllamaSettings(Urls.trimTrailingSlash(s.baseUrl().orElse(DEFAULT_BASE_URL)), keepAlive, numCtx,
                UnsupportedParams.of(s));
    }
}
