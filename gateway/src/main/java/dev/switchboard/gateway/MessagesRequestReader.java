package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.Message;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.gateway.OpenAiServerCodec.InvalidRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads an Anthropic Messages API body ({@code POST /v1/messages}) into the runtime's {@link ChatRequest}, so a
 * route serves it as any chat request. What has a place in a {@code ChatRequest} is translated: {@code system}
 * (a string or text blocks), messages of text, image ({@code base64} or {@code url} source), {@code tool_use},
 * {@code tool_result}, {@code thinking} and {@code redacted_thinking} blocks, {@code tools} and {@code tool_choice},
 * {@code max_tokens}, {@code stop_sequences}, {@code temperature}, {@code top_p} and {@code metadata.user_id}.
 * A block or tool the runtime cannot carry (documents, server tools) is refused with 400 naming it; top-level fields
 * with no counterpart ({@code top_k}, {@code thinking}, {@code service_tier}, ...) are left out, since the route may
 * end at a provider whose API refuses them. Stateless.
 */
final class MessagesRequestReader {

    /** The provider type whose signed reasoning a {@code thinking} block carries back. */
    static final String ANTHROPIC = "anthropic";

    private MessagesRequestReader() {}

    /**
     * A Messages request as the client sent it.
     *
     * @param model    the {@code model} field, as written (a route, a provider, or {@code provider/model})
     * @param request  the request, its model unset
     * @param stream   whether the client asked for SSE
     * @param thinking whether the client turned extended thinking on: reasoning is then answered as thinking blocks
     */
    record Call(String model, ChatRequest request, boolean stream, boolean thinking) {
        Call {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(request, "request");
        }
    }

