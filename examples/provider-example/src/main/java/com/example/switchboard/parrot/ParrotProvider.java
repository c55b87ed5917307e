package com.example.switchboard.parrot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.JsonResponse;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A configured Parrot provider: chat and streamed chat through {@code POST /v2/generate}, model listing through
 * {@code GET /v2/models}. All HTTP goes through {@link HttpProviderClient}, which brings the shared connection pool,
 * the configured timeouts and response limits, secret redaction, and hands every non-2xx answer to
 * {@link ParrotErrors}. Thread-safe: it keeps no state between calls.
 */
final class ParrotProvider implements LlmProvider {

    /**
     * What Parrot offers. It has no embeddings endpoint, no JSON mode and no image input, so {@code EMBEDDINGS},
     * {@code JSON_OUTPUT}, {@code JSON_SCHEMA_OUTPUT} and {@code VISION} are not declared: routes skip this provider
     * for such requests, and {@code embed()} keeps the SPI's default, which refuses before sending anything.
     */
    private static final Set<Capability> CAPABILITIES =
            Set.copyOf(EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.MODEL_LISTING));

    private final ProviderSettings settings;
    private final ParrotErrors errors = new ParrotErrors();
    private final HttpProviderClient http;
    private final URI generate;
    private final URI models;

    ParrotProvider(ProviderSettings settings, ParrotSettings parrot, ProviderContext context) {
        this.settings = settings;
        this.http = HttpProviderClient.create(settings, context, headers(settings, parrot), errors);
        this.generate = URI.create(parrot.baseUrl() + "/v2/generate");
        this.models = URI.create(parrot.baseUrl() + "/v2/models");
    }

    /**
     * Headers sent with every request. {@code HttpProviderClient.create} registers the key as a secret, so it is
     * masked in every message and log; {@code X-Parrot-Key} is a credential header by its name as well.
     */
    private static Map<String, String> headers(ProviderSettings settings, ParrotSettings parrot) {
        Map<String, String> headers = new LinkedHashMap<>();
        settings.apiKey().ifPresent(key -> headers.put("X-Parrot-Key", key.reveal()));
        headers.put("Parrot-Version", parrot.apiVersion());
        parrot.workspace().ifPresent(w -> headers.put("Parrot-Workspace", w));
        return headers;
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
        settings.requireApiKey(); // before anything is sent, naming the variable or key to set
        String model = settings.modelFor(request);
        ObjectNode body = ParrotWire.generate(name(), request, model, false);
        JsonResponse response = http.postJson(generate, Map.of(), g -> g.writeTree(body));
        return ParrotWire.readGeneration(response.body(), name(), model, ParrotWire.rateLimits(response.headers()));
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        settings.requireApiKey(); // before anything is sent, naming the variable or key to set
        String model = settings.modelFor(request);
        ObjectNode body = ParrotWire.generate(name(), request, model, true);
        StreamingResponse response = http.openPost(generate, Map.of(), g -> g.writeTree(body), "text/event-stream");
        return new ParrotChatStream(name(), model, response, errors);
    }

    @Override
    public List<ModelInfo> listModels() {
        settings.requireApiKey();
        return ParrotWire.readModels(http.getJson(models, Map.of()).body(), name());
    }

    @Override
    public String toString() {
        return "ParrotProvider[" + name() + ", " + generate + "]";
    }
}
