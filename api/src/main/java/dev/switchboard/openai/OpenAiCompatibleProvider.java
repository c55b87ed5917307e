package dev.switchboard.openai;

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
import dev.switchboard.http.BodyWriter;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.JsonResponse;
import dev.switchboard.http.ResponseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A provider for any service that speaks the OpenAI Chat Completions API, specialised by an {@link OpenAiCompatible}
 * adapter. Chat, streaming (with {@code stream_options.include_usage} where the adapter allows), tool calls,
 * embeddings and model listing. Thread-safe.
 *
 * @param <A> the adapter type
 */
public final class OpenAiCompatibleProvider<A extends OpenAiCompatible> implements LlmProvider {

    private static final String EVENT_STREAM = "text/event-stream";
    /**
     * How many built URLs are remembered. Model names come from callers (through the gateway, from remote clients),
     * so past this many the URL is built per call rather than kept forever.
     */
    private static final int MAX_CACHED_URLS = 64;

    private final A adapter;
    private final ProviderSettings settings;
    private final HttpProviderClient http;
    private final Set<Capability> capabilities;
    private final Map<String, URI> urls = new ConcurrentHashMap<>();

    public OpenAiCompatibleProvider(A adapter, ProviderSettings settings, ProviderContext context) {
        this.adapter = Objects.requireNonNull(adapter, "adapter");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = HttpProviderClient.create(settings, context, adapter.authHeaders(), adapter.errorMapper());
        this.capabilities = Set.copyOf(adapter.capabilities());
    }

    public A adapter() {
        return adapter;
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
        return capabilities;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        String model = chatModel(request);
        return http.postJson(chatUrl(model), adapter.requestHeaders(), chatBody(request, model),
                chatAnswer(model));
    }

    /**
     * The same call as {@link #chat}, on the transport's non-blocking client: the same checks (a failing one fails the
     * future), then the same request, read into the same answer on the client's I/O thread. Nothing here waits, so
     * {@code blocking} is not used.
     */
    @Override
    public Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request, Executor blocking) {
        if (!adapter.requestHeadersWithoutWaiting()) {
            return Optional.empty(); // its headers may wait (a token supplier): chat() on a thread that may block
        }
        String model;
        try {
            model = chatModel(request);
        } catch (RuntimeException e) {
            return Optional.of(CompletableFuture.failedFuture(e));
        }
        return Optional.of(http.postJsonAsync(chatUrl(model), adapter.requestHeaders(),
                chatBody(request, model), chatAnswer(model)));
    }

    /** A chat call's request body: not streamed. */
    private BodyWriter chatBody(ChatRequest request, String model) {
        return g -> OpenAiWire.writeChatRequest(g, request, adapter.bodyModel(model), false, adapter.requestOptions());
    }

    /** A chat call's answer, read as it arrives (or, without waiting, once it has arrived). */
    private ResponseReader<ChatResponse> chatAnswer(String model) {
        return (body, headers) -> OpenAiWire.readChatResponse(body, name(), model, adapter, OpenAiWire.readRateLimits(headers));
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        require(Capability.STREAMING, "streaming");
        String model = chatModel(request);
        StreamingResponse r = http.openPost(chatUrl(model), adapter.requestHeaders(),
                g -> OpenAiWire.writeChatRequest(g, request, adapter.bodyModel(model), true, adapter.requestOptions()), EVENT_STREAM);
        return new OpenAiChatStream(name(), model, r, adapter);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        require(Capability.EMBEDDINGS, "embeddings");
        if (request.hasTokenInputs()) {
            require(Capability.EMBEDDING_TOKEN_INPUT, "token-array embedding input");
        }
        requireKey();
        String model = settings.embeddingModelFor(request);
        JsonResponse r = http.postJson(url("/embeddings", model), adapter.requestHeaders(),
                g -> OpenAiWire.writeEmbeddingRequest(g, adapter.bodyModel(model), request));
        String answered = r.body().path("model").asText(model);
        return EmbeddingResponse.builder().embeddings(OpenAiWire.readEmbeddings(r.body())).model(answered).provider(name())
                .usage(adapter.usage(r.body())).build();
    }

    @Override
    public List<ModelInfo> listModels() {
        require(Capability.MODEL_LISTING, "model listing");
        requireKey();
        return adapter.models(http.getJson(url("/models", ""), adapter.requestHeaders()).body(), name());
    }

    /** Checks what can be checked before sending: key, model, and features the adapter lacks. */
    private String chatModel(ChatRequest request) {
        requireKey();
        OpenAiWire.reservedParameter(request).ifPresent(p -> {
            throw LlmException.invalidRequest(name(), "provider parameter '" + p
                    + "' names a field Switchboard writes itself; set the model and messages on the request, and call stream() to stream");
        });
        if (!request.tools().isEmpty()) {
            require(Capability.TOOLS, "tool calling");
        }
        if (request.hasImages()) {
            require(Capability.VISION, "image input");
        }
        request.responseFormat().ifPresent(f -> {
            if (f instanceof dev.switchboard.api.ResponseFormat.JsonSchema) {
                require(Capability.JSON_SCHEMA_OUTPUT, "JSON Schema output");
            } else if (f instanceof dev.switchboard.api.ResponseFormat.JsonObject) {
                require(Capability.JSON_OUTPUT, "JSON output");
            }
        });
        return settings.modelFor(request);
    }

    private void requireKey() {
        if (adapter.requiresApiKey() && adapter.apiKey().isEmpty()) {
            throw LlmException.builder(ErrorKind.AUTHENTICATION, name())
                    .message("no API key: " + settings.apiKeyHint()).build();
        }
    }

    private void require(Capability capability, String what) {
        if (!capabilities.contains(capability)) {
            throw LlmException.unsupported(name(), what + " (provider type " + type() + ")");
        }
    }

    /** The chat URL of the model a chat call named last, with that model. */
    private record ChatUrl(String model, URI uri) {}

    private volatile @Nullable ChatUrl lastChatUrl;

    /**
     * The chat URL for {@code model}: the one the previous chat call used when it named the same model, as a
     * provider's calls do as a rule (looking it up in {@link #urls} makes a key string per call).
     */
    private URI chatUrl(String model) {
        ChatUrl last = lastChatUrl;
        if (last != null && last.model().equals(model)) {
            return last.uri();
        }
        URI uri = url("/chat/completions", model);
        lastChatUrl = new ChatUrl(model, uri);
        return uri;
    }

    private URI url(String endpoint, String model) {
        String key = endpoint + '\u0000' + model;
        URI cached = urls.get(key);
        if (cached != null) {
            return cached;
        }
        URI built = adapter.buildUrl(endpoint, model);
        if (urls.size() < MAX_CACHED_URLS) {
            urls.putIfAbsent(key, built); // racing threads may overshoot by a few entries: harmless
        }
        return built;
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleProvider[" + name() + ", type=" + type() + ", " + adapter.baseUrl() + "]";
    }
}
