package dev.switchboard.provider.azure;

import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Urls;
import dev.switchboard.openai.OpenAiCompatible;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.spi.Secret;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Azure OpenAI. Classic style routes a model to its deployment path
 * {@code /openai/deployments/{deployment}/...?api-version=...}; the v1 style uses {@code /openai/v1/...} with the
 * deployment as the body's model. Authenticates with an {@code api-key} header, or with an Entra ID bearer token
 * (static, or from a supplier asked on every request so it can refresh).
 */
final class AzureOpenAiAdapter implements OpenAiCompatible {

    private static final OpenAiWire.RequestOptions CLASSIC_2024_10_21 = new OpenAiWire.RequestOptions("max_tokens", false, false);
    private static final OpenAiWire.RequestOptions CLASSIC_CURRENT =
            new OpenAiWire.RequestOptions("max_completion_tokens", true, false);

    private final AzureSettings settings;
    private final Supplier<String> entraToken;

    AzureOpenAiAdapter(AzureSettings settings, Supplier<String> entraToken) {
        this.settings = settings;
        this.entraToken = entraToken;
    }

    /**
     * Everything, but token-array embedding input only on the v1 routes (OpenAI's API, which takes token arrays): the
     * classic inference spec's embeddings {@code input} is a string or an array of strings.
     */
    @Override
    public java.util.Set<dev.switchboard.api.Capability> capabilities() {
        return settings.v1() ? java.util.EnumSet.allOf(dev.switchboard.api.Capability.class)
                : java.util.EnumSet.complementOf(java.util.EnumSet.of(dev.switchboard.api.Capability.EMBEDDING_TOKEN_INPUT));
    }

    @Override
    public String baseUrl() {
        return Urls.trimTrailingSlash(settings.endpoint());
    }

    @Override
    public Optional<Secret> apiKey() {
        return settings.apiKey();
    }

    @Override
    public boolean requiresApiKey() {
        return entraToken == null;
    }

    @Override
    public Map<String, String> authHeaders() {
        return entraToken != null ? Map.of() : apiKey().map(k -> Map.of("api-key", k.reveal())).orElse(Map.of());
    }

    @Override
    public Map<String, String> requestHeaders() {
        return entraToken == null ? Map.of() : Map.of("Authorization", "Bearer " + entraToken.get());
    }

    /** A token supplier may fetch its token over the network: calls with one are made on a thread that may block. */
    @Override
    public boolean requestHeadersWithoutWaiting() {
        return entraToken == null;
    }

    /** The v1 routes name the deployment in the body's {@code model}; the classic ones name it in the path. */
    @Override
    public String bodyModel(String model) {
        return settings.v1() ? settings.deployments().getOrDefault(model, model) : model;
    }

    /**
     * What the request body may carry. The classic routes at a GA api-version up to {@code 2024-10-21} take the body
     * of that version's inference spec: no {@code model}, {@code max_tokens}, no {@code stream_options} (so a stream
     * reports no usage). Later and preview versions, and the v1 routes, take the current OpenAI fields.
     */
    @Override
    public OpenAiWire.RequestOptions requestOptions() {
        if (settings.v1()) {
            return OpenAiWire.RequestOptions.OPENAI;
        }
        return settings.speaksGa20241021OrEarlier() ? CLASSIC_2024_10_21 : CLASSIC_CURRENT;
    }

    // The model list: GET /openai/models?api-version= is Models_List of the authoring spec (stable/2024-10-21 has it),
    // not of the inference spec; the v1 routes list models at /openai/v1/models.
    @Override
    public String transformEndpoint(String endpoint, String model) {
        if (settings.v1()) {
            return "/openai/v1" + endpoint;
        }
        String version = "?api-version=" + settings.apiVersion();
        if (endpoint.equals("/models")) {
            return "/openai/models" + version;
        }
        return "/openai/deployments/" + settings.deploymentFor(model) + endpoint + version;
    }

    @Override
    public ErrorMapper errorMapper() {
        return AzureErrorMapper.INSTANCE;
    }
}
