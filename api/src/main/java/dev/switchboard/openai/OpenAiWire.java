package dev.switchboard.openai;

import dev.switchboard.http.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.Embedding;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.DurationText;
import dev.switchboard.http.Json;
import dev.switchboard.http.JsonReader;
import dev.switchboard.http.ResponseHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The OpenAI Chat Completions wire format: writing requests, reading responses, stream chunks, embeddings and model
 * lists. Stateless; shared by every OpenAI-compatible provider and by the gateway.
 */
public final class OpenAiWire {

    private OpenAiWire() {}

    /**
     * Request options an adapter may vary: the name of the output limit, whether a stream asks for its usage with
     * {@code stream_options}, and whether the body names the model (Azure's classic routes name the deployment in the
     * path, and their spec has no {@code model} field).
     */
    public record RequestOptions(String maxTokensField, boolean includeStreamUsage, boolean modelInBody) {
        public static final RequestOptions OPENAI = new RequestOptions("max_completion_tokens", true, true);

        /** Options for a body that names its model. */
        public RequestOptions(String maxTokensField, boolean includeStreamUsage) {
            this(maxTokensField, includeStreamUsage, true);
        }
    }

    // ---------------------------------------------------------------- requests

    /**
     * Body fields the codec must write itself: a provider parameter of one of these names would change what the
     * response looks like ({@code stream}) or what was asked ({@code model}, {@code messages}), so it is refused.
     */
    public static final Set<String> RESERVED_FIELDS = Set.of("model", "messages", "stream");

