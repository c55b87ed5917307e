package dev.switchboard.provider.huggingface;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;

/**
 * The Hugging Face-specific key of a provider block: {@code feature-extraction-url}, a URL template where
 * {@code {model}} stands for the embedding model. When unset it is derived from {@code base-url}, so a proxy in front
 * of the router serves both: the base URL's root (without a trailing {@code /v1}) plus
 * {@code /hf-inference/models/{model}/pipeline/feature-extraction}.
 */
record HuggingFaceSettings(String featureExtractionUrl) {

    static final String FEATURE_EXTRACTION_PATH = "/hf-inference/models/{model}/pipeline/feature-extraction";

    static HuggingFaceSettings of(ProviderSettings s) {
        String key = "switchboard.providers." + s.name() + ".feature-extraction-url";
        if (s.options().has("feature-extraction-url")) {
            String url = s.options().string("feature-extraction-url").orElseThrow().strip();
            URI uri;
            try {
                uri = URI.create(url.replace("{model}", "m"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " is not a URL: " + url);
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException(key + " must be an http:// or https:// URL, was " + url);
            }
            return new HuggingFaceSettings(url);
        }
        String root = Urls.trimTrailingSlash(s.baseUrl().orElse(HuggingFaceAdapter.DEFAULT_BASE_URL).strip());
        if (root.endsWith("/v1")) {
            root = root.substring(0, root.length() - "/v1".length());
        }
        return new HuggingFaceSettings(root + FEATURE_EXTRACTION_PATH);
    }
}
