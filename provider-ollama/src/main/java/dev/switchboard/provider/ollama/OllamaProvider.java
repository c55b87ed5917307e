package dev.switchboard.provider.ollama;

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
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ToolCall;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.Json;
import dev.switchboard.http.StandardErrorMapper;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Ollama's native API: {@code /api/chat} (NDJSON streaming), {@code /api/embed}, {@code /api/tags} and
 * {@code /api/show}. No key is needed locally; one set in config is sent as a bearer token (for a proxy).
 * Thread-safe.
 */
final class OllamaProvider implements LlmProvider {

    /** Everything but token-array embedding input: its embeddings API takes texts only. */
    private static final Set<Capability> CAPABILITIES = EnumSet.complementOf(EnumSet.of(Capability.EMBEDDING_TOKEN_INPUT));

    private final ProviderSettings settings;
    private final OllamaSettings ollama;
    private final HttpProviderClient http;
    private final URI chatUri;
    private final URI embedUri;
    private final URI tagsUri;
    private final URI showUri;

    OllamaProvider(ProviderSettings settings, ProviderContext context) {
        this.settings = settings;
        this.ollama = OllamaSettings.of(settings);
        Map<String, String> auth = settings.apiKey().map(k -> Map.of("Authorization", "Bearer " + k.reveal())).orElse(Map.of());
        this.http = HttpProviderClient.create(settings, context, auth, StandardErrorMapper.INSTANCE);
        this.chatUri = URI.create(ollama.baseUrl() + "/api/chat");
        this.embedUri = URI.create(ollama.baseUrl() + "/api/embed");
        this.tagsUri = URI.create(ollama.baseUrl() + "/api/tags");
        this.showUri = URI.create(ollama.baseUrl() + "/api/show");
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
        String model = model(request);
        Map<String, Object> params = OllamaWire.parameters(name(), request, ollama);
        JsonNode body = call(() -> http.postJson(chatUri, Map.of(),
                g -> OllamaWire.writeChat(g, name(), request, params, model, false, ollama)).body());
        JsonNode error = body.get("error");
        if (error != null && !error.isNull()) {
            throw StandardErrorMapper.INSTANCE.mapStreamError(name(), error);
        }
        JsonNode message = body.path("message");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            calls.add(new ToolCall(OllamaWire.toolCallId(call, calls.size()), fn.path("name").asText(""),
                    OllamaWire.argumentsText(fn.get("arguments"))));
        }
        String reason = Json.text(body, "done_reason");
        String answered = Json.text(body, "model");
        return ChatResponse.builder()
                .model(answered == null ? model : answered)
                .provider(name())
                .message(Message.assistant(message.path("content").asText(""), calls))
                .reasoning(message.path("thinking").asText(""))
                .finishReason(OllamaWire.finishReason(reason, !calls.isEmpty()))
                .rawFinishReason(reason)
                .usage(OllamaWire.usage(body))
                .build();
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        String model = model(request);
        Map<String, Object> params = OllamaWire.parameters(name(), request, ollama);
        return call(() -> new OllamaChatStream(name(), model, http.openPost(chatUri, Map.of(),
                g -> OllamaWire.writeChat(g, name(), request, params, model, true, ollama), "application/x-ndjson"),
                StandardErrorMapper.INSTANCE));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        String model = settings.embeddingModelFor(request);
        JsonNode body = call(() -> http.postJson(embedUri, Map.of(),
                g -> OllamaWire.writeEmbed(g, model, request.inputs(), request.dimensions())).body());
        JsonNode vectors = body.path("embeddings");
        List<Embedding> out = new ArrayList<>(vectors.size());
        for (JsonNode vec : vectors) {
            float[] v = new float[vec.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) vec.get(i).asDouble();
            }
            out.add(new Embedding(out.size(), v));
        }
        return EmbeddingResponse.builder().embeddings(out).model(body.path("model").asText(model)).provider(name())
                .usage(dev.switchboard.api.Usage.of(body.path("prompt_eval_count").asLong(0), 0)).build();
    }

    @Override
    public List<ModelInfo> listModels() {
        JsonNode body = call(() -> http.getJson(tagsUri, Map.of()).body());
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : body.path("models")) {
            String id = Json.text(m, "name");
            if (id != null) {
                out.add(ModelInfo.builder(id, name()).kind(m.path("details").path("family").asText("")).build());
            }
        }
        return out;
    }

    /** Asks {@code /api/show}: a 404 means the model is not pulled. */
    @Override
    public boolean isModelAvailable(String model) {
        try {
            show(model);
            return true;
        } catch (LlmException e) {
            if (e.kind() == ErrorKind.MODEL_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /**
     * What a pulled model can do, from {@code /api/show}'s {@code capabilities} ({@code completion}, {@code tools},
     * {@code vision}, {@code embedding}, {@code thinking}).
     */
    public Set<Capability> modelCapabilities(String model) {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        for (JsonNode c : show(model).path("capabilities")) {
            switch (c.asText()) {
                case "completion" -> caps.addAll(EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.JSON_OUTPUT,
                        Capability.JSON_SCHEMA_OUTPUT));
                case "tools" -> caps.add(Capability.TOOLS);
                case "vision" -> caps.add(Capability.VISION);
                case "embedding" -> caps.add(Capability.EMBEDDINGS);
                default -> { }
            }
        }
        return caps;
    }

    private JsonNode show(String model) {
        return call(() -> http.postJson(showUri, Map.of(), g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeEndObject();
        }).body());
    }

    private String model(ChatRequest request) {
        return settings.modelFor(request);
    }

    /** Runs a call, turning "connection refused" into the one line a user needs: Ollama is not running there. */
    private <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (LlmException e) {
            if (e.kind() == ErrorKind.CONNECTION) {
                throw LlmException.builder(ErrorKind.CONNECTION, name())
                        .message("Ollama is not reachable at " + ollama.baseUrl() + ": is it running? (start it with 'ollama serve')")
                        .cause(e).build();
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "OllamaProvider[" + name() + ", " + ollama.baseUrl() + "]";
    }
}
