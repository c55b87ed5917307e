package dev.switchboard.provider.gemini;

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
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ChatAccumulator;
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
import java.util.regex.Pattern;

/**
 * The Gemini API: {@code models/{model}:generateContent}, {@code :streamGenerateContent?alt=sse},
 * {@code :batchEmbedContents} and {@code models} (paged), with the key in the {@code x-goog-api-key} header.
 * Thread-safe.
 */
final class GeminiProvider implements LlmProvider {

    /** Everything but token-array embedding input: its embeddings API takes texts only. */
    private static final Set<Capability> CAPABILITIES = EnumSet.complementOf(EnumSet.of(Capability.EMBEDDING_TOKEN_INPUT));
    /** The largest page the models listing serves. */
    private static final int MODELS_PAGE_SIZE = 1000;
    /** A guard against a listing whose page tokens never end. */
    private static final int MAX_MODEL_PAGES = 100;
    /** {@code gemini-2.5-flash}, {@code models/gemini-2.5-flash}, {@code tunedModels/my-model-x1}. */
    private static final Pattern MODEL_NAME = Pattern.compile("(?:[A-Za-z]+/)?[A-Za-z0-9][A-Za-z0-9._-]*");

    private final ProviderSettings settings;
    private final GeminiSettings gemini;
    private final HttpProviderClient http;

    GeminiProvider(ProviderSettings settings, ProviderContext context) {
        this.settings = settings;
        this.gemini = GeminiSettings.of(settings);
        Map<String, String> auth = settings.apiKey().map(k -> Map.of("x-goog-api-key", k.reveal())).orElse(Map.of());
        this.http = HttpProviderClient.create(settings, context, auth, GeminiErrorMapper.INSTANCE);
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
        Map<String, Object> params = GeminiWire.parameters(name(), request, gemini);
        JsonNode body = http.postJson(uri(modelPath(model) + ":generateContent"), Map.of(),
                g -> GeminiWire.writeGenerateContent(g, name(), request, params, gemini)).body();
        ChatAccumulator answer = new ChatAccumulator();
        GeminiDecoder decoder = new GeminiDecoder(name());
        decoder.accept(body, answer::accept);
        decoder.finish(answer::accept);
        return answer.toResponse(name(), model, RateLimits.NONE, List.of());
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        String model = chatModel(request);
        Map<String, Object> params = GeminiWire.parameters(name(), request, gemini);
        return new GeminiChatStream(name(), model,
                http.openPost(uri(modelPath(model) + ":streamGenerateContent?alt=sse"), Map.of(),
                        g -> GeminiWire.writeGenerateContent(g, name(), request, params, gemini), "text/event-stream"),
                GeminiErrorMapper.INSTANCE);
    }

    /** {@code batchEmbedContents}: one request per input, each naming the model and the optional dimensions. */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        settings.requireApiKey();
        String model = settings.embeddingModelFor(request);
        String path = modelPath(model);
        JsonNode body = http.postJson(uri(path + ":batchEmbedContents"), Map.of(), g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("requests");
            for (String text : request.inputs()) {
                g.writeStartObject();
                g.writeStringField("model", path);
                g.writeObjectFieldStart("content");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", text);
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                if (gemini.embeddingTaskType().isPresent()) {
                    g.writeStringField("taskType", gemini.embeddingTaskType().get());
                }
                if (request.dimensions() != null) {
                    g.writeNumberField("outputDimensionality", request.dimensions());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }).body();
        List<Embedding> out = new ArrayList<>();
        for (JsonNode e : body.path("embeddings")) {
            JsonNode values = e.path("values");
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values.get(i).asDouble();
            }
            out.add(new Embedding(out.size(), v));
        }
        if (out.size() != request.inputs().size()) {
            throw LlmException.builder(ErrorKind.SERVER, name())
                    .message("asked for " + request.inputs().size() + " embeddings, got " + out.size()).build();
        }
        return EmbeddingResponse.builder().embeddings(out).model(model).provider(name()).build();
    }

    /** Every page of {@code models}; ids without the {@code models/} prefix. */
    @Override
    public List<ModelInfo> listModels() {
        settings.requireApiKey();
        List<ModelInfo> out = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        for (int page = 0; page < MAX_MODEL_PAGES; page++) {
            String query = "?pageSize=" + MODELS_PAGE_SIZE
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode body = http.getJson(uri("models" + query), Map.of()).body();
            for (JsonNode m : body.path("models")) {
                String id = Json.text(m, "name");
                if (id != null) {
                    out.add(ModelInfo.builder(id.startsWith("models/") ? id.substring("models/".length()) : id, name())
                            .kind(kind(m.path("supportedGenerationMethods"))).ownedBy("google")
                            .contextLength(m.path("inputTokenLimit").asLong(0)).build());
                }
            }
            token = Json.text(body, "nextPageToken");
            if (token == null || token.isEmpty() || !tokens.add(token)) {
                return out;
            }
        }
        return out;
    }

    /** Asks {@code models/{model}}: a 404 means the API does not offer it. */
    @Override
    public boolean isModelAvailable(String model) {
        settings.requireApiKey();
        try {
            http.getJson(uri(modelPath(model)), Map.of());
            return true;
        } catch (LlmException e) {
            if (e.kind() == ErrorKind.MODEL_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static String kind(JsonNode methods) {
        boolean embeds = false;
        for (JsonNode m : methods) {
            String method = m.asText();
            if (method.equals("generateContent")) {
                return "chat";
            }
            embeds |= method.equals("embedContent") || method.equals("batchEmbedContents");
        }
        return embeds ? "embedding" : "";
    }

    /** Checks what can be checked before sending: the key, the model, and parameters that collide with ours. */
    private String chatModel(ChatRequest request) {
        settings.requireApiKey();
        String reserved = GeminiWire.reservedParameter(request);
        if (reserved != null) {
            throw LlmException.invalidRequest(name(), "provider parameter '" + reserved
                    + "' names a field Switchboard writes itself; set it through the request (messages, tools, options)");
        }
        return settings.modelFor(request);
    }

    /** {@code models/<model>}, or the name as given when it already names its collection. */
    private String modelPath(String model) {
        String m = model.strip();
        if (!MODEL_NAME.matcher(m).matches()) {
            throw LlmException.builder(ErrorKind.MODEL_NOT_FOUND, name())
                    .message("'" + model + "' is not a Gemini model name (e.g. gemini-2.5-flash)").build();
        }
        return m.indexOf('/') >= 0 ? m : "models/" + m;
    }

    private URI uri(String pathAndQuery) {
        return URI.create(gemini.baseUrl() + "/" + pathAndQuery);
    }


    @Override
    public String toString() {
        return "GeminiProvider[" + name() + ", " + gemini.baseUrl() + "]";
    }
}
