package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.Json;
import dev.switchboard.http.JsonResponse;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Anthropic's Messages API: {@code POST /messages} (plain and streamed), {@code GET /models} (followed across pages)
 * and {@code GET /models/{id}}. Authenticates with {@code x-api-key} and sends {@code anthropic-version}. Tools,
 * images and JSON Schema output are supported; JSON output without a schema and embeddings are not, and are refused
 * before anything is sent. Thread-safe.
 */
final class AnthropicProvider implements LlmProvider {

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.CHAT, Capability.STREAMING,
            Capability.TOOLS, Capability.VISION, Capability.JSON_SCHEMA_OUTPUT, Capability.MODEL_LISTING));
    /** The most models one page may hold; the API's own default is 20. */
    private static final int PAGE_SIZE = 1000;
    /** A bound on pages followed, so a server that keeps saying has_more cannot loop us forever. */
    private static final int MAX_PAGES = 100;

    private final ProviderSettings settings;
    private final AnthropicSettings anthropic;
    private final HttpProviderClient http;
    private final Clock clock;
    private final URI messagesUri;

    AnthropicProvider(ProviderSettings settings, ProviderContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.anthropic = AnthropicSettings.of(settings);
        Map<String, String> auth = new LinkedHashMap<>();
        settings.apiKey().ifPresent(k -> auth.put("x-api-key", k.reveal()));
        auth.put("anthropic-version", anthropic.version());
        this.http = HttpProviderClient.create(settings, context, auth, AnthropicErrorMapper.INSTANCE);
        this.clock = context.clock();
        this.messagesUri = URI.create(anthropic.baseUrl() + "/messages");
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
        String model = prepare(request);
        AnthropicFieldPlan plan = plan(request, model);
        JsonResponse r = http.postJson(messagesUri, Map.of(),
                g -> AnthropicRequestWriter.write(g, name(), request, model, anthropic.maxTokens(), false, plan));
        return AnthropicWire.readMessage(r.body(), name(), model, AnthropicWire.rateLimits(r.headers(), clock));
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        String model = prepare(request);
        AnthropicFieldPlan plan = plan(request, model);
        StreamingResponse r = http.openPost(messagesUri, Map.of(),
                g -> AnthropicRequestWriter.write(g, name(), request, model, anthropic.maxTokens(), true, plan),
                "text/event-stream");
        return new AnthropicChatStream(name(), model, r, AnthropicErrorMapper.INSTANCE,
                AnthropicWire.rateLimits(r.headers(), clock));
    }

    /** Anthropic offers no embeddings endpoint. */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        throw LlmException.unsupported(name(),
                "embeddings (Anthropic has no embeddings API; route embedding requests to a provider that has one)");
    }

    /** Every model, following {@code has_more} / {@code last_id} across pages. */
    @Override
    public List<ModelInfo> listModels() {
        settings.requireApiKey();
        List<ModelInfo> models = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String query = "?limit=" + PAGE_SIZE + (after == null ? "" : "&after_id=" + encode(after));
            JsonNode body = http.getJson(URI.create(anthropic.baseUrl() + "/models" + query), Map.of()).body();
            models.addAll(AnthropicWire.readModels(body, name()));
            after = Json.text(body, "last_id");
            if (!body.path("has_more").asBoolean(false) || after == null || after.isEmpty() || !cursors.add(after)) {
                break;
            }
        }
        return models;
    }

    /** Asks {@code GET /models/{id}}: a 404 means the model is not offered (aliases resolve too). */
    @Override
    public boolean isModelAvailable(String model) {
        settings.requireApiKey();
        try {
            http.getJson(URI.create(anthropic.baseUrl() + "/models/" + encode(model)), Map.of());
            return true;
        } catch (LlmException e) {
            if (e.kind() == ErrorKind.MODEL_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Checks what can be checked before sending and returns the model to use. */
    private String prepare(ChatRequest request) {
        settings.requireApiKey();
        AnthropicRequestWriter.check(name(), request);
        return settings.modelFor(request);
    }


    /** What of the request goes into the body; with unsupported-params = reject, refuses before sending. */
    private AnthropicFieldPlan plan(ChatRequest request, String model) {
        return AnthropicFieldPlan.of(name(), request, model, anthropic.version(), anthropic.unsupportedParams());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "AnthropicProvider[" + name() + ", " + anthropic.baseUrl() + "]";
    }
}
