package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes Anthropic Messages API bodies: a {@code message}, the named SSE events of a streamed one, and errors in
 * Anthropic's shape ({@code {"type":"error","error":{"type","message"}}}), whose {@code error.type} follows the HTTP
 * status as Anthropic's own API and SDKs pair them. Stateless and thread-safe.
 */
final class MessagesWriter {

    /** Anthropic's own stop reasons: an Anthropic upstream's raw reason is passed on as it was. */
    private static final Set<String> STOP_REASONS = Set.of("end_turn", "max_tokens", "stop_sequence", "tool_use",
            "pause_turn", "refusal");

    private MessagesWriter() {}

    /** Anthropic's stop reason for a finish: the upstream's own word when it is Anthropic's, else the closest one. */
    static String stopReason(FinishReason reason, String raw) {
        if (STOP_REASONS.contains(raw)) {
            return raw;
        }
        return switch (reason) {
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            case CONTENT_FILTER -> "refusal";
            case STOP, ERROR, OTHER -> "end_turn";
        };
    }

    /**
     * Writes a {@code message}: thinking blocks (when {@code thinking}), text, then tool_use blocks.
     *
     * @param id    the message id
     * @param model the model to report
     */
    static void writeMessage(JsonGenerator g, ChatResponse r, String id, String model, boolean thinking)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model);
        g.writeArrayFieldStart("content");
        if (thinking) {
            writeReasoning(g, r);
        }
        String text = r.text();
        if (!text.isEmpty() || r.toolCalls().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", text);
            g.writeEndObject();
        }
        for (ToolCall c : r.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", toolUseId(c.id()));
            g.writeStringField("name", c.name());
            g.writeFieldName("input");
            g.writeTree(input(c.arguments()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("stop_reason", stopReason(r.finishReason(), r.rawFinishReason()));
        g.writeNullField("stop_sequence");
        g.writeObjectFieldStart("usage");
        writeUsage(g, r.usage());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Signed reasoning as Anthropic's blocks; reasoning text without blocks (other providers') unsigned. */
    private static void writeReasoning(JsonGenerator g, ChatResponse r) throws IOException {
        boolean wrote = false;
        for (ReasoningBlock b : r.message().reasoningBlocks()) {
            if (!b.isFrom(MessagesRequestReader.ANTHROPIC)) {
                continue;
            }
            g.writeStartObject();
            if (b.isRedacted()) {
                g.writeStringField("type", "redacted_thinking");
                g.writeStringField("data", b.redactedData().orElse(""));
            } else {
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", b.text());
                g.writeStringField("signature", b.signature().orElse(""));
            }
            g.writeEndObject();
            wrote = true;
        }
        if (!wrote && !r.reasoning().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "thinking");
            g.writeStringField("thinking", r.reasoning());
            g.writeStringField("signature", "");
            g.writeEndObject();
        }
    }

    /**
     * Anthropic's usage: its {@code input_tokens} leaves out what was read from or written to the cache, which the
     * runtime's {@link Usage} counts as part of the input.
     */
    static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeNumberField("input_tokens", Math.max(0, u.inputTokens() - u.cachedInputTokens()
                - u.cacheWriteInputTokens()));
        g.writeNumberField("cache_creation_input_tokens", u.cacheWriteInputTokens());
        g.writeNumberField("cache_read_input_tokens", u.cachedInputTokens());
        g.writeNumberField("output_tokens", u.outputTokens());
    }

    /** A tool call's arguments as the object {@code input} is; arguments that are not an object go under {@code _}. */
    static JsonNode input(String arguments) {
        try {
            JsonNode n = Json.read(arguments);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException | RuntimeException e) {
            // the model wrote something that is not JSON: keep it, as text, rather than lose it
        }
        return Json.object().put("_", arguments);
    }

    /** The id of a tool call as a tool_use id; a call the provider gave no id gets one. */
    static String toolUseId(String id) {
        return id == null || id.isEmpty() ? newId("toolu_") : id;
    }

    static String newId(String prefix) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return prefix + Long.toUnsignedString(r.nextLong(), 36) + Long.toUnsignedString(r.nextLong(), 36);
    }

    /** One named SSE event: {@code event: <name>\ndata: <json>\n\n}. */
    static byte[] event(String name, JsonBodies.Writer w) {
        return JsonBodies.namedEvent(name, w);
    }

    // ---------------------------------------------------------------- errors

    /** Anthropic's error type for an answer of {@code status} (the pairs its API documents). */
    static String errorType(ErrorReply e) {
        return switch (e.status()) {
            case 400, 405, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408, 504 -> "timeout_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    /**
     * The error as the Messages API answers it: every target overloaded is Anthropic's 529 (the SDKs'
     * {@code OverloadedException}); every other status stays.
     */
    static ErrorReply forMessages(ErrorReply e) {
        if (e.status() == 401 && "invalid_api_key".equals(e.code())) { // Anthropic's SDKs send the key as x-api-key
            return new ErrorReply(401, e.type(), e.code(), e.param(),
                    e.message().replace(ErrorReply.BEARER_HINT, ErrorReply.MESSAGES_KEY_HINT), null, e.kind());
        }
        if (e.status() == 503 && "overloaded".equals(e.code())) {
            return new ErrorReply(529, e.type(), e.code(), e.param(), e.message(), e.retryAfter(), e.kind());
        }
        return e;
    }

    private static void writeError(JsonGenerator g, ErrorReply e) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "error");
        g.writeObjectFieldStart("error");
        g.writeStringField("type", errorType(e));
        g.writeStringField("message", e.message());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The error as a whole body. */
    static byte[] errorBody(ErrorReply e) {
        return JsonBodies.json(g -> writeError(g, e));
    }

    /** The error as the {@code error} event of a stream that fails after it started. */
    static byte[] errorEvent(ErrorReply e) {
        return event("error", g -> writeError(g, e));
    }
}
