package dev.switchboard.provider.cohere;

import dev.switchboard.http.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Message;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cohere's v2 {@code /chat} request body and response. Stateless.
 *
 * <p>Messages map one to one (roles {@code system}, {@code user}, {@code assistant} with {@code tool_calls},
 * {@code tool} with {@code tool_call_id}); images go as {@code image_url} content parts. Tool choice: "required" is
 * {@code REQUIRED}, "none" is {@code NONE}, "auto" is left unset (Cohere's default), and a named tool is
 * {@code REQUIRED} with only that tool offered, since the API cannot name one.
 */
final class CohereWire {

    private static final Set<String> RESERVED = Set.of("model", "messages", "stream", "tools", "tool_choice",
            "response_format", "strict_tools");

    /** OpenAI-only fields v2 chat defines itself, under the same names. */
    private static final Map<String, String> OPENAI_EQUIVALENTS = Map.of("frequency_penalty", "frequency_penalty",
            "presence_penalty", "presence_penalty", "logprobs", "logprobs");

    private CohereWire() {}

    /** The first provider parameter that names a field written here, if any. */
    static String reservedParameter(ChatRequest r) {
        for (String name : r.providerParameters().keySet()) {
            if (RESERVED.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /**
     * The provider parameters sent: of the OpenAI-only fields a gateway client sent, v2 chat takes
     * {@code frequency_penalty}, {@code presence_penalty} and {@code logprobs} under the same names (the API judges
     * the values: its penalties run from 0 to 1); the others go to {@link CohereSettings#unsupportedParams()}.
     */
    static Map<String, Object> parameters(String provider, ChatRequest r, CohereSettings settings) {
        return settings.unsupportedParams().screenOpenAiFields(provider, "Cohere's v2 chat API", r.providerParameters(),
                OPENAI_EQUIVALENTS);
    }

    /** Writes the body with {@code params}, the provider parameters {@link #parameters} chose. */
    static void writeChat(JsonWriter g, ChatRequest r, Map<String, Object> params, String model, boolean stream)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("model", model);
        g.writeArrayFieldStart("messages");
        for (Message m : r.messages()) {
            writeMessage(g, m);
        }
        g.writeEndArray();
        if (!r.tools().isEmpty()) {
            writeTools(g, r);
        }
        if (r.responseFormat().isPresent()) {
            ResponseFormat f = r.responseFormat().get();
            if (f instanceof ResponseFormat.JsonObject || f instanceof ResponseFormat.JsonSchema) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_object");
                if (f instanceof ResponseFormat.JsonSchema s) {
                    g.writeFieldName("json_schema");
                    g.writeRawValue(s.schema());
                }
                g.writeEndObject();
            }
        }
        if (r.maxOutputTokens().isPresent()) {
            g.writeNumberField("max_tokens", r.maxOutputTokens().getAsInt());
        }
        if (!r.stop().isEmpty()) {
            g.writeArrayFieldStart("stop_sequences");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.temperature().isPresent()) {
            g.writeNumberField("temperature", r.temperature().getAsDouble());
        }
        if (r.topP().isPresent()) {
            g.writeNumberField("p", r.topP().getAsDouble());
        }
        if (r.seed().isPresent()) {
            g.writeNumberField("seed", r.seed().getAsLong());
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            g.writeFieldName(p.getKey());
            g.writeValue(p.getValue());
        }
        g.writeBooleanField("stream", stream);
        g.writeEndObject();
    }

    private static void writeMessage(JsonWriter g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role().name().toLowerCase(Locale.ROOT));
        if (m.role() == Role.TOOL) {
            g.writeStringField("tool_call_id", m.toolCallId());
            g.writeStringField("content", m.text());
        } else if (m.hasImages()) {
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
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (!(m.role() == Role.ASSISTANT && m.text().isEmpty() && !m.toolCalls().isEmpty())) {
            g.writeStringField("content", m.text());
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
        g.writeEndObject();
    }

    private static void writeTools(JsonWriter g, ChatRequest r) throws IOException {
        ToolChoice choice = r.toolChoice().orElse(ToolChoice.AUTO);
        String only = choice instanceof ToolChoice.Specific s ? s.name() : null;
        boolean strict = false;
        g.writeArrayFieldStart("tools");
        for (ToolDefinition t : r.tools()) {
            if (only != null && !only.equals(t.name())) {
                continue;
            }
            strict |= t.strict();
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", t.name());
            g.writeStringField("description", t.description());
            g.writeFieldName("parameters");
            g.writeRawValue(t.parametersSchema());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        if (strict) {
            g.writeBooleanField("strict_tools", true);
        }
        if (choice instanceof ToolChoice.None) {
            g.writeStringField("tool_choice", "NONE");
        } else if (choice instanceof ToolChoice.Required || only != null) {
            g.writeStringField("tool_choice", "REQUIRED");
        }
    }

    /** A non-streamed {@code /chat} response. */
    static ChatResponse readChatResponse(JsonNode body, String provider, String model) {
        JsonNode message = body.path("message");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder(message.path("tool_plan").asText(""));
        for (JsonNode item : message.path("content")) {
            String type = item.path("type").asText("text");
            if (type.equals("text")) {
                text.append(item.path("text").asText(""));
            } else if (type.equals("thinking")) {
                reasoning.append(item.path("thinking").asText(""));
            }
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            calls.add(new ToolCall(call.path("id").asText(""), fn.path("name").asText(""), argumentsText(fn.get("arguments"))));
        }
        String reason = Json.text(body, "finish_reason");
        return ChatResponse.builder()
                .id(Json.text(body, "id"))
                .model(model)
                .provider(provider)
                .message(Message.assistant(text.toString(), calls))
                .reasoning(reasoning.toString())
                .finishReason(finishReason(reason, !calls.isEmpty()))
                .rawFinishReason(reason)
                .usage(usage(body.path("usage")))
                .build();
    }

    /** Arguments as JSON text, whether sent as a string (the documented form) or an object. */
    static String argumentsText(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return "{}";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }

    /** Finish reasons come upper-case ({@code COMPLETE}) from current models and lower-case from older ones. */
    static FinishReason finishReason(String reason, boolean hasToolCalls) {
        if (reason == null || reason.isEmpty()) {
            return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        return switch (reason.toUpperCase(Locale.ROOT)) {
            case "COMPLETE", "STOP_SEQUENCE" -> hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "TOOL_CALL" -> FinishReason.TOOL_CALLS;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "CONTENT_BLOCKED" -> FinishReason.CONTENT_FILTER;
            case "ERROR", "ERROR_LIMIT", "ERROR_TOXIC", "TIMEOUT" -> FinishReason.ERROR;
            default -> FinishReason.OTHER;
        };
    }

    /**
     * {@code usage.tokens} (what the model processed), else {@code usage.billed_units}; {@code usage.cached_tokens}
     * ("prompt tokens that hit the inference cache", Cohere's OpenAPI) is the cached part of the input.
     */
    static Usage usage(JsonNode usage) {
        JsonNode counts = usage.has("tokens") ? usage.path("tokens") : usage.path("billed_units");
        long input = counts.path("input_tokens").asLong(0);
        long cached = Math.max(0, Math.min(usage.path("cached_tokens").asLong(0), input));
        return Usage.builder().inputTokens(input).outputTokens(counts.path("output_tokens").asLong(0))
                .cachedInputTokens(cached).build();
    }
}