    /** A provider parameter of {@code request} that names a {@link #RESERVED_FIELDS reserved field}, if any. */
    public static Optional<String> reservedParameter(ChatRequest request) {
        for (String name : RESERVED_FIELDS) {
            if (request.providerParameters().containsKey(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes a Chat Completions request. A provider parameter replaces the field of the same name the codec would
     * write (e.g. {@code temperature}, {@code stream_options}), so no key appears twice; names in
     * {@link #RESERVED_FIELDS} must be refused before this is called.
     */
    public static void writeChatRequest(JsonWriter g, ChatRequest r, String model, boolean stream, RequestOptions o)
            throws IOException {
        Map<String, Object> params = r.providerParameters();
        g.writeStartObject();
        if (o.modelInBody()) {
            g.writeStringField("model", model);
        }
        g.writeArrayFieldStart("messages");
        for (Message m : r.messages()) {
            writeMessage(g, m);
        }
        g.writeEndArray();
        if (!r.tools().isEmpty() && !params.containsKey("tools")) {
            g.writeArrayFieldStart("tools");
            for (ToolDefinition t : r.tools()) {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", t.name());
                if (!t.description().isEmpty()) {
                    g.writeStringField("description", t.description());
                }
                g.writeFieldName("parameters");
                g.writeRawValue(t.parametersSchema());
                if (t.strict()) {
                    g.writeBooleanField("strict", true);
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (r.toolChoice().isPresent() && !params.containsKey("tool_choice")) {
            ToolChoice c = r.toolChoice().get();
            if (c instanceof ToolChoice.Specific s) {
                g.writeObjectFieldStart("tool_choice");
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", s.name());
                g.writeEndObject();
                g.writeEndObject();
            } else {
                g.writeStringField("tool_choice", c instanceof ToolChoice.None ? "none" : c instanceof ToolChoice.Required ? "required" : "auto");
            }
        }
        if (r.responseFormat().isPresent() && !params.containsKey("response_format")) {
            ResponseFormat f = r.responseFormat().get();
            g.writeObjectFieldStart("response_format");
            if (f instanceof ResponseFormat.JsonSchema s) {
                g.writeStringField("type", "json_schema");
                g.writeObjectFieldStart("json_schema");
                g.writeStringField("name", s.name());
                g.writeFieldName("schema");
                g.writeRawValue(s.schema());
                g.writeBooleanField("strict", s.strict());
                g.writeEndObject();
            } else {
                g.writeStringField("type", f instanceof ResponseFormat.JsonObject ? "json_object" : "text");
            }
            g.writeEndObject();
        }
        if (r.temperature().isPresent() && !params.containsKey("temperature")) {
            g.writeNumberField("temperature", r.temperature().getAsDouble());
        }
        if (r.topP().isPresent() && !params.containsKey("top_p")) {
            g.writeNumberField("top_p", r.topP().getAsDouble());
        }
        if (r.maxOutputTokens().isPresent() && !params.containsKey(o.maxTokensField())) {
            g.writeNumberField(o.maxTokensField(), r.maxOutputTokens().getAsInt());
        }
        if (!r.stop().isEmpty() && !params.containsKey("stop")) {
            g.writeArrayFieldStart("stop");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.seed().isPresent() && !params.containsKey("seed")) {
            g.writeNumberField("seed", r.seed().getAsLong());
        }
        if (stream) {
            g.writeBooleanField("stream", true);
            if (o.includeStreamUsage() && !params.containsKey("stream_options")) {
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (RESERVED_FIELDS.contains(p.getKey())) {
                continue; // refused by the caller before sending; never let it override the codec's own value
            }
            g.writeFieldName(p.getKey());
            g.writeValue(p.getValue());
        }
        g.writeEndObject();
    }

    /** A role as the wire spells it (without a lower-cased copy of its name per message). */
    private static String role(Role role) {
        return switch (role) {
            case SYSTEM -> "system";
            case USER -> "user";
            case ASSISTANT -> "assistant";
            case TOOL -> "tool";
        };
    }

    private static void writeMessage(JsonWriter g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role(m.role()));
        boolean onlyText = !m.hasImages();
        if (m.content().isEmpty()) {
            g.writeNullField("content");
        } else if (onlyText) {
            g.writeStringField("content", m.text());
        } else {
            g.writeArrayFieldStart("content");
            for (Content c : m.content()) {
                g.writeStartObject();
                if (c instanceof Content.Text t) {
                    g.writeStringField("type", "text");
                    g.writeStringField("text", t.text());
                } else if (c instanceof Content.Image i) {
                    g.writeStringField("type", "image_url");
                    g.writeObjectFieldStart("image_url");
                    g.writeStringField("url", i.toDataUrl());
                    if (i.detail() != null) {
                        g.writeStringField("detail", i.detail());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.role() == Role.TOOL) {
            g.writeStringField("tool_call_id", m.toolCallId());
        }
        g.writeEndObject();
    }

    /**
     * Writes an embeddings request: {@code input} as an array of strings, or, for a request of token arrays, as an
     * array of integer arrays (OpenAI's API accepts both).
     */
    public static void writeEmbeddingRequest(JsonWriter g, String model, EmbeddingRequest request) throws IOException {
        if (!request.hasTokenInputs()) {
            writeEmbeddingRequest(g, model, request.inputs(), request.dimensions());
            return;
        }
        g.writeStartObject();
        g.writeStringField("model", model);
        g.writeArrayFieldStart("input");
        for (List<Integer> tokens : request.tokenInputs()) {
            g.writeStartArray();
            for (Integer t : tokens) {
                g.writeNumber(t.intValue());
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeStringField("encoding_format", "float");
        if (request.dimensions() != null) {
            g.writeNumberField("dimensions", request.dimensions());
        }
        g.writeEndObject();
    }

    public static void writeEmbeddingRequest(JsonWriter g, String model, List<String> inputs, Integer dimensions)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("model", model);
        g.writeArrayFieldStart("input");
        for (String s : inputs) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeStringField("encoding_format", "float");
        if (dimensions != null) {
            g.writeNumberField("dimensions", dimensions);
        }
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- responses

    /** The parts of a non-streamed response an adapter may read differently. */
    public interface Dialect {
        FinishReason finishReason(String raw);

        /**
         * The usage of a stream chunk, or of a non-streamed response from its top-level fields (all but
         * {@code choices}, which are not kept: the answer is read as it arrives).
         */
        Usage usage(JsonNode responseOrChunk);
    }

    /**
     * Reads a non-streamed response from its tree. A body without choices is a {@link ErrorKind#SERVER} failure
     * carrying the error object's message if there is one (some OpenAI-compatible servers answer 200 with only
     * {@code {"error": ...}}): an empty answer would look complete. The {@link Dialect} reads the usage from the
     * top-level fields other than {@code choices}, as it does when the answer is {@linkplain #readChatResponse(JsonReader,
     * String, String, Dialect, RateLimits) read as it arrives}.
     */
    public static ChatResponse readChatResponse(JsonNode body, String provider, String requestedModel, Dialect d,
                                                RateLimits limits) {
        try (JsonReader r = Json.reader(body)) {
            return ChatAnswerReader.read(r, provider, requestedModel, d, limits);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree in memory reads without I/O
        }
    }

    /**
     * Reads a non-streamed response as it arrives, with no tree of the whole body (what {@link OpenAiCompatibleProvider}
     * does): the same answer and the same failures as {@link #readChatResponse(JsonNode, String, String, Dialect,
     * RateLimits)}, from the reader's current token (its first, if none has been read yet). Invalid JSON throws the
     * parser's {@link IOException}, which {@link dev.switchboard.http.HttpProviderClient} maps.
     */
    public static ChatResponse readChatResponse(JsonReader body, String provider, String requestedModel, Dialect d,
                                                RateLimits limits) throws IOException {
        return ChatAnswerReader.read(body, provider, requestedModel, d, limits);
    }

    /** The refusal text of a message or delta ({@code refusal}), or null when the model did not refuse. */
    private static String refusal(JsonNode messageOrDelta) {
        String r = Json.text(messageOrDelta, "refusal");
        return r == null || r.isEmpty() ? null : r;
    }

    /**
     * Whether a stream chunk carries refusal text: the finish that follows is then a refusal
     * ({@link FinishReason#CONTENT_FILTER}) even though OpenAI sends {@code stop}.
     */
    public static boolean chunkRefuses(JsonNode chunk) {
        JsonNode choices = chunk.get("choices");
        return choices != null && choices.size() > 0 && refusal(choices.get(0).path("delta")) != null;
    }

    /** OpenAI's finish reasons; unknown ones are {@link FinishReason#OTHER}. */
    public static FinishReason finishReason(String raw) {
        return switch (raw) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /**
     * The {@code usage} object of a response or chunk; {@link Usage#NONE} when absent. Of the prompt,
     * {@code prompt_tokens_details.cached_tokens} were read from the cache and {@code cache_write_tokens} written to it.
     */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        return Usage.builder()
                .inputTokens(usage.path("prompt_tokens").asLong(0))
                .outputTokens(usage.path("completion_tokens").asLong(0))
                .cachedInputTokens(usage.path("prompt_tokens_details").path("cached_tokens").asLong(0))
                .reasoningTokens(usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0))
                .cacheWriteInputTokens(usage.path("prompt_tokens_details").path("cache_write_tokens").asLong(0))
                .build();
    }

    /**
     * Decodes one {@code chat.completion.chunk} into events: {@code Started} with the chunk's id and model when
     * {@code announce} (the caller's first chunk that names them), text and reasoning deltas, tool-call
     * pieces, the finish reason and usage. Refusal pieces ({@code delta.refusal}) are text deltas too; the finish
     * reason is the chunk's own, so a stream that saw {@link #chunkRefuses} should report the finish as
     * {@link FinishReason#CONTENT_FILTER}. Chunks with no choices and no usage (Azure's filter-only chunks) yield
     * nothing.
     */
    public static void readChunk(JsonNode chunk, boolean announce, Dialect d, Consumer<ChatEvent> out) {
        if (announce) {
            out.accept(new ChatEvent.Started(Json.text(chunk, "id"), Json.text(chunk, "model")));
        }
        JsonNode choices = chunk.get("choices");
        if (choices != null && choices.size() > 0) {
            JsonNode choice = choices.get(0);
            JsonNode delta = choice.get("delta");
            if (delta != null && delta.isObject()) {
                String content = Json.text(delta, "content");
                if (content != null && !content.isEmpty()) {
                    out.accept(new ChatEvent.TextDelta(content));
                }
                String refusal = refusal(delta);
                if (refusal != null) {
                    out.accept(new ChatEvent.TextDelta(refusal));
                }
                String reasoning = Json.text(delta, "reasoning");
                if (reasoning == null) {
                    reasoning = Json.text(delta, "reasoning_content");
                }
                if (reasoning != null && !reasoning.isEmpty()) {
                    out.accept(new ChatEvent.ReasoningDelta(reasoning));
                }
                for (JsonNode tc : delta.path("tool_calls")) {
                    JsonNode fn = tc.path("function");
                    out.accept(new ChatEvent.ToolCallDelta(tc.path("index").asInt(0), Json.text(tc, "id"),
                            Json.text(fn, "name"), Json.text(fn, "arguments")));
                }
            }
            String raw = Json.text(choice, "finish_reason");
            if (raw != null) {
                out.accept(new ChatEvent.Finished(d.finishReason(raw), raw));
            }
        }
        Usage usage = d.usage(chunk);
        if (!usage.equals(Usage.NONE)) {
            out.accept(new ChatEvent.UsageReport(usage));
        }
    }

    public static List<Embedding> readEmbeddings(JsonNode body) {
        JsonNode data = body.path("data");
        List<Embedding> out = new ArrayList<>(data.size());
        for (JsonNode item : data) {
            JsonNode vec = item.path("embedding");
            float[] v = new float[vec.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) vec.get(i).asDouble();
            }
            out.add(new Embedding(item.path("index").asInt(out.size()), v));
        }
        out.sort(java.util.Comparator.comparingInt(Embedding::index));
        return out;
    }

    /**
     * {@code {"data": [{"id", "owned_by"}]}}, or a bare array of models (Together AI, whose entries name their owner in
     * {@code organization} and their kind in {@code type}).
     */
    public static List<ModelInfo> readModels(JsonNode body, String provider) {
        JsonNode data = body.isArray() ? body : body.path("data");
        List<ModelInfo> out = new ArrayList<>(data.size());
        for (JsonNode m : data) {
            String id = Json.text(m, "id");
            if (id != null) {
                String owner = Json.text(m, "owned_by");
                out.add(ModelInfo.builder(id, provider)
                        .kind(Json.text(m, "type"))
                        .ownedBy(owner != null ? owner : Json.text(m, "organization"))
                        .contextLength(m.path("context_length").asLong(m.path("context_window").asLong(0)))
                        .build());
            }
        }
        return out;
    }

    /** The {@code x-ratelimit-*} headers OpenAI, Groq and others send. */
    public static RateLimits readRateLimits(ResponseHeaders h) {
        OptionalLong limitReq = longHeader(h, "x-ratelimit-limit-requests");
        OptionalLong remReq = longHeader(h, "x-ratelimit-remaining-requests");
        Optional<Duration> resetReq = h.get("x-ratelimit-reset-requests").flatMap(DurationText::parse);
        OptionalLong limitTok = longHeader(h, "x-ratelimit-limit-tokens");
        OptionalLong remTok = longHeader(h, "x-ratelimit-remaining-tokens");
        Optional<Duration> resetTok = h.get("x-ratelimit-reset-tokens").flatMap(DurationText::parse);
        if (limitReq.isEmpty() && remReq.isEmpty() && limitTok.isEmpty() && remTok.isEmpty()) {
            return RateLimits.NONE;
        }
        return RateLimits.builder().limitRequests(limitReq).remainingRequests(remReq).resetRequests(resetReq)
                .limitTokens(limitTok).remainingTokens(remTok).resetTokens(resetTok).build();
    }

    private static OptionalLong longHeader(ResponseHeaders h, String name) {
        Optional<String> v = h.get(name);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
