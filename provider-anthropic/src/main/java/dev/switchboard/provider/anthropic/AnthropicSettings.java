package dev.switchboard.provider.anthropic;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.UnsupportedParams;

/**
 * The Anthropic-specific keys of a provider block, read and checked once.
 *
 * @param baseUrl   the API root without a trailing slash, e.g. {@code https://api.anthropic.com/v1}
 * @param maxTokens the {@code max_tokens} sent when a request sets no max output tokens
 * @param version   the {@code anthropic-version} header
 * @param unsupportedParams what to do with a field the version, the model or the API cannot take
 */
record AnthropicSettings(String baseUrl, int maxTokens, String version, UnsupportedParams unsupportedParams) {

    static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
    static final int DEFAULT_MAX_TOKENS = 4096;
    static final String DEFAULT_VERSION = "2023-06-01";

    static AnthropicSettings of(ProviderSettings s) {
        ProviderOptions c = s.options();
        String prefix = "switchboard.providers." + s.name() + ".";
        int maxTokens = c.integer("max-tokens").orElse(DEFAULT_MAX_TOKENS);
        if (maxTokens < 1) {
            throw new IllegalArgumentException(prefix + "max-tokens must be at least 1, was " + maxTokens);
        }
        String version = c.string("anthropic-version").map(String::strip).orElse(DEFAULT_VERSION);
        if (version.isEmpty()) {
            throw new IllegalArgumentException(prefix + "anthropic-version is empty; leave it out to use " + DEFAULT_VERSION);
        }
        return new AnthropicSettings(Urls.trimTrailingSlash(s.baseUrl().orElse(DEFAULT_BASE_URL)), maxTokens, version,
                UnsupportedParams.of(s));
    }
}
