package dev.switchboard.provider.cohere;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.UnsupportedParams;

/**
 * The Cohere-specific keys of a provider block, read and checked once.
 *
 * @param baseUrl        the v2 API root ({@code /chat}, {@code /embed}), without a trailing slash
 * @param modelsUrl      the model listing, which lives under v1
 * @param embedInputType the {@code input_type} of embedding requests (v2 embed requires one)
 * @param unsupportedParams what to do with an OpenAI-only field the v2 chat API has no equivalent for
 */
record CohereSettings(String baseUrl, String modelsUrl, String embedInputType, UnsupportedParams unsupportedParams) {

    static final String DEFAULT_BASE_URL = "https://api.cohere.com/v2";

    static CohereSettings of(ProviderSettings s) {
        ProviderOptions c = s.options();
        String prefix = "switchboard.providers." + s.name() + ".";
        String base = Urls.trimTrailingSlash(s.baseUrl().orElse(DEFAULT_BASE_URL));
        String models = c.string("models-url").filter(u -> !u.isBlank()).map(u -> Urls.trimTrailingSlash(u.strip()))
                .orElse((base.endsWith("/v2") ? base.substring(0, base.length() - 3) + "/v1" : base) + "/models");
        String inputType = c.string("embed-input-type").map(String::strip).orElse("search_document");
        if (inputType.isEmpty()) {
            throw new IllegalArgumentException(prefix + "embed-input-type must not be empty; Cohere's v2 embed needs one,"
                    + " e.g. search_document, search_query, classification or clustering");
        }
        return new CohereSettings(base, models, inputType, UnsupportedParams.of(s));
    }
}
