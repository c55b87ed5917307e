package dev.switchboard.provider.huggingface;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.JsonResponse;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Hugging Face: chat, streaming and model listing go to the Inference Providers router through the shared
 * OpenAI-compatible base; embeddings are the feature-extraction task on HF Inference, which is not OpenAI-shaped, so
 * this class does them itself. Thread-safe.
 */
final class HuggingFaceProvider implements LlmProvider {

    private final ProviderSettings settings;
    private final OpenAiCompatibleProvider<HuggingFaceAdapter> router;
    private final HuggingFaceSettings huggingFace;
    private final HttpProviderClient http;

    HuggingFaceProvider(ProviderSettings settings, ProviderContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        HuggingFaceAdapter adapter = new HuggingFaceAdapter(settings);
        this.router = new OpenAiCompatibleProvider<>(adapter, settings, context);
        this.huggingFace = HuggingFaceSettings.of(settings);
        this.http = HttpProviderClient.create(settings, context, adapter.authHeaders(), HuggingFaceErrorMapper.INSTANCE);
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String type() {
        return settings.type();
    }

    @Override
    public Set<Capability> capabilities() {
        return router.capabilities();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return router.chat(request);
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        return router.stream(request);
    }

    @Override
    public List<ModelInfo> listModels() {
        return router.listModels();
    }

    /**
     * Embeds with the feature-extraction task. Feature extraction has no way to ask for shorter vectors, so a request
     * that sets {@code dimensions} is refused before it is sent.
     */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        if (settings.apiKey().isEmpty()) {
            throw LlmException.builder(ErrorKind.AUTHENTICATION, name()).message("no API key: " + settings.apiKeyHint()).build();
        }
        if (request.dimensions() != null) {
            throw LlmException.unsupported(name(), "embedding dimensions (Hugging Face feature extraction returns the model's own size)");
        }
        String model = settings.embeddingModelFor(request);
        JsonResponse r = http.postJson(FeatureExtraction.url(huggingFace.featureExtractionUrl(), model), Map.of(),
                g -> FeatureExtraction.writeRequest(g, request.inputs()));
        return EmbeddingResponse.builder()
                .embeddings(FeatureExtraction.readVectors(r.body(), request.inputs().size(), name(), model))
                .model(model)
                .provider(name())
                .build();
    }

    @Override
    public void close() {
        router.close();
    }

    @Override
    public String toString() {
        return "HuggingFaceProvider[" + name() + ", " + router.adapter().baseUrl() + ", " + huggingFace.featureExtractionUrl() + "]";
    }
}
