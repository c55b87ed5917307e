package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.gateway.OpenAiServerCodec.InvalidRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a {@code POST /v1/responses} body (OpenAI's Responses API) into the same {@link ChatRequest} a chat
 * completion becomes, so a Responses client gets the routes, fallback, keys, limits and budgets chat has.
 * {@code instructions} becomes the first system message; {@code input} (a string, or a list of message,
 * {@code function_call} and {@code function_call_output} items) becomes the conversation; function tools,
 * {@code tool_choice}, {@code text.format}, {@code max_output_tokens}, {@code temperature} and {@code top_p} map to
 * their chat equivalents. What needs state the gateway does not keep ({@code previous_response_id},
 * {@code conversation}, {@code background}, {@code item_reference} items, stored prompts) and OpenAI's built-in tools
 * are refused with a 400 naming the field. Stateless and thread-safe.
 */
final class ResponsesRequestReader {

    private ResponsesRequestReader() {}

    /**
     * A Responses request as the client sent it.
     *
     * @param model   the {@code model} field, as written (a route, a provider, or {@code provider/model})
     * @param request the request, its model unset (the caller resolves {@code model})
     * @param stream  whether the client asked for typed SSE events
     * @param echo    the request fields a Response object repeats back
     */
    record Call(String model, ChatRequest request, boolean stream, Echo echo) {
        Call {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(echo, "echo");
        }
    }

    /**
     * What a Response object repeats of its request, as the client wrote it (null: not given). Kept as JSON so the
     * answer says back exactly what was asked.
     */
    record Echo(String instructions, Integer maxOutputTokens, Double temperature, Double topP, JsonNode toolChoice,
                JsonNode tools, JsonNode textFormat, boolean parallelToolCalls, JsonNode metadata, String user,
                String reasoningEffort) {}

    /** Built-in tools the Responses API runs on OpenAI's side; a gateway in front of any provider cannot. */
    private static final Set<String> BUILT_IN_TOOLS = Set.of("web_search", "web_search_preview",
            "web_search_preview_2025_03_11", "web_search_2025_08_26", "file_search", "computer_use_preview",
            "computer_use", "code_interpreter", "image_generation", "mcp", "local_shell", "shell", "apply_patch",
            "custom");

    /**
     * Reads the body.
     *
     * @throws InvalidRequest naming the field, for a missing or malformed field or an option the gateway cannot honour
     */
    static Call read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest(null, "the request body must be a JSON object");
        }
        String model = OpenAiServerCodec.requiredString(body, "model", null);
        refuseStateful(body);
        ChatRequest.Builder b = ChatRequest.builder();
        String instructions = optionalString(body, "instructions", null);
        if (instructions != null && !instructions.isEmpty()) {
            b.addMessage(Message.system(instructions));
        }
        readInput(body.get("input"), b);
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
        JsonNode format = body.path("text").get("format");
        if (format != null && !format.isNull()) {
            b.responseFormat(readFormat(format));
        }
        JsonNode parallel = body.get("parallel_tool_calls");
        boolean parallelToolCalls = parallel == null || parallel.isNull() || parallel.asBoolean(true);
        if (!parallelToolCalls) {
            b.providerParameter("parallel_tool_calls", false); // the chat field; providers map or drop it
        }
        String user = optionalString(body, "user", null);
        if (user == null) {
            user = optionalString(body, "safety_identifier", null);
        }
        if (user != null) {
            b.providerParameter("user", user);
        }
        String effort = body.path("reasoning").path("effort").isTextual()
                ? body.path("reasoning").path("effort").asText() : null;
        if (effort != null) {
            b.providerParameter("reasoning_effort", effort); // Chat Completions' spelling of reasoning.effort
        }
        try {
            Double temperature = OpenAiServerCodec.number(body, "temperature");
            Double topP = OpenAiServerCodec.number(body, "top_p");
            Integer maxOutput = OpenAiServerCodec.integer(body, "max_output_tokens");
            b.temperature(temperature).topP(topP).maxOutputTokens(maxOutput);
            JsonNode metadata = body.get("metadata");
            if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
                throw new InvalidRequest("metadata", "'metadata' must be an object of strings");
            }
            Echo echo = new Echo(instructions, maxOutput, temperature, topP, choice, tools, format, parallelToolCalls,
                    metadata, user, effort);
            return new Call(model, b.build(), body.path("stream").asBoolean(false), echo);
        } catch (InvalidRequest e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(null, e.getMessage());
        }
    }

    /**
     * Fields that ask the gateway to keep or fetch state. It keeps none: it runs as many instances behind a load
     * balancer, each forgetting an answer once sent, so a response id given by one could not be found by the next.
     */
    private static void refuseStateful(JsonNode body) {
        if (body.hasNonNull("previous_response_id")) {
            throw new InvalidRequest("previous_response_id", "'previous_response_id' is not supported: this gateway"
                    + " does not store responses (it is stateless and may run as many instances). Send the whole"
                    + " conversation in 'input' instead, with earlier outputs as items.");
        }
        if (body.hasNonNull("conversation")) {
            throw new InvalidRequest("conversation", "'conversation' is not supported: this gateway does not store"
                    + " conversations. Send the whole conversation in 'input' instead.");
        }
        if (body.path("background").asBoolean(false)) {
            throw new InvalidRequest("background", "'background' is not supported: this gateway does not store"
                    + " responses to poll later. Send the request without it (stream it for long answers).");
        }
        if (body.hasNonNull("prompt")) {
            throw new InvalidRequest("prompt", "'prompt' (a stored prompt template) is not supported: this gateway"
                    + " does not reach OpenAI's stored prompts. Send the instructions and input themselves.");
        }
    }

    // ---------------------------------------------------------------- input

    private static void readInput(JsonNode input, ChatRequest.Builder b) {
        if (input == null || input.isNull()) {
            throw new InvalidRequest("input", "'input' is required: a string or an array of input items");
        }
        if (input.isTextual()) {
            b.addMessage(Message.user(input.asText()));
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidRequest("input", "'input' must be a string or a non-empty array of input items");
        }
        Conversation c = new Conversation(b);
        for (int i = 0; i < input.size(); i++) {
            c.item(input.get(i), "input[" + i + "]");
        }
        c.flush();
    }

    /**
     * Folds input items into messages: an assistant message and the function calls after it are one assistant
     * message with tool calls, as Chat Completions (and every provider) has them; a call output is a tool message
     * naming the function it answers, which some providers need.
     */
    private static final class Conversation {
        private final ChatRequest.Builder b;
        private final Map<String, String> callNames = new HashMap<>();
        private List<Content> assistantText;
        private List<ToolCall> assistantCalls;

        Conversation(ChatRequest.Builder b) {
            this.b = b;
        }

        void item(JsonNode item, String at) {
            if (item == null || !item.isObject()) {
                throw new InvalidRequest(at, "'" + at + "' must be an input item object");
            }
            String type = item.hasNonNull("type") ? OpenAiServerCodec.requiredString(item, "type", at) : "message";
            switch (type) {
                case "message" -> message(item, at);
                case "function_call" -> functionCall(item, at);
                case "function_call_output" -> functionCallOutput(item, at);
                case "reasoning" -> { } // reasoning text from an earlier answer: no provider takes it back as text
                case "item_reference" -> throw new InvalidRequest(at + ".type", "'" + at + "' is an item_reference;"
                        + " this gateway does not store items. Send the item itself.");
                default -> throw new InvalidRequest(at + ".type", "input item type '" + type + "' is not supported;"
                        + " use message, function_call, function_call_output or reasoning");
            }
        }

        private void message(JsonNode item, String at) {
            String roleText = OpenAiServerCodec.requiredString(item, "role", at);
            Role role = switch (roleText) {
                case "system", "developer" -> Role.SYSTEM;
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                default -> throw new InvalidRequest(at + ".role", "'" + at + ".role' must be one of user, assistant,"
                        + " system, developer; was '" + roleText + "'");
            };
            List<Content> content = content(item.get("content"), at + ".content", role);
            if (role == Role.ASSISTANT) {
                if (assistantCalls != null && !assistantCalls.isEmpty()) {
                    flush(); // text after calls starts a new turn
                }
                if (assistantText == null) {
                    assistantText = new ArrayList<>();
                    assistantCalls = new ArrayList<>();
                }
                assistantText.addAll(content);
                return;
            }
            flush();
            if (content.isEmpty()) {
                throw new InvalidRequest(at + ".content", "'" + at + ".content' is required for a " + roleText
                        + " message");
            }
            b.addMessage(new Message(role, content, List.of(), null, null));
        }

        private void functionCall(JsonNode item, String at) {
            String callId = OpenAiServerCodec.requiredString(item, "call_id", at);
            String name = OpenAiServerCodec.requiredString(item, "name", at);
            JsonNode args = item.get("arguments");
            if (assistantText == null) {
                assistantText = new ArrayList<>();
                assistantCalls = new ArrayList<>();
            }
            assistantCalls.add(new ToolCall(callId, name, args == null || args.isNull() ? "{}"
                    : args.isTextual() ? args.asText() : args.toString()));
            callNames.put(callId, name);
        }

        private void functionCallOutput(JsonNode item, String at) {
            flush();
            String callId = OpenAiServerCodec.requiredString(item, "call_id", at);
            JsonNode output = item.get("output");
            String text;
            if (output == null || output.isNull()) {
                throw new InvalidRequest(at + ".output", "'" + at + ".output' is required");
            } else if (output.isTextual()) {
                text = output.asText();
            } else if (output.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < output.size(); i++) {
                    JsonNode part = output.get(i);
                    String where = at + ".output[" + i + "]";
                    String type = OpenAiServerCodec.requiredString(part, "type", where);
                    if (!type.equals("input_text") && !type.equals("output_text")) {
                        throw new InvalidRequest(where + ".type", "function call output part type '" + type
                                + "' is not supported; use input_text (or a string output)");
                    }
                    sb.append(OpenAiServerCodec.requiredString(part, "text", where));
                }
                text = sb.toString();
            } else {
                throw new InvalidRequest(at + ".output", "'" + at + ".output' must be a string or an array of"
                        + " input_text parts");
            }
            b.addMessage(Message.toolResult(callId, callNames.get(callId), text));
        }

        /** Ends a pending assistant turn. */
        void flush() {
            if (assistantText == null) {
                return;
            }
            if (!assistantText.isEmpty() || !assistantCalls.isEmpty()) {
                b.addMessage(new Message(Role.ASSISTANT, assistantText, assistantCalls, null, null));
            }
            assistantText = null;
            assistantCalls = null;
        }
    }

    private static List<Content> content(JsonNode content, String at, Role role) {
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
            JsonNode part = content.get(i);
            String where = at + "[" + i + "]";
            String type = OpenAiServerCodec.requiredString(part, "type", where);
            switch (type) {
                case "input_text", "output_text" -> parts.add(Content.text(OpenAiServerCodec.requiredString(part,
                        "text", where)));
                case "refusal" -> parts.add(Content.text(OpenAiServerCodec.requiredString(part, "refusal", where)));
                case "input_image" -> {
                    if (role == Role.ASSISTANT) {
                        throw new InvalidRequest(where + ".type", "an assistant message cannot carry input_image");
                    }
                    if (part.hasNonNull("file_id") && !part.hasNonNull("image_url")) {
                        throw new InvalidRequest(where + ".file_id", "'" + where + ".file_id' is not supported:"
                                + " this gateway does not reach OpenAI's file store; send image_url (an https: or"
                                + " data: URL)");
                    }
                    String url = OpenAiServerCodec.requiredString(part, "image_url", where);
                    JsonNode detail = part.path("detail");
                    try {
                        parts.add(Content.imageUrl(url).withDetail(detail.isTextual() ? detail.asText() : null));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidRequest(where + ".image_url", "'" + where + ".image_url': " + e.getMessage());
                    }
                }
                default -> throw new InvalidRequest(where + ".type", "content part type '" + type + "' is not"
                        + " supported; use input_text or input_image (input_file and input_audio are not translated)");
            }
        }
        return parts;
    }

    // ---------------------------------------------------------------- tools and formats

    private static ToolDefinition readTool(JsonNode t, String at) {
        if (t == null || !t.isObject()) {
            throw new InvalidRequest(at, "'" + at + "' must be a tool object");
        }
        String type = OpenAiServerCodec.requiredString(t, "type", at);
        if (!type.equals("function")) {
            throw new InvalidRequest(at + ".type", BUILT_IN_TOOLS.contains(type)
                    ? "'" + at + ".type' is '" + type + "', one of OpenAI's built-in tools, which run on OpenAI's"
                            + " side; this gateway serves any provider and offers function tools only"
                    : "'" + at + ".type' is '" + type + "', which is not supported; use function");
        }
        JsonNode params = t.get("parameters");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new InvalidRequest(at + ".parameters", "'" + at + ".parameters' must be a JSON Schema object");
        }
        return new ToolDefinition(OpenAiServerCodec.requiredString(t, "name", at), optionalString(t, "description", at),
                params == null || params.isNull() ? null : params.toString(), t.path("strict").asBoolean(false));
    }

    private static ToolChoice readToolChoice(JsonNode c) {
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "none" -> ToolChoice.NONE;
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw new InvalidRequest("tool_choice", "'tool_choice' must be none, auto, required or"
                        + " {\"type\": \"function\", \"name\": ...}");
            };
        }
        String type = c.path("type").asText("");
        if (!type.equals("function")) {
            throw new InvalidRequest("tool_choice.type", "'tool_choice' of type '" + type + "' is not supported;"
                    + " use none, auto, required or {\"type\": \"function\", \"name\": ...}");
        }
        return ToolChoice.function(OpenAiServerCodec.requiredString(c, "name", "tool_choice"));
    }

    private static ResponseFormat readFormat(JsonNode f) {
        String type = OpenAiServerCodec.requiredString(f, "type", "text.format");
        return switch (type) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> ResponseFormat.JSON;
            case "json_schema" -> {
                JsonNode schema = f.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw new InvalidRequest("text.format.schema", "'text.format.schema' must be a JSON Schema object");
                }
                yield new ResponseFormat.JsonSchema(OpenAiServerCodec.requiredString(f, "name", "text.format"),
                        schema.toString(), f.path("strict").asBoolean(false));
            }
            default -> throw new InvalidRequest("text.format.type", "text.format type '" + type
                    + "' is not supported; use text, json_object or json_schema");
        };
    }

    private static String optionalString(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            String path = at == null ? field : at + "." + field;
            throw new InvalidRequest(path, "'" + path + "' must be a string");
        }
        return v.asText();
    }
}
