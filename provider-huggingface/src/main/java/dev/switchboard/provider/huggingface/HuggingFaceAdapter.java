package dev.switchboard.provider.huggingface;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Json;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.spi.ProviderSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The Inference Providers router, {@code https://router.huggingface.co/v1}: OpenAI's Chat Completions and Models
 * API. Model names such as {@code org/model:provider} go to the router unchanged; it reads the suffix. The router's
 * chat schema names the output limit {@code max_tokens}.
 */
final class HuggingFaceAdapter extends BasicOpenAiAdapter {

    static final String DEFAULT_BASE_URL = "https://router.huggingface.co/v1";
    private static final OpenAiWire.RequestOptions OPTIONS = new OpenAiWire.RequestOptions("max_tokens", true);

    HuggingFaceAdapter(ProviderSettings settings) {
        super(settings, DEFAULT_BASE_URL);
    }

    /** Everything but token-array embedding input: embeddings go through feature extraction, which takes texts only. */
    @Override
    public java.util.Set<dev.switchboard.api.Capability> capabilities() {
        return java.util.EnumSet.complementOf(java.util.EnumSet.of(dev.switchboard.api.Capability.EMBEDDING_TOKEN_INPUT));
    }

    @Override
    public OpenAiWire.RequestOptions requestOptions() {
        return OPTIONS;
    }

    /**
     * The router's model list is OpenAI's with a {@code providers} array per model; the context length is the largest
     * any of them serves.
     */
    @Override
    public List<ModelInfo> models(JsonNode body, String provider) {
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : body.path("data")) {
            String id = Json.text(m, "id");
            if (id == null || id.isEmpty()) {
                continue;
            }
            int context = 0;
            for (JsonNode p : m.path("providers")) {
                context = Math.max(context, p.path("context_length").asInt(0));
            }
            out.add(ModelInfo.builder(id, provider).ownedBy(Json.text(m, "owned_by")).contextLength(context).build());
        }
        return out;
    }

    @Override
    public ErrorMapper errorMapper() {
        return HuggingFaceErrorMapper.INSTANCE;
    }
}
