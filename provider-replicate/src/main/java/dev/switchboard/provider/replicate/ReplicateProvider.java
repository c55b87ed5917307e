package dev.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.Json;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Language models on Replicate, run as predictions. {@code chat} creates one with {@code Prefer: wait}, which holds
 * the request until the model is done (up to 60 s); a prediction still {@code starting} or {@code processing} then is
 * polled ({@code GET /predictions/{id}}) until it ends, within the provider's total timeout, and canceled when that
 * runs out. {@code stream} creates one and reads the event stream its {@code urls.stream} names. Embeddings are not
 * offered; the model list is a curated collection ({@code language-models} by default), since the full
 * {@code GET /models} pages through every public model of every kind. Thread-safe.
 */
final class ReplicateProvider implements LlmProvider {

    private static final Set<Capability> CAPABILITIES =
            EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.MODEL_LISTING);

    private final ProviderSettings settings;
    private final ReplicateSettings replicate;
    private final HttpProviderClient http;
    private final PredictionApi api;
    private final Clock clock;
    private final Sleeper sleeper;

    /** With an injected sleeper (and the context's clock), so tests can poll without waiting. */
    ReplicateProvider(ProviderSettings settings, ProviderContext context, Sleeper sleeper) {
        this.settings = settings;
        this.replicate = ReplicateSettings.of(settings);
        Map<String, String> auth = settings.apiKey().map(k -> Map.of("Authorization", "Bearer " + k.reveal())).orElse(Map.of());
        this.http = HttpProviderClient.create(settings, context, auth, ReplicateErrorMapper.INSTANCE);
        this.api = new PredictionApi(settings.name(), replicate.baseUrl(), http);
        this.clock = context.clock();
        this.sleeper = sleeper;
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
        ModelRef model = model(request);
        Map<String, Object> params = ReplicateInput.parameters(name(), request, replicate);
        Instant deadline = clock.instant().plus(settings.timeouts().total());
        Map<String, String> headers = replicate.preferWait().map(w -> Map.of("Prefer", w)).orElse(Map.of());
        JsonNode prediction = api.create(model, headers, g -> ReplicateInput.writeCreate(g, request, params, model, replicate));
        prediction = awaitEnd(prediction, deadline);
        String id = Predictions.id(prediction);
        switch (Predictions.status(prediction)) {
            case "failed" -> throw ReplicateErrorMapper.INSTANCE.predictionFailed(name(), id, Json.text(prediction, "error"));
            case "canceled" -> throw LlmException.builder(ErrorKind.SERVER, name())
                    .code("canceled").message("prediction " + id + " was canceled before it finished").build();
            case "aborted" -> throw LlmException.builder(ErrorKind.SERVER, name())
                    .code("aborted").message("prediction " + id + " was aborted before it started running").build();
            default -> { }
        }
        String answered = Json.text(prediction, "model");
        return ChatResponse.builder()
                .id(id)
                .model(answered == null ? model.display() : answered)
                .provider(name())
                .message(Message.assistant(Predictions.outputText(prediction.get("output"))))
                .finishReason(FinishReason.STOP)
                .rawFinishReason(Predictions.status(prediction))
                .usage(Predictions.usage(prediction))
                .build();
    }

    /** Polls until the prediction ends; past the deadline (or on a failed poll) cancels it and fails. */
    private JsonNode awaitEnd(JsonNode prediction, Instant deadline) {
        JsonNode current = prediction;
        String id = Predictions.id(prediction);
        while (!Predictions.isTerminal(current)) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                api.cancel(id);
                throw LlmException.builder(ErrorKind.TIMEOUT, name())
                        .message("prediction " + id + " was still " + Predictions.status(current) + " after "
                                + settings.timeouts().total().toSeconds() + " s (timeouts.total); it was canceled")
                        .build();
            }
            try {
                sleeper.sleep(left.compareTo(replicate.pollInterval()) < 0 ? left : replicate.pollInterval());
                current = api.get(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                api.cancel(id);
                throw LlmException.builder(ErrorKind.TIMEOUT, name())
                        .message("interrupted while waiting for prediction " + id + "; it was canceled").build();
            } catch (LlmException e) {
                api.cancel(id);
                throw e;
            }
        }
        return current;
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        ModelRef model = model(request);
        Map<String, Object> params = ReplicateInput.parameters(name(), request, replicate);
        JsonNode prediction = api.create(model, Map.of(), g -> ReplicateInput.writeCreate(g, request, params, model, replicate));
        String id = Predictions.id(prediction);
        String streamUrl = Json.text(prediction.path("urls"), "stream");
        if (streamUrl == null || streamUrl.isBlank()) {
            api.cancel(id);
            throw LlmException.unsupported(name(), "streaming with model " + model.display() + " (its predictions have no stream URL)");
        }
        StreamingResponse events;
        try {
            events = api.openStream(streamUrl);
        } catch (LlmException e) {
            api.cancel(id);
            throw e;
        }
        return new ReplicateChatStream(name(), model.display(), prediction, events, api, ReplicateErrorMapper.INSTANCE);
    }

    /**
     * The models of the configured collection ({@code GET /collections/{slug}}), as {@code owner/name}. The full
     * {@code GET /models} pages through every public model, of every kind, so it is not used.
     */
    @Override
    public List<ModelInfo> listModels() {
        requireKey();
        JsonNode body = http.getJson(URI.create(replicate.baseUrl() + "/collections/"
                + URLEncoder.encode(replicate.modelsCollection(), StandardCharsets.UTF_8)), Map.of()).body();
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : body.path("models")) {
            String owner = Json.text(m, "owner");
            String modelName = Json.text(m, "name");
            if (owner != null && modelName != null) {
                out.add(ModelInfo.builder(owner + "/" + modelName, name()).kind(replicate.modelsCollection()).ownedBy(owner).build());
            }
        }
        return out;
    }

    /** Asks {@code GET /models/{owner}/{name}}: a 404 means there is no such model. */
    @Override
    public boolean isModelAvailable(String model) {
        requireKey();
        ModelRef ref = ModelRef.parse(model).orElse(null);
        if (ref == null || ref.owner() == null) {
            return false;
        }
        try {
            http.getJson(URI.create(replicate.baseUrl() + ref.createPath().replace("/predictions", "")), Map.of());
            return true;
        } catch (LlmException e) {
            if (e.kind() == ErrorKind.MODEL_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Checks what can be checked before sending: key, features, and the model reference. */
    private ModelRef model(ChatRequest request) {
        requireKey();
        ReplicateInput.check(name(), request);
        String model = settings.modelFor(request);
        return ModelRef.parse(model).orElseThrow(() -> LlmException.builder(ErrorKind.MODEL_NOT_FOUND, name())
                .message("'" + model + "' is not a Replicate model reference (owner/name or owner/name:version)").build());
    }

    private void requireKey() {
        if (settings.apiKey().isEmpty()) {
            throw LlmException.builder(ErrorKind.AUTHENTICATION, name())
                    .message("no API token: " + settings.apiKeyHint()).build();
        }
    }

    @Override
    public String toString() {
        return "ReplicateProvider[" + name() + ", " + replicate.baseUrl() + "]";
    }
}
