package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.Embedding;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The server side of the OpenAI wire format, for a gateway that speaks it to any client: reads Chat Completions and
 * Embeddings request bodies into {@link ChatRequest}s and {@link EmbeddingRequest}s, and writes
 * {@code chat.completion} bodies, {@code chat.completion.chunk}s, embeddings lists, model lists and error bodies.
 * Stateless and thread-safe. Writers take a {@link JsonGenerator} so the caller chooses the buffer.
 */
final class OpenAiServerCodec {

    private OpenAiServerCodec() {}

    /** A request body the codec cannot accept: HTTP 400 with OpenAI's {@code invalid_request_error}. */
    static final class InvalidRequest extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String param;

        public InvalidRequest(String param, String message) {
            super(message);
            this.param = param;
        }

        /** The request field at fault (e.g. {@code messages[1].role}), or null. */
        public String param() {
            return param;
        }
    }

    /**
     * A chat completion request as the client sent it.
     *
     * @param model        the {@code model} field, as written (a route, a provider, or {@code provider/model})
     * @param request      the request, its model unset (the caller resolves {@code model})
     * @param stream       whether the client asked for SSE
     * @param includeUsage {@code stream_options.include_usage}: a final chunk with usage and no choices
     */
    record ChatCall(String model, ChatRequest request, boolean stream, boolean includeUsage) {
        public ChatCall {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * An embeddings request as the client sent it.
     *
     * @param model   the {@code model} field, as written
     * @param request the inputs and dimensions, its model unset
     * @param base64  whether {@code encoding_format} is {@code base64}
     */
    record EmbeddingCall(String model, EmbeddingRequest request, boolean base64) {
        public EmbeddingCall {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(request, "request");
        }
    }

    /** Fields read into the request; every other top-level field passes through as a provider parameter. */
    private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "tools", "tool_choice",
            "response_format", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "stream",
            "stream_options", "n", "functions", "function_call");

    // ---------------------------------------------------------------- reading requests

    /**
     * Reads a {@code POST /v1/chat/completions} body.
     *
     * @throws InvalidRequest naming the field, for a missing or malformed field or an option the gateway cannot honour
     */
    static ChatCall readChatRequest(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest(null, "the request body must be a JSON object");
        }
        String model = requiredString(body, "model");
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequest("messages", "'messages' must be a non-empty array of messages");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw new InvalidRequest("n", "only n = 1 is supported");
        }
        if (body.hasNonNull("functions") || body.hasNonNull("function_call")) {
            throw new InvalidRequest("functions", "'functions' and 'function_call' are deprecated; use 'tools' and 'tool_choice'");
        }
        ChatRequest.Builder b = ChatRequest.builder();
        for (int i = 0; i < messages.size(); i++) {
            b.addMessage(readMessage(messages.get(i), "messages[" + i + "]"));
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw new InvalidRequest("tools", "'tools' must be an array");
            }
            for (int i = 0; i < tools.size(); i++) {
                b.addTool(readTool(tools.get(i), "tools[" + i + "]"));
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            b.toolChoice(readToolChoice(choice));
        }
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull()) {
            b.responseFormat(readResponseFormat(format));
        }
        boolean stream = body.path("stream").asBoolean(false);
        boolean includeUsage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
        try {
            b.temperature(number(body, "temperature"));
            b.topP(number(body, "top_p"));
            Integer maxTokens = integer(body, "max_completion_tokens");
            b.maxOutputTokens(maxTokens != null ? maxTokens : integer(body, "max_tokens"));
            JsonNode seed = body.get("seed");
            if (seed != null && !seed.isNull()) {
                if (!seed.canConvertToLong()) {
                    throw new InvalidRequest("seed", "'seed' must be an integer");
                }
                b.seed(seed.asLong());
            }
            b.stop(readStop(body.get("stop")));
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!CHAT_FIELDS.contains(f.getKey()) && !f.getValue().isNull()) {
                    b.providerParameter(f.getKey(), f.getValue());
                }
            }
            return new ChatCall(model, b.build(), stream, includeUsage);
        } catch (InvalidRequest e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(null, e.getMessage());
        }
    }

    private static Message readMessage(JsonNode m, String at) {
        if (m == null || !m.isObject()) {
            throw new InvalidRequest(at, "'" + at + "' must be an object with a role");
        }
        String roleText = requiredString(m, "role", at);
        Role role = switch (roleText) {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            default -> throw new InvalidRequest(at + ".role", "'" + at + ".role' must be one of system, developer,"
                    + " user, assistant, tool; was '" + roleText + "'");
        };
        List<Content> content = readContent(m.get("content"), at + ".content");
        List<ToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = m.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull()) {
            if (role != Role.ASSISTANT || !toolCalls.isArray()) {
                throw new InvalidRequest(at + ".tool_calls", "'" + at + ".tool_calls' must be an array on an assistant message");
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                calls.add(readToolCall(toolCalls.get(i), at + ".tool_calls[" + i + "]"));
            }
        }
        String toolCallId = null;
        if (role == Role.TOOL) {
            toolCallId = requiredString(m, "tool_call_id", at);
        }
        String name = m.hasNonNull("name") ? m.get("name").asText() : null;
        if (role != Role.ASSISTANT && content.isEmpty()) {
            throw new InvalidRequest(at + ".content", "'" + at + ".content' is required for a " + roleText + " message");
        }
        return new Message(role, content, calls, toolCallId, name);
    }

    /** One of an assistant message's {@code tool_calls}. */
    static ToolCall readToolCall(JsonNode c, String where) {
        JsonNode fn = c.path("function");
        JsonNode args = fn.get("arguments");
        return new ToolCall(requiredString(c, "id", where), requiredString(fn, "name", where + ".function"),
                args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString());
    }

    private static List<Content> readContent(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isTextual()) {
            return List.of(Content.text(content.asText()));
        }
        if (!content.isArray()) {
            throw new InvalidRequest(at, "'" + at + "' must be a string or an array of content parts");
        }
        List<Content> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            parts.add(readPart(content.get(i), at + "[" + i + "]"));
        }
        return parts;
    }

    /** One content part of a message. */
    static Content readPart(JsonNode part, String where) {
        String type = requiredString(part, "type", where);
        switch (type) {
            case "text":
                return Content.text(requiredString(part, "text", where));
            case "image_url": {
                JsonNode image = part.get("image_url");
                String url = image != null && image.isTextual() ? image.asText() : image == null ? null
                        : requiredString(image, "url", where + ".image_url");
                if (url == null) {
                    throw new InvalidRequest(where + ".image_url", "'" + where + ".image_url.url' is required");
                }
                JsonNode detail = image.path("detail"); // auto | low | high: kept for OpenAI-style upstreams
                return Content.imageUrl(url).withDetail(detail.isTextual() ? detail.asText() : null);
            }
            case "refusal":
                return Content.text(requiredString(part, "refusal", where));
            default:
                throw new InvalidRequest(where + ".type", "content part type '" + type
                        + "' is not supported; use text or image_url");
        }
    }

    static ToolDefinition readTool(JsonNode t, String at) {
        String type = t.path("type").asText("function");
        if (!type.equals("function")) {
            throw new InvalidRequest(at + ".type", "tool type '" + type + "' is not supported; use function");
        }
        JsonNode fn = t.get("function");
        if (fn == null || !fn.isObject()) {
            throw new InvalidRequest(at + ".function", "'" + at + ".function' is required");
        }
        JsonNode params = fn.get("parameters");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new InvalidRequest(at + ".function.parameters", "'" + at + ".function.parameters' must be a JSON Schema object");
        }
        return new ToolDefinition(requiredString(fn, "name", at + ".function"),
                fn.hasNonNull("description") ? fn.get("description").asText() : null,
                params == null || params.isNull() ? null : params.toString(), fn.path("strict").asBoolean(false));
    }

    static ToolChoice readToolChoice(JsonNode c) {
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "none" -> ToolChoice.NONE;
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw new InvalidRequest("tool_choice", "'tool_choice' must be none, auto, required or"
                        + " {\"type\": \"function\", \"function\": {\"name\": ...}}");
            };
        }
        return ToolChoice.function(requiredString(c.path("function"), "name", "tool_choice.function"));
    }

    static ResponseFormat readResponseFormat(JsonNode f) {
        String type = requiredString(f, "type", "response_format");
        return switch (type) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> ResponseFormat.JSON;
            case "json_schema" -> {
                JsonNode s = f.path("json_schema");
                JsonNode schema = s.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw new InvalidRequest("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be a JSON Schema object");
                }
                yield new ResponseFormat.JsonSchema(requiredString(s, "name", "response_format.json_schema"),
                        schema.toString(), s.path("strict").asBoolean(false));
            }
            default -> throw new InvalidRequest("response_format.type", "response_format type '" + type
                    + "' is not supported; use text, json_object or json_schema");
        };
    }

    private static List<String> readStop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw new InvalidRequest("stop", "'stop' must be a string or an array of strings");
        }
        List<String> out = new ArrayList<>(stop.size());
        for (JsonNode s : stop) {
            if (!s.isTextual()) {
                throw new InvalidRequest("stop", "'stop' must be a string or an array of strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    /**
     * Reads a {@code POST /v1/embeddings} body: {@code input} as a string, an array of strings, an array of token ids
     * (one token array) or an array of token-id arrays, as OpenAI's API takes them.
     *
     * @throws InvalidRequest naming the field
     */
    static EmbeddingCall readEmbeddingRequest(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest(null, "the request body must be a JSON object");
        }
        String model = requiredString(body, "model");
        JsonNode input = body.get("input");
        List<String> inputs = new ArrayList<>();
        List<List<Integer>> tokens = new ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            JsonNode first = input.get(0);
            if (first.isTextual()) {
                for (JsonNode i : input) {
                    if (!i.isTextual()) {
                        throw new InvalidRequest("input", EMBEDDING_INPUT + " (an array mixes strings with other values)");
                    }
                    inputs.add(i.asText());
                }
            } else if (first.isArray()) {
                for (JsonNode i : input) {
                    tokens.add(tokenIds(i));
                }
            } else {
                tokens.add(tokenIds(input));
            }
        } else {
            throw new InvalidRequest("input", EMBEDDING_INPUT);
        }
        String encoding = body.path("encoding_format").asText("float");
        if (!encoding.equals("float") && !encoding.equals("base64")) {
            throw new InvalidRequest("encoding_format", "'encoding_format' must be float or base64");
        }
        Integer dimensions = integer(body, "dimensions");
        try {
            return new EmbeddingCall(model, new EmbeddingRequest(null, inputs, dimensions, tokens), encoding.equals("base64"));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("dimensions", e.getMessage());
        }
    }

    private static String requiredString(JsonNode node, String field) {
        return requiredString(node, field, null);
    }

    static String requiredString(JsonNode node, String field, String at) {
        String path = at == null ? field : at + "." + field;
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRequest(path, "'" + path + "' is required");
        }
        if (!v.isTextual()) {
            throw new InvalidRequest(path, "'" + path + "' must be a string");
        }
        return v.asText();
    }

    static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidRequest(field, "'" + field + "' must be a number");
        }
        return v.asDouble();
    }

    static Integer integer(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new InvalidRequest(field, "'" + field + "' must be an integer");
        }
        return v.asInt();
    }

    // ---------------------------------------------------------------- writing responses

    /** OpenAI's spelling of a finish reason; reasons it has no word for are {@code stop}. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case STOP, ERROR, OTHER -> "stop";
        };
    }

    /**
     * Writes a {@code chat.completion}.
     *
     * @param id      the response id (the provider's, or one the gateway made)
     * @param model   the model to report
     * @param created the creation time in epoch seconds
     */
    static void writeChatCompletion(JsonGenerator g, ChatResponse r, String id, String model, long created)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        String text = r.text();
        if (text.isEmpty() && !r.toolCalls().isEmpty()) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", text);
        }
        g.writeNullField("refusal");
        if (!r.reasoning().isEmpty()) {
            g.writeStringField("reasoning_content", r.reasoning());
        }
        if (!r.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : r.toolCalls()) {
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
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", finishReason(r.finishReason()));
        g.writeEndObject();
        g.writeEndArray();
        if (ReportedUsage.known(r.usage())) { // optional in OpenAI's shape: left out rather than 0/0/0
            writeUsageField(g, r.usage());
        }
        g.writeEndObject();
    }

    private static void writeUsageField(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.inputTokens());
        g.writeNumberField("completion_tokens", u.outputTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        if (u.cachedInputTokens() > 0) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", u.cachedInputTokens());
            g.writeEndObject();
        }
        if (u.reasoningTokens() > 0) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", u.reasoningTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * The fixed part of every chunk of one streamed answer.
     *
     * @param id           the answer's id, the same in every chunk
     * @param model        the model to report, the same in every chunk
     * @param created      epoch seconds
     * @param includeUsage whether chunks carry {@code "usage": null} (and a final usage chunk is due)
     */
    record ChunkHeader(String id, String model, long created, boolean includeUsage) {
        public ChunkHeader {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(model, "model");
        }
    }

    /**
     * Writes the {@code chat.completion.chunk} for one event, or nothing (returns false) for events that have no chunk
     * of their own ({@link ChatEvent.Started}, {@link ChatEvent.UsageReport}: usage goes in the final chunk,
     * {@link #writeUsageChunk}; {@link ChatEvent.ReasoningBlockEnd}: OpenAI's chunks have no place for signed reasoning,
     * whose text went out as {@code reasoning_content}). {@code first} adds {@code "role": "assistant"} to the delta, as OpenAI's first chunk
     * has it.
     */
    static boolean writeChunk(JsonGenerator g, ChunkHeader h, ChatEvent e, boolean first) throws IOException {
        if (e instanceof ChatEvent.Started || e instanceof ChatEvent.UsageReport || e instanceof ChatEvent.ReasoningBlockEnd) {
            return false;
        }
        startChunk(g, h);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        if (first) {
            g.writeStringField("role", "assistant");
        }
        String finish = null;
        if (e instanceof ChatEvent.TextDelta t) {
            g.writeStringField("content", t.text());
        } else if (e instanceof ChatEvent.ReasoningDelta r) {
            g.writeStringField("reasoning_content", r.text());
        } else if (e instanceof ChatEvent.ToolCallDelta d) {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", d.index());
            if (d.id() != null && !d.id().isEmpty()) {
                g.writeStringField("id", d.id());
                g.writeStringField("type", "function");
            }
            g.writeObjectFieldStart("function");
            if (d.name() != null && !d.name().isEmpty()) {
                g.writeStringField("name", d.name());
            }
            g.writeStringField("arguments", d.argumentsFragment());
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        } else if (e instanceof ChatEvent.Finished f) {
            finish = finishReason(f.reason());
        }
        g.writeEndObject();
        g.writeNullField("logprobs");
        if (finish == null) {
            g.writeNullField("finish_reason");
        } else {
            g.writeStringField("finish_reason", finish);
        }
        g.writeEndObject();
        g.writeEndArray();
        if (h.includeUsage()) {
            g.writeNullField("usage");
        }
        g.writeEndObject();
        return true;
    }

    /**
     * The last chunk when {@code stream_options.include_usage} was asked: no choices, the whole answer's usage, or
     * {@code "usage": null} when the upstream reported none (OpenAI's shape allows it; 0/0/0 would be a false count).
     */
    static void writeUsageChunk(JsonGenerator g, ChunkHeader h, Usage usage) throws IOException {
        startChunk(g, h);
        g.writeArrayFieldStart("choices");
        g.writeEndArray();
        if (ReportedUsage.known(usage)) {
            writeUsageField(g, usage);
        } else {
            g.writeNullField("usage");
        }
        g.writeEndObject();
    }

    private static void startChunk(JsonGenerator g, ChunkHeader h) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", h.created());
        g.writeStringField("model", h.model());
    }

    /** Writes an embeddings list; {@code base64} encodes each vector as little-endian float32 bytes, as OpenAI does. */
    static void writeEmbeddings(JsonGenerator g, EmbeddingResponse r, String model, boolean base64)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (Embedding e : r.embeddings()) {
            g.writeStartObject();
            g.writeStringField("object", "embedding");
            g.writeNumberField("index", e.index());
            g.writeFieldName("embedding");
            float[] v = e.vector();
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
                g.writeString(Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                g.writeStartArray();
                for (float f : v) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("model", model);
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", r.usage().inputTokens());
        g.writeNumberField("total_tokens", r.usage().totalTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static final String EMBEDDING_INPUT = "'input' must be a non-empty string, array of strings, array of token"
            + " ids or array of non-empty token-id arrays";

    /** One token array of an embeddings {@code input}: non-negative integers. */
    private static List<Integer> tokenIds(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            throw new InvalidRequest("input", EMBEDDING_INPUT);
        }
        List<Integer> ids = new ArrayList<>(array.size());
        for (JsonNode t : array) {
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0) {
                throw new InvalidRequest("input", EMBEDDING_INPUT + " (a token id is a non-negative integer)");
            }
            ids.add(t.intValue());
        }
        return ids;
    }

    /** One entry of a model list: its id and who owns it. */
    record ModelEntry(String id, String ownedBy) {
        public ModelEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(ownedBy, "ownedBy");
        }
    }

    /** Writes a {@code GET /v1/models} list. */
    static void writeModels(JsonGenerator g, List<ModelEntry> models, long created) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (ModelEntry m : models) {
            writeModel(g, m, created);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Writes one model object, as {@code GET /v1/models/{id}} answers it and the list holds it. */
    static void writeModel(JsonGenerator g, ModelEntry m, long created) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", created);
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    /**
     * Writes OpenAI's error body {@code {"error": {"message", "type", "param", "code"}}}.
     *
     * @param type  e.g. {@code invalid_request_error}, {@code rate_limit_error}, {@code server_error}
     * @param param the request field at fault, or null
     * @param code  a machine-readable code, or null
     */
    static void writeError(JsonGenerator g, String message, String type, String param, String code)
            throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("message", message);
        g.writeStringField("type", type);
        if (param == null) {
            g.writeNullField("param");
        } else {
            g.writeStringField("param", param);
        }
        if (code == null) {
            g.writeNullField("code");
        } else {
            g.writeStringField("code", code);
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
