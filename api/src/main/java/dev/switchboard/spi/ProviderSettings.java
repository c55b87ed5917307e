package dev.switchboard.spi;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.internal.ConfigOptions;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A provider's configuration, read and checked by the runtime before the factory sees it.
 *
 * @param name           the configured name ({@code switchboard.providers.<name>})
 * @param type           the provider type
 * @param baseUrl        the API's base URL, when the type needs one
 * @param apiKey         the key, when one is set (from config or from the variable {@code apiKeyEnv} names)
 * @param apiKeyEnv      the environment variable the key is read from, to name it in errors
 * @param model          the default chat model
 * @param embeddingModel the default embedding model
 * @param timeouts       HTTP timeouts
 * @param responseLimits the most the provider's answers may hold ({@code limits.max-response-bytes} and the like)
 * @param headers        extra headers sent with every request
 * @param options        the provider's whole block (defaults included), for provider-specific keys
 */
public record ProviderSettings(
        String name,
        String type,
        Optional<String> baseUrl,
        Optional<Secret> apiKey,
        Optional<String> apiKeyEnv,
        Optional<String> model,
        Optional<String> embeddingModel,
        Timeouts timeouts,
        ResponseLimits responseLimits,
        Map<String, String> headers,
        ProviderOptions options) {

    public ProviderSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiKeyEnv, "apiKeyEnv");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(embeddingModel, "embeddingModel");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(responseLimits, "responseLimits");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(options, "options");
    }

    /** Settings with the default {@link ResponseLimits}, as before response limits were configurable. */
    public ProviderSettings(String name, String type, Optional<String> baseUrl, Optional<Secret> apiKey,
                            Optional<String> apiKeyEnv, Optional<String> model, Optional<String> embeddingModel,
                            Timeouts timeouts, Map<String, String> headers, ProviderOptions options) {
        this(name, type, baseUrl, apiKey, apiKeyEnv, model, embeddingModel, timeouts, ResponseLimits.DEFAULTS, headers,
                options);
    }

    /**
     * Shows no value that may be a secret: the key is masked, headers are shown by name only, and the provider's
     * options (which may hold {@code api-key} and other sensitive keys) by their key names only.
     */
    @Override
    public String toString() {
        return "ProviderSettings[name=" + name + ", type=" + type
                + ", baseUrl=" + baseUrl.orElse("(default)")
                + ", apiKey=" + apiKey.map(Secret::toString).orElse("(none)")
                + apiKeyEnv.map(env -> ", apiKeyEnv=" + env).orElse("")
                + ", model=" + model.orElse("(default)")
                + embeddingModel.map(m -> ", embeddingModel=" + m).orElse("")
                + ", timeouts=" + timeouts
                + ", responseLimits=" + responseLimits
                + ", headers=" + new TreeSet<>(headers.keySet())
                + ", option keys=" + new TreeSet<>(options.keys()) + "]";
    }

    /** Settings for code that builds a provider by hand (tests, embedding without config files). */
    public static Builder builder(String name, String type) {
        return new Builder(name, type);
    }

    /** Where to set the key, for error messages: the variable, or the config key. */
    public String apiKeyHint() {
        String key = "switchboard.providers." + name + ".api-key";
        return apiKeyEnv.map(env -> "set " + env + " or " + key).orElse("set " + key);
    }

    /**
     * The model a chat request goes to: the request's, else the configured default.
     *
     * @throws LlmException MODEL_NOT_FOUND naming the config key to set, when there is neither
     */
    public String modelFor(ChatRequest request) {
        return request.model().or(this::model).orElseThrow(() -> noModel("model"));
    }

    /**
     * The model an embedding request goes to: the request's, else the configured embedding model.
     *
     * @throws LlmException MODEL_NOT_FOUND naming the config key to set, when there is neither
     */
    public String embeddingModelFor(EmbeddingRequest request) {
        return java.util.Optional.ofNullable(request.model()).or(this::embeddingModel).orElseThrow(() -> noModel("embedding-model"));
    }

    /**
     * Fails before anything is sent when no key is configured.
     *
     * @throws LlmException AUTHENTICATION naming the variable or key to set
     */
    public void requireApiKey() {
        if (apiKey.isEmpty()) {
            throw LlmException.builder(ErrorKind.AUTHENTICATION, name).message("no API key: " + apiKeyHint()).build();
        }
    }

    private LlmException noModel(String key) {
        return LlmException.builder(ErrorKind.MODEL_NOT_FOUND, name)
                .message("no model in the request and switchboard.providers." + name + "." + key + " is not set").build();
    }

    /** Builds {@link ProviderSettings} by hand. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String type;
        private String baseUrl;
        private Secret apiKey;
        private String apiKeyEnv;
        private String model;
        private String embeddingModel;
        private Timeouts timeouts = Timeouts.DEFAULTS;
        private ResponseLimits responseLimits = ResponseLimits.DEFAULTS;
        private Map<String, String> headers = Map.of();
        private Map<String, ?> options = Map.of();

        private Builder(String name, String type) {
            this.name = name;
            this.type = type;
        }

        public Builder baseUrl(String baseUrl) { this.baseUrl = baseUrl; return this; }
        public Builder apiKey(String apiKey) { this.apiKey = apiKey == null ? null : Secret.of(apiKey); return this; }
        public Builder apiKeyEnv(String apiKeyEnv) { this.apiKeyEnv = apiKeyEnv; return this; }
        public Builder model(String model) { this.model = model; return this; }
        public Builder embeddingModel(String embeddingModel) { this.embeddingModel = embeddingModel; return this; }
        public Builder timeouts(Timeouts timeouts) { this.timeouts = timeouts; return this; }
        public Builder responseLimits(ResponseLimits responseLimits) { this.responseLimits = responseLimits; return this; }
        public Builder headers(Map<String, String> headers) { this.headers = headers; return this; }
        /**
         * Provider-specific keys, as they would appear in the provider's config block: key to value, where a value is a
         * string, number, boolean, or a list or map of those (a duration is written as text, e.g. {@code "250ms"}).
         */
        public Builder options(Map<String, ?> options) { this.options = Map.copyOf(options); return this; }

        public ProviderSettings build() {
            return new ProviderSettings(name, type, Optional.ofNullable(baseUrl), Optional.ofNullable(apiKey),
                    Optional.ofNullable(apiKeyEnv), Optional.ofNullable(model), Optional.ofNullable(embeddingModel),
                    timeouts, responseLimits, headers, ConfigOptions.of(options, "switchboard.providers." + name));
        }
    }
}
