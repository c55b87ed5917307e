package dev.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Embedding;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cohere's v2 API: {@code /chat} (SSE streaming), {@code /embed}, and the model listing under v1
 * ({@code /v1/models}, paged). Bearer key. Thread-safe.
 */
final class CohereProvider implements LlmProvider {

    /** Everything but token-array embedding input: its embeddings API takes texts only. */
    private static final Set<Capability> CAPABILITIES = EnumSet.complementOf(EnumSet.of(Capability.EMBEDDING_TOKEN_INPUT));
    private static final int MODELS_PAGE_SIZE = 1000;
    private static final int MAX_MODEL_PAGES = 100;

    private final ProviderSettings settings;
    private final CohereSettings cohere;
    private final HttpProviderClient http;
    private final URI chatUri;
    private final URI embedUri;

    CohereProvider(ProviderSettings settings, ProviderContext context) {
        this.settings = settings;
        this.cohere = CohereSettings.of(settings);
        Map<String, String> auth = settings.apiKey().map(k -> Map.of("Authorization", "Bearer " + k.reveal())).orElse(Map.of());
        this.http = HttpProviderClient.create(settings, context, auth, CohereErrorMapper.INSTANCE);
        this.chatUri = URI.create(cohere.baseUrl() + "/chat");
        this.embedUri = URI.create(cohere.baseUrl() + "/embed");
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
        return CAPABILITIES;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        String model = chatModel(request);
        Map<String, Object> params = CohereWire.parameters(name(), request, cohere);
        JsonNode body = http.postJson(chatUri, Map.of(), g -> CohereWire.writeChat(g, request, params, model, false)).body();
        return CohereWire.readChatResponse(body, name(), model);
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        String model = chatModel(request);
        Map<String, Object> params = CohereWire.parameters(name(), request, cohere);
        return new CohereChatStream(name(), model,
                http.openPost(chatUri, Map.of(), g -> CohereWire.writeChat(g, request, params, model, true), "text/event-stream"));
    }

    /** v2 {@code /embed} with float vectors and the configured {@code input_type}. */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        settings.requireApiKey();
        String model = settings.embeddingModelFor(request);
        JsonNode body = http.postJson(embedUri, Map.of(), g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("texts");
            for (String t : request.inputs()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeStringField("input_type", cohere.embedInputType());
            g.writeArrayFieldStart("embedding_types");
            g.writeString("float");
            g.writeEndArray();
            if (request.dimensions() != null) {
                g.writeNumberField("output_dimension", request.dimensions());
            }
            g.writeEndObject();
        }).body();
        List<Embedding> out = new ArrayList<>();
        for (JsonNode vec : body.path("embeddings").path("float")) {
            float[] v = new float[vec.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) vec.get(i).asDouble();
            }
            out.add(new Embedding(out.size(), v));
        }
        if (out.size() != request.inputs().size()) {
            throw LlmException.builder(ErrorKind.SERVER, name())
                    .message("asked for " + request.inputs().size() + " embeddings, got " + out.size()).build();
        }
        long tokens = body.path("meta").path("billed_units").path("input_tokens").asLong(0);
        return EmbeddingResponse.builder().embeddings(out).model(model).provider(name()).usage(Usage.of(tokens, 0)).build();
    }

    /** Every page of {@code /v1/models}. */
    @Override
    public List<ModelInfo> listModels() {
        settings.requireApiKey();
        List<ModelInfo> out = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        for (int page = 0; page < MAX_MODEL_PAGES; page++) {
            String query = "?page_size=" + MODELS_PAGE_SIZE
                    + (token == null ? "" : "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode body = http.getJson(URI.create(cohere.modelsUrl() + query), Map.of()).body();
            for (JsonNode m : body.path("models")) {
                String id = Json.text(m, "name");
                if (id != null) {
                    out.add(ModelInfo.builder(id, name()).kind(kind(m.path("endpoints"))).ownedBy("cohere")
                            .contextLength(m.path("context_length").asLong(0)).build());
                }
            }
            token = Json.text(body, "next_page_token");
            if (token == null || token.isEmpty() || !tokens.add(token)) {
                return out;
            }
        }
        return out;
    }

    private static String kind(JsonNode endpoints) {
        String first = "";
        for (JsonNode e : endpoints) {
            String endpoint = e.asText();
            if (endpoint.equals("chat")) {
                return "chat";
            }
            if (endpoint.equals("embed")) {
                return "embedding";
            }
            first = first.isEmpty() ? endpoint : first;
        }
        return first;
    }

    private String chatModel(ChatRequest request) {
        settings.requireApiKey();
        String reserved = CohereWire.reservedParameter(request);
        if (reserved != null) {
            throw LlmException.invalidRequest(name(), "provider parameter '" + reserved
                    + "' names a field Switchboard writes itself; set it through the request (messages, tools, options)");
        }
        return settings.modelFor(request);
    }


    @Override
    public String toString() {
        return "CohereProvider[" + name() + ", " + cohere.baseUrl() + "]";
    }
}
