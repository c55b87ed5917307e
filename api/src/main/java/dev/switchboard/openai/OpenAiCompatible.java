package dev.switchboard.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Capability;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.Usage;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.StandardErrorMapper;
import dev.switchboard.spi.Secret;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What makes one OpenAI-compatible service different from another. An adapter gives its base URL and key and
 * overrides only the defaults its service does differently; {@link OpenAiCompatibleProvider} does the rest.
 */
public interface OpenAiCompatible extends OpenAiWire.Dialect {

    /** The API root, e.g. {@code https://api.openai.com/v1}, without a trailing slash. */
    String baseUrl();

    Optional<Secret> apiKey();

    /** Whether calls need a key (local servers usually don't). */
    default boolean requiresApiKey() {
        return true;
    }

    /** Headers that authenticate a call: {@code Authorization: Bearer <key>} by default. */
    default Map<String, String> authHeaders() {
        return apiKey().map(k -> Map.of("Authorization", "Bearer " + k.reveal())).orElse(Map.of());
    }

    /**
     * Headers computed for each request, on top of {@link #authHeaders()} (which are fixed when the provider is
     * made): e.g. a short-lived bearer token from a token supplier.
     */
    default Map<String, String> requestHeaders() {
        return Map.of();
    }

    /**
     * Whether {@link #requestHeaders()} returns at once: then a chat call can be made without holding a thread
     * ({@link dev.switchboard.api.LlmProvider#chatWithoutWaiting}), whose headers are asked for on an I/O thread. An
     * adapter whose headers come from something that may wait (a token supplier that fetches a token over the network)
     * says false, and its calls are made on a thread that may block.
     */
    default boolean requestHeadersWithoutWaiting() {
        return true;
    }

    /** Rewrites an endpoint path such as {@code /chat/completions} for a model (Azure routes by deployment). */
    default String transformEndpoint(String endpoint, String model) {
        return endpoint;
    }

    /** The model name the request body carries for {@code model}: itself by default (Azure's v1 routes want the deployment). */
    default String bodyModel(String model) {
        return model;
    }

    default URI buildUrl(String endpoint, String model) {
        return URI.create(baseUrl() + transformEndpoint(endpoint, model));
    }

    default Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    default OpenAiWire.RequestOptions requestOptions() {
        return OpenAiWire.RequestOptions.OPENAI;
    }

    @Override
    default FinishReason finishReason(String raw) {
        return OpenAiWire.finishReason(raw);
    }

    @Override
    default Usage usage(JsonNode responseOrChunk) {
        return OpenAiWire.usage(responseOrChunk.get("usage"));
    }

    /** Reads the body of {@code GET /models}. */
    default List<ModelInfo> models(JsonNode body, String provider) {
        return OpenAiWire.readModels(body, provider);
    }

    default ErrorMapper errorMapper() {
        return StandardErrorMapper.INSTANCE;
    }

    /** An error object sent inside an otherwise successful stream, or null when the chunk is not one. */
    default JsonNode streamError(JsonNode chunk) {
        JsonNode e = chunk.get("error");
        return e != null && !e.isNull() ? e : null;
    }
}
