package dev.switchboard.provider.anthropic;

import dev.switchboard.http.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Messages API request body from a {@link ChatRequest}:
 * <ul>
 *   <li>system messages, wherever they are, become the top-level {@code system} text;</li>
 *   <li>consecutive messages of the same side are merged into one turn, as the API wants turns to alternate; our
 *       {@link Role#TOOL} messages are user turns of {@code tool_result} blocks, placed before any other content of
 *       that turn, as the API requires;</li>
 *   <li>assistant tool calls become {@code tool_use} blocks with their JSON arguments as an object;</li>
 *   <li>when the request turns thinking on (a {@code thinking} provider parameter whose type is not
 *       {@code disabled}), an assistant message's reasoning blocks from Anthropic go back first in its turn, unchanged
 *       and in order: {@code thinking} with its signature, {@code redacted_thinking} with its data (the API checks
 *       them when a tool-use turn continues with thinking on, and refuses them in the last assistant turn when
 *       thinking is off); blocks of other provider types, and thinking without a signature, are never sent;</li>
 *   <li>images become {@code image} blocks with a base64 source, or a URL source for a remote image;</li>
 *   <li>JSON Schema output becomes {@code output_config.format} (structured outputs);</li>
 *   <li>{@code max_tokens} is always sent: the request's max output tokens, else the configured default.</li>
 * </ul>
 * {@link #check} refuses what Anthropic cannot do before anything is sent. Stateless.
 */
final class AnthropicRequestWriter {

    /** Fields the writer owns; a provider parameter of one of these names is refused. */
    static final Set<String> RESERVED_FIELDS = Set.of("model", "messages", "stream");

    /** The media types the API accepts for base64 images. */
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private AnthropicRequestWriter() {}

    /**
     * Refuses, before sending, what the Messages API cannot take: JSON output without a schema (there is no JSON mode;
     * JSON Schema output is supported), a temperature above 1, images in assistant messages or of an unsupported
     * type ({@link dev.switchboard.api.ErrorKind#UNSUPPORTED}, so a route can fall back), and provider parameters
     * that would replace the model, the messages or the stream flag ({@code INVALID_REQUEST}).
     */
    static void check(String provider, ChatRequest r) {
        for (String field : RESERVED_FIELDS) {
            if (r.providerParameters().containsKey(field)) {
                throw LlmException.invalidRequest(provider, "provider parameter '" + field
                        + "' names a field Switchboard writes itself; set the model and messages on the request, and call stream() to stream");
            }
        }
        if (r.responseFormat().orElse(null) instanceof ResponseFormat.JsonObject
                && !r.providerParameters().containsKey("output_config")) {
            throw LlmException.unsupported(provider,
                    "JSON output without a schema (Anthropic has no JSON mode; give a JSON Schema with ResponseFormat.jsonSchema)");
        }
        if (r.temperature().isPresent() && r.temperature().getAsDouble() > 1.0) {
            throw LlmException.unsupported(provider,
                    "temperature " + r.temperature().getAsDouble() + " (Anthropic accepts 0 to 1)");
        }
        for (Message m : r.messages()) {
            for (Content c : m.content()) {
                if (c instanceof Content.Image i) {
                    if (m.role() == Role.ASSISTANT || m.role() == Role.SYSTEM) {
                        throw LlmException.unsupported(provider, "an image in a " + m.role().name().toLowerCase(java.util.Locale.ROOT)
                                + " message (Anthropic takes images from the user and in tool results only)");
                    }
                    i.inlineData().ifPresent(d -> {
                        if (!IMAGE_TYPES.contains(d.mediaType())) {
                            throw LlmException.unsupported(provider, "image type " + d.mediaType()
                                    + " (Anthropic takes image/jpeg, image/png, image/gif and image/webp)");
                        }
                    });
                }
            }
        }
    }

    /** Writes the body, its fields as {@code plan} decided (see {@link AnthropicFieldPlan}). */
    static void write(JsonWriter g, String provider, ChatRequest r, String model, int defaultMaxTokens, boolean stream,
                      AnthropicFieldPlan plan) throws IOException {
        Map<String, Object> params = r.providerParameters();
        g.writeStartObject();
        g.writeStringField("model", model);
        if (!params.containsKey("max_tokens")) {
            g.writeNumberField("max_tokens", r.maxOutputTokens().orElse(defaultMaxTokens));
        }
        String system = systemText(r.messages());
        if (!system.isEmpty() && !params.containsKey("system")) {
            g.writeStringField("system", system);
        }
        g.writeArrayFieldStart("messages");
        for (Turn t : turns(r.messages(), thinkingOn(r))) {
            writeTurn(g, provider, t);
        }
        g.writeEndArray();
        if (!r.tools().isEmpty() && !params.containsKey("tools")) {
            g.writeArrayFieldStart("tools");
            for (ToolDefinition t : r.tools()) {
                g.writeStartObject();
                g.writeStringField("name", t.name());
                if (!t.description().isEmpty()) {
                    g.writeStringField("description", t.description());
                }
                g.writeFieldName("input_schema");
                g.writeRawValue(t.parametersSchema());
                if (t.strict()) {
                    g.writeBooleanField("strict", true);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!r.tools().isEmpty() && !params.containsKey("tool_choice")
                && (r.toolChoice().isPresent() || plan.disableParallelToolUse())) {
            writeToolChoice(g, r.toolChoice().orElse(ToolChoice.AUTO), plan.disableParallelToolUse());
        }
        if (plan.userId().isPresent()) {
            g.writeObjectFieldStart("metadata");
            g.writeStringField("user_id", plan.userId().get());
            g.writeEndObject();
        }
        if (r.responseFormat().orElse(null) instanceof ResponseFormat.JsonSchema s && !params.containsKey("output_config")) {
            g.writeObjectFieldStart("output_config");
            g.writeObjectFieldStart("format");
            g.writeStringField("type", "json_schema");
            g.writeFieldName("schema");
            g.writeRawValue(s.schema());
            g.writeEndObject();
            g.writeEndObject();
        }
        if (plan.sendTemperature()) {
            g.writeNumberField("temperature", r.temperature().getAsDouble());
        }
        if (plan.sendTopP()) {
            g.writeNumberField("top_p", r.topP().getAsDouble());
        }
        if (!r.stop().isEmpty() && !params.containsKey("stop_sequences")) {
            g.writeArrayFieldStart("stop_sequences");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        // The Messages API has no seed: a request's seed is not sent.
        if (stream) {
            g.writeBooleanField("stream", true);
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (!RESERVED_FIELDS.contains(p.getKey()) && !plan.skippedParameters().contains(p.getKey())) {
                g.writeFieldName(p.getKey());
                g.writeValue(p.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeToolChoice(JsonWriter g, ToolChoice c, boolean disableParallelToolUse) throws IOException {
        g.writeObjectFieldStart("tool_choice");
        if (c instanceof ToolChoice.Specific s) {
            g.writeStringField("type", "tool");
            g.writeStringField("name", s.name());
        } else {
            g.writeStringField("type", c instanceof ToolChoice.Required ? "any" : c instanceof ToolChoice.None ? "none" : "auto");
        }
        if (disableParallelToolUse && !(c instanceof ToolChoice.None)) {
            g.writeBooleanField("disable_parallel_tool_use", true);
        }
        g.writeEndObject();
    }

    /** Every system message's text, in order, separated by a blank line. */
    static String systemText(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                String text = m.text();
                if (!text.isEmpty()) {
                    sb.append(sb.length() == 0 ? "" : "\n\n").append(text);
                }
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- turns

    /** One message of the request body: a side and its content blocks, tool results first. */
    private static final class Turn {
        final String role;
        final List<Message> toolResults = new ArrayList<>();
        final List<Object> blocks = new ArrayList<>(); // ReasoningBlocks, Content parts and ToolCalls, in order

        Turn(String role) {
            this.role = role;
        }

        boolean isEmpty() {
            return toolResults.isEmpty() && blocks.isEmpty();
        }
    }

    /** Whether the request turns extended thinking on: a {@code thinking} parameter, unless its type is disabled. */
    static boolean thinkingOn(ChatRequest r) {
        Object thinking = r.providerParameters().get("thinking");
        if (thinking instanceof Map<?, ?> m) {
            return !"disabled".equals(String.valueOf(m.get("type")));
        }
        return thinking != null;
    }

    /**
     * Groups the non-system messages into alternating turns; messages that would give an empty turn are skipped.
     * {@code withReasoning}: whether assistant messages take their Anthropic reasoning blocks along.
     */
    private static List<Turn> turns(List<Message> messages, boolean withReasoning) {
        List<Turn> turns = new ArrayList<>();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                continue;
            }
            Turn next = new Turn(m.role() == Role.ASSISTANT ? "assistant" : "user");
            if (m.role() == Role.TOOL) {
                next.toolResults.add(m);
            } else {
                for (ReasoningBlock b : withReasoning ? m.reasoningBlocks() : List.<ReasoningBlock>of()) {
                    if (b.isFrom(AnthropicWire.TYPE) && (b.isRedacted() || b.signature().isPresent())) {
                        next.blocks.add(b);
                    }
                }
                for (Content c : m.content()) {
                    if (!(c instanceof Content.Text t) || !t.text().isEmpty()) {
                        next.blocks.add(c); // the API refuses empty text blocks
                    }
                }
                next.blocks.addAll(m.toolCalls());
            }
            if (next.isEmpty()) {
                continue;
            }
            Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (last != null && last.role.equals(next.role)) {
                last.toolResults.addAll(next.toolResults);
                last.blocks.addAll(next.blocks);
            } else {
                turns.add(next);
            }
        }
        return turns;
    }

    private static void writeTurn(JsonWriter g, String provider, Turn t) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", t.role);
        if (t.toolResults.isEmpty() && t.blocks.size() == 1 && t.blocks.get(0) instanceof Content.Text only) {
            g.writeStringField("content", only.text());
        } else {
            g.writeArrayFieldStart("content");
            for (Message result : t.toolResults) {
                writeToolResult(g, result);
            }
            for (Object block : t.blocks) {
                if (block instanceof ToolCall call) {
                    writeToolUse(g, provider, call);
                } else if (block instanceof ReasoningBlock reasoning) {
                    writeReasoning(g, reasoning);
                } else {
                    writeContent(g, (Content) block);
                }
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeContent(JsonWriter g, Content c) throws IOException {
        g.writeStartObject();
        if (c instanceof Content.Text t) {
            g.writeStringField("type", "text");
            g.writeStringField("text", t.text());
        } else if (c instanceof Content.Image i) {
            g.writeStringField("type", "image");
            g.writeObjectFieldStart("source");
            Content.InlineData data = i.inlineData().orElse(null);
            if (data != null) {
                g.writeStringField("type", "base64");
                g.writeStringField("media_type", data.mediaType());
                g.writeStringField("data", data.base64());
            } else {
                g.writeStringField("type", "url");
                g.writeStringField("url", i.url());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeReasoning(JsonWriter g, ReasoningBlock b) throws IOException {
        g.writeStartObject();
        if (b.isRedacted()) {
            g.writeStringField("type", "redacted_thinking");
            g.writeStringField("data", b.redactedData().orElseThrow());
        } else {
            g.writeStringField("type", "thinking");
            g.writeStringField("thinking", b.text());
            g.writeStringField("signature", b.signature().orElseThrow());
        }
        g.writeEndObject();
    }

    private static void writeToolUse(JsonWriter g, String provider, ToolCall call) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "tool_use");
        g.writeStringField("id", toolUseId(call.id()));
        g.writeStringField("name", call.name());
        g.writeFieldName("input");
        g.writeTree(argumentsObject(provider, call));
        g.writeEndObject();
    }

    private static void writeToolResult(JsonWriter g, Message result) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "tool_result");
        g.writeStringField("tool_use_id", toolUseId(result.toolCallId()));
        if (result.hasImages()) {
            g.writeArrayFieldStart("content");
            for (Content c : result.content()) {
                if (!(c instanceof Content.Text t) || !t.text().isEmpty()) {
                    writeContent(g, c);
                }
            }
            g.writeEndArray();
        } else if (!result.text().isEmpty()) {
            g.writeStringField("content", result.text());
        }
        g.writeEndObject();
    }

    /**
     * A tool call id as the API accepts it ({@code ^[a-zA-Z0-9_-]+$}): ids another provider made may hold other
     * characters. The same mapping is applied to the call and to its result, so they still pair up.
     */
    static String toolUseId(String id) {
        StringBuilder sb = null;
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
            if (!ok && sb == null) {
                sb = new StringBuilder(id.length()).append(id, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? ch : '_');
            }
        }
        return sb == null ? id : sb.toString();
    }

    /** The API wants tool-call arguments as an object; ours are JSON text. */
    private static JsonNode argumentsObject(String provider, ToolCall c) {
        JsonNode args;
        try {
            args = Json.parse(c.arguments(), "arguments of tool call " + c.name());
        } catch (IllegalArgumentException e) {
            throw LlmException.invalidRequest(provider, e.getMessage());
        }
        if (!args.isObject()) {
            throw LlmException.invalidRequest(provider, "arguments of tool call " + c.name() + " must be a JSON object");
        }
        return args;
    }
}