    /** Reads a {@code POST /v1/messages} body; {@code countOnly} for count_tokens, which takes no max_tokens. */
    static Call read(JsonNode body, boolean countOnly) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest(null, "the request body must be a JSON object");
        }
        String model = string(body, "model", "model");
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequest("messages", "messages: must be a non-empty array of messages");
        }
        ChatRequest.Builder b = ChatRequest.builder();
        readSystem(body.get("system"), b);
        for (int i = 0; i < messages.size(); i++) {
            readMessage(messages.get(i), "messages." + i, b);
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw new InvalidRequest("tools", "tools: must be an array");
            }
            for (int i = 0; i < tools.size(); i++) {
                b.addTool(readTool(tools.get(i), "tools." + i));
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            readToolChoice(choice, b);
        }
        JsonNode thinking = body.get("thinking");
        boolean thinkingOn = thinking != null && thinking.isObject()
                && !"disabled".equals(thinking.path("type").asText("disabled"));
        try {
            JsonNode max = body.get("max_tokens");
            if (max == null || max.isNull()) {
                if (!countOnly) {
                    throw new InvalidRequest("max_tokens", "max_tokens: Field required");
                }
            } else if (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1) {
                throw new InvalidRequest("max_tokens", "max_tokens: must be a positive integer");
            } else {
                b.maxOutputTokens(max.asInt());
            }
            b.temperature(number(body, "temperature"));
            b.topP(number(body, "top_p"));
            b.stop(strings(body.get("stop_sequences"), "stop_sequences"));
            JsonNode user = body.path("metadata").path("user_id");
            if (user.isTextual() && !user.asText().isEmpty()) {
                b.providerParameter("user", user.asText()); // OpenAI's name; Anthropic upstreams map it back
            }
            return new Call(model, b.build(), body.path("stream").asBoolean(false), thinkingOn);
        } catch (InvalidRequest e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(null, e.getMessage());
        }
    }

    private static void readSystem(JsonNode system, ChatRequest.Builder b) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                b.addMessage(Message.system(system.asText()));
            }
            return;
        }
        if (!system.isArray()) {
            throw new InvalidRequest("system", "system: must be a string or an array of text blocks");
        }
        List<Content> parts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String at = "system." + i;
            String type = string(block, "type", at + ".type");
            if (!type.equals("text")) {
                throw new InvalidRequest(at + ".type", at + ".type: system blocks must be text; was '" + type + "'");
            }
            parts.add(Content.text(string(block, "text", at + ".text")));
        }
        if (!parts.isEmpty()) {
            b.addMessage(new Message(Role.SYSTEM, parts, List.of(), null, null));
        }
    }

    /**
     * One Messages API message, as one or more runtime messages: a user message's {@code tool_result} blocks become
     * tool messages (in their order, before the rest of the turn, as the API requires them first); an assistant
     * message keeps its text, tool calls and signed reasoning together.
     */
    private static void readMessage(JsonNode m, String at, ChatRequest.Builder b) {
        if (m == null || !m.isObject()) {
            throw new InvalidRequest(at, at + ": must be an object with a role and content");
        }
        String roleText = string(m, "role", at + ".role");
        Role role = switch (roleText) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM; // newer API versions take system turns among the messages
            default -> throw new InvalidRequest(at + ".role", at + ".role: must be user, assistant or system; was '"
                    + roleText + "'");
        };
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            b.addMessage(new Message(role, List.of(Content.text(content.asText())), List.of(), null, null));
            return;
        }
        if (content == null || !content.isArray()) {
            throw new InvalidRequest(at + ".content", at + ".content: must be a string or an array of content blocks");
        }
        List<Content> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        List<ReasoningBlock> reasoning = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String where = at + ".content." + i;
            String type = string(block, "type", where + ".type");
            switch (type) {
                case "text" -> parts.add(Content.text(string(block, "text", where + ".text")));
                case "image" -> {
                    only(role, Role.USER, type, where);
                    parts.add(image(block.get("source"), where + ".source"));
                }
                case "tool_use" -> {
                    only(role, Role.ASSISTANT, type, where);
                    JsonNode input = block.get("input");
                    calls.add(new ToolCall(string(block, "id", where + ".id"), string(block, "name", where + ".name"),
                            input == null || input.isNull() ? "{}" : input.toString()));
                }
                case "tool_result" -> {
                    only(role, Role.USER, type, where);
                    b.addMessage(new Message(Role.TOOL, toolResult(block.get("content"), where + ".content"),
                            List.of(), string(block, "tool_use_id", where + ".tool_use_id"), null));
                }
                case "thinking" -> {
                    only(role, Role.ASSISTANT, type, where);
                    reasoning.add(ReasoningBlock.thinking(ANTHROPIC, block.path("thinking").asText(""),
                            block.path("signature").asText("")));
                }
                case "redacted_thinking" -> {
                    only(role, Role.ASSISTANT, type, where);
                    reasoning.add(ReasoningBlock.redacted(ANTHROPIC, string(block, "data", where + ".data")));
                }
                default -> throw new InvalidRequest(where + ".type", where + ".type: content block type '" + type
                        + "' is not supported by this gateway; use text, image, tool_use, tool_result, thinking or"
                        + " redacted_thinking");
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty() || !reasoning.isEmpty()) {
            b.addMessage(new Message(role, parts, calls, null, null, reasoning));
        }
    }

    private static void only(Role role, Role expected, String type, String where) {
        if (role != expected) {
            throw new InvalidRequest(where + ".type", where + ".type: a " + type + " block belongs in "
                    + (expected == Role.USER ? "a user" : "an assistant") + " message");
        }
    }

    /** A tool result's content: a string or text and image blocks. */
    private static List<Content> toolResult(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return List.of(Content.text(""));
        }
        if (content.isTextual()) {
            return List.of(Content.text(content.asText()));
        }
        if (!content.isArray()) {
            throw new InvalidRequest(at, at + ": must be a string or an array of text and image blocks");
        }
        List<Content> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String where = at + "." + i;
            String type = string(block, "type", where + ".type");
            switch (type) {
                case "text" -> parts.add(Content.text(string(block, "text", where + ".text")));
                case "image" -> parts.add(image(block.get("source"), where + ".source"));
                default -> throw new InvalidRequest(where + ".type", where + ".type: a tool result may hold text"
                        + " and image blocks; was '" + type + "'");
            }
        }
        return parts.isEmpty() ? List.of(Content.text("")) : parts;
    }

    private static Content image(JsonNode source, String at) {
        if (source == null || !source.isObject()) {
            throw new InvalidRequest(at, at + ": Field required");
        }
        String type = string(source, "type", at + ".type");
        try {
            return switch (type) {
                case "base64" -> Content.imageBase64(string(source, "media_type", at + ".media_type"),
                        string(source, "data", at + ".data"));
                case "url" -> Content.imageUrl(string(source, "url", at + ".url"));
                default -> throw new InvalidRequest(at + ".type", at + ".type: image sources are base64 or url;"
                        + " was '" + type + "'");
            };
        } catch (InvalidRequest e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(at, at + ": " + e.getMessage());
        }
    }

    private static ToolDefinition readTool(JsonNode t, String at) {
        if (t == null || !t.isObject()) {
            throw new InvalidRequest(at, at + ": must be an object");
        }
        String type = t.path("type").asText("custom");
        if (!type.equals("custom")) {
            // Anthropic's server and client tools (web_search_..., bash_..., text_editor_...) run on its side only.
            throw new InvalidRequest(at + ".type", at + ".type: tool type '" + type + "' is not supported by this"
                    + " gateway; only custom tools (name, description, input_schema) are");
        }
        JsonNode schema = t.get("input_schema");
        if (schema == null || !schema.isObject()) {
            throw new InvalidRequest(at + ".input_schema", at + ".input_schema: must be a JSON Schema object");
        }
        try {
            return new ToolDefinition(string(t, "name", at + ".name"),
                    t.hasNonNull("description") ? t.get("description").asText() : null, schema.toString(), false);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(at, at + ": " + e.getMessage());
        }
    }

    private static void readToolChoice(JsonNode c, ChatRequest.Builder b) {
        String type = string(c, "type", "tool_choice.type");
        b.toolChoice(switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> ToolChoice.function(string(c, "name", "tool_choice.name"));
            default -> throw new InvalidRequest("tool_choice.type", "tool_choice.type: must be auto, any, tool or"
                    + " none; was '" + type + "'");
        });
        if (c.path("disable_parallel_tool_use").asBoolean(false)) {
            b.providerParameter("parallel_tool_calls", false); // OpenAI's name; Anthropic upstreams map it back
        }
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, field + ": must be an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw new InvalidRequest(field, field + ": must be an array of strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidRequest(field, field + ": must be a number");
        }
        return v.asDouble();
    }

    private static String string(JsonNode node, String field, String path) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRequest(path, path + ": Field required");
        }
        if (!v.isTextual()) {
            throw new InvalidRequest(path, path + ": must be a string");
        }
        return v.asText();
    }
}
