package dev.switchboard.provider.gemini;

import dev.switchboard.http.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gemini's {@code generateContent} request body and the reading of its {@code GenerateContentResponse} (whole or as
 * stream fragments). Stateless.
 *
 * <p>Conversation mapping: system messages become {@code systemInstruction} parts; {@code assistant} is role
 * {@code model}, its tool calls {@code functionCall} parts with {@code args} objects; tool results are
 * {@code functionResponse} parts of a {@code user} turn (consecutive results share one turn, as parallel calls
 * must). A result that is a JSON object is sent as the {@code response} object; anything else is wrapped as
 * {@code {"output": ...}}, the key the API reference names. Call ids are not sent back: the API matches responses to
 * calls by name and order, and ids that came from another provider or were made up here mean nothing to it.
 *
 * <p>Thought signatures go back on the part they came on, as the API requires: a signed thought block as a
 * {@code thought} part with its text and {@code thoughtSignature} (first in the turn), a call's signature on that
 * call's {@code functionCall} part, a signature that came on answer text on the turn's last text part (on an empty
 * text part when the turn has no text). Only blocks from Gemini with a signature are sent: unsigned thought summaries
 * carry nothing the model reads back, and other providers' blocks mean nothing here.
 */
final class GeminiWire {

    /** The provider type, which {@link ReasoningBlock}s from this API carry: only they are sent back to it. */
    static final String TYPE = "gemini";

    /** Provider parameters that belong inside {@code generationConfig} rather than at the top level. */
    private static final Set<String> GENERATION_CONFIG_NAMES = Set.of("topK", "candidateCount", "presencePenalty",
            "frequencyPenalty", "responseLogprobs", "logprobs", "thinkingConfig", "responseModalities",
            "mediaResolution", "speechConfig", "enableEnhancedCivicAnswers");
    /** OpenAI-only fields Gemini has its own name for (same meaning, the API judges the range). */
    private static final Map<String, String> OPENAI_EQUIVALENTS = Map.of("frequency_penalty", "frequencyPenalty",
            "presence_penalty", "presencePenalty");
    private static final Map<String, String> OPENAI_EQUIVALENTS_AND_LOGPROBS = Map.of("frequency_penalty",
            "frequencyPenalty", "presence_penalty", "presencePenalty", "logprobs", "logprobs");
    /** Top-level fields this class writes itself. */
    private static final Set<String> RESERVED = Set.of("contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "model");

    private GeminiWire() {}

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
     * The provider parameters sent: OpenAI's penalties become {@code generationConfig}'s, a number {@code logprobs} is
     * Gemini's own (how many top candidates), OpenAI's boolean one and the other OpenAI-only fields a gateway client
     * sent have no equivalent here and go to {@link GeminiSettings#unsupportedParams()}.
     */
    static Map<String, Object> parameters(String provider, ChatRequest r, GeminiSettings settings) {
        Map<String, Object> params = r.providerParameters();
        Map<String, String> equivalents = isNumber(params.get("logprobs")) ? OPENAI_EQUIVALENTS_AND_LOGPROBS
                : OPENAI_EQUIVALENTS;
        return settings.unsupportedParams().screenOpenAiFields(provider, "the Gemini API", params, equivalents);
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number || value instanceof JsonNode n && n.isNumber();
    }

    /** Writes the body with {@code params}, the provider parameters {@link #parameters} chose. */
    static void writeGenerateContent(JsonWriter g, String provider, ChatRequest r, Map<String, Object> params,
                                     GeminiSettings settings) throws IOException {
        g.writeStartObject();
        writeContents(g, provider, r.messages());
        writeSystemInstruction(g, r.messages());
        if (!r.tools().isEmpty()) {
            writeTools(g, provider, r.tools(), settings);
            if (r.toolChoice().isPresent()) {
                writeToolConfig(g, r.toolChoice().get());
            }
        }
        writeGenerationConfig(g, provider, r, params, settings);
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (!GENERATION_CONFIG_NAMES.contains(p.getKey())) {
                g.writeFieldName(p.getKey());
                g.writeValue(p.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeContents(JsonWriter g, String provider, List<Message> messages) throws IOException {
        Map<String, String> callNames = new HashMap<>();
        g.writeArrayFieldStart("contents");
        boolean inToolTurn = false;
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                continue;
            }
            if (m.role() == Role.TOOL) {
                if (!inToolTurn) {
                    g.writeStartObject();
                    g.writeStringField("role", "user");
                    g.writeArrayFieldStart("parts");
                    inToolTurn = true;
                }
                writeFunctionResponse(g, provider, m, callNames);
                continue;
            }
            if (inToolTurn) {
                endContent(g);
                inToolTurn = false;
            }
            List<ReasoningBlock> signed = signedBlocks(m);
            if (m.content().isEmpty() && m.toolCalls().isEmpty() && signed.isEmpty()) {
                continue; // an empty turn carries nothing, and the API refuses a content without parts
            }
            g.writeStartObject();
            g.writeStringField("role", m.role() == Role.ASSISTANT ? "model" : "user");
            g.writeArrayFieldStart("parts");
            List<String> textSignatures = new ArrayList<>(1);
            Map<String, String> callSignatures = new HashMap<>();
            for (ReasoningBlock b : signed) {
                String signature = b.signature().orElseThrow();
                if (b.toolCallId().isPresent()) {
                    callSignatures.putIfAbsent(b.toolCallId().get(), signature);
                } else if (!b.text().isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("text", b.text());
                    g.writeBooleanField("thought", true);
                    g.writeStringField("thoughtSignature", signature);
                    g.writeEndObject();
                } else {
                    textSignatures.add(signature);
                }
            }
            int lastText = lastTextIndex(m.content());
            for (int i = 0; i < m.content().size(); i++) {
                writePart(g, provider, m.content().get(i), i == lastText && !textSignatures.isEmpty() ? textSignatures.remove(0) : null);
            }
            for (String signature : textSignatures) { // no text to carry them: each on an empty text part, as streamed
                writePart(g, provider, Content.text(""), signature);
            }
            for (ToolCall call : m.toolCalls()) {
                callNames.put(call.id(), call.name());
                g.writeStartObject();
                g.writeObjectFieldStart("functionCall");
                g.writeStringField("name", call.name());
                g.writeFieldName("args");
                g.writeTree(argumentsObject(provider, call));
                g.writeEndObject();
                String signature = callSignatures.get(call.id());
                if (signature != null) {
                    g.writeStringField("thoughtSignature", signature);
                }
                g.writeEndObject();
            }
            endContent(g);
        }
        if (inToolTurn) {
            endContent(g);
        }
        g.writeEndArray();
    }

    /** The message's reasoning blocks that go back to Gemini: its own, with a signature. */
    private static List<ReasoningBlock> signedBlocks(Message m) {
        if (m.reasoningBlocks().isEmpty()) {
            return List.of();
        }
        List<ReasoningBlock> out = new ArrayList<>(m.reasoningBlocks().size());
        for (ReasoningBlock b : m.reasoningBlocks()) {
            if (b.isFrom(TYPE) && b.signature().isPresent()) {
                out.add(b);
            }
        }
        return out;
    }

    private static int lastTextIndex(List<Content> content) {
        for (int i = content.size() - 1; i >= 0; i--) {
            if (content.get(i) instanceof Content.Text) {
                return i;
            }
        }
        return -1;
    }

    private static void endContent(JsonWriter g) throws IOException {
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writePart(JsonWriter g, String provider, Content c, String thoughtSignature) throws IOException {
        if (c instanceof Content.Text t) {
            g.writeStartObject();
            g.writeStringField("text", t.text());
            if (thoughtSignature != null) {
                g.writeStringField("thoughtSignature", thoughtSignature);
            }
            g.writeEndObject();
        } else if (c instanceof Content.Image i) {
            Content.InlineData data = i.inlineData().orElseThrow(() -> LlmException.unsupported(provider,
                    "an image by remote URL (Gemini takes inline base64 images; send the bytes or a data: URL)"));
            g.writeStartObject();
            g.writeObjectFieldStart("inlineData");
            g.writeStringField("mimeType", data.mediaType());
            g.writeStringField("data", data.base64());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeFunctionResponse(JsonWriter g, String provider, Message m, Map<String, String> callNames)
            throws IOException {
        String name = m.name() != null && !m.name().isBlank() ? m.name() : callNames.get(m.toolCallId());
        if (name == null) {
            throw LlmException.invalidRequest(provider, "the tool result for call " + m.toolCallId()
                    + " names no tool and answers no earlier call; Gemini needs the function name (Message.toolResult(id, name, result))");
        }
        g.writeStartObject();
        g.writeObjectFieldStart("functionResponse");
        g.writeStringField("name", name);
        g.writeFieldName("response");
        g.writeTree(responseObject(m.text()));
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A tool result as the {@code response} object: a JSON object as is, anything else as {@code {"output": ...}}. */
    static JsonNode responseObject(String result) {
        JsonNode parsed = null;
        String trimmed = result.strip();
        if (!trimmed.isEmpty() && "{[\"-0123456789tfn".indexOf(trimmed.charAt(0)) >= 0) {
            try {
                parsed = Json.parse(trimmed, "tool result");
            } catch (IllegalArgumentException notJson) {
                parsed = null;
            }
        }
        if (parsed != null && parsed.isObject()) {
            return parsed;
        }
        return Json.object().set("output",
                parsed != null ? parsed : Json.textNode(result));
    }

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

    private static void writeSystemInstruction(JsonWriter g, List<Message> messages) throws IOException {
        boolean open = false;
        for (Message m : messages) {
            if (m.role() != Role.SYSTEM) {
                continue;
            }
            if (!open) {
                g.writeObjectFieldStart("systemInstruction");
                g.writeArrayFieldStart("parts");
                open = true;
            }
            g.writeStartObject();
            g.writeStringField("text", m.text());
            g.writeEndObject();
        }
        if (open) {
            endContent(g);
        }
    }

    private static void writeTools(JsonWriter g, String provider, List<ToolDefinition> tools, GeminiSettings settings)
            throws IOException {
        g.writeArrayFieldStart("tools");
        g.writeStartObject();
        g.writeArrayFieldStart("functionDeclarations");
        for (ToolDefinition t : tools) {
            g.writeStartObject();
            g.writeStringField("name", t.name());
            // The v1beta proto marks FunctionDeclaration.description REQUIRED: a tool without one is described by name
            g.writeStringField("description", t.description().isEmpty() ? t.name() : t.description());
            if (settings.schemaFormat() == GeminiSettings.SchemaFormat.OPENAPI) {
                g.writeFieldName("parameters");
                g.writeTree(openApi(provider, t.parametersSchema(), "parameters schema of tool " + t.name()));
            } else {
                g.writeFieldName("parametersJsonSchema");
                g.writeRawValue(t.parametersSchema());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
    }

    private static JsonNode openApi(String provider, String schema, String what) {
        try {
            return GeminiSchemas.toOpenApi(schema, what);
        } catch (IllegalArgumentException e) {
            throw LlmException.invalidRequest(provider, e.getMessage());
        }
    }

    /** AUTO, NONE, and ANY for "required"; a named tool is ANY restricted to that name. */
    private static void writeToolConfig(JsonWriter g, ToolChoice choice) throws IOException {
        g.writeObjectFieldStart("toolConfig");
        g.writeObjectFieldStart("functionCallingConfig");
        if (choice instanceof ToolChoice.Specific s) {
            g.writeStringField("mode", "ANY");
            g.writeArrayFieldStart("allowedFunctionNames");
            g.writeString(s.name());
            g.writeEndArray();
        } else {
            g.writeStringField("mode", choice instanceof ToolChoice.None ? "NONE"
                    : choice instanceof ToolChoice.Required ? "ANY" : "AUTO");
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeGenerationConfig(JsonWriter g, String provider, ChatRequest r, Map<String, Object> params,
                                              GeminiSettings settings)
            throws IOException {
        g.writeObjectFieldStart("generationConfig");
        if (r.temperature().isPresent()) {
            g.writeNumberField("temperature", r.temperature().getAsDouble());
        }
        if (r.topP().isPresent()) {
            g.writeNumberField("topP", r.topP().getAsDouble());
        }
        if (r.maxOutputTokens().isPresent()) {
            g.writeNumberField("maxOutputTokens", r.maxOutputTokens().getAsInt());
        }
        if (!r.stop().isEmpty()) {
            g.writeArrayFieldStart("stopSequences");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.seed().isPresent()) {
            long seed = r.seed().getAsLong();
            if (seed < Integer.MIN_VALUE || seed > Integer.MAX_VALUE) {
                throw LlmException.invalidRequest(provider, "seed " + seed + " does not fit Gemini's 32-bit seed");
            }
            g.writeNumberField("seed", (int) seed);
        }
        if (r.responseFormat().isPresent()) {
            ResponseFormat f = r.responseFormat().get();
            if (f instanceof ResponseFormat.JsonObject) {
                g.writeStringField("responseMimeType", "application/json");
            } else if (f instanceof ResponseFormat.JsonSchema s) {
                g.writeStringField("responseMimeType", "application/json");
                if (settings.schemaFormat() == GeminiSettings.SchemaFormat.OPENAPI) {
                    g.writeFieldName("responseSchema");
                    g.writeTree(openApi(provider, s.schema(), "response schema " + s.name()));
                } else {
                    g.writeFieldName("responseJsonSchema");
                    g.writeRawValue(s.schema());
                }
            }
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (GENERATION_CONFIG_NAMES.contains(p.getKey())) {
                g.writeFieldName(p.getKey());
                g.writeValue(p.getValue());
            }
        }
        g.writeEndObject();
    }

    // ------------------------------------------------------------------------------------------- reading

    /**
     * Fails with {@link ErrorKind#CONTENT_FILTER} when the prompt itself was blocked: the response then has
     * {@code promptFeedback.blockReason} and no candidates.
     */
    static void checkPromptBlocked(String provider, JsonNode response) {
        String reason = Json.text(response.path("promptFeedback"), "blockReason");
        if (reason != null && !reason.isEmpty() && !reason.equals("BLOCKED_REASON_UNSPECIFIED")
                && response.path("candidates").isEmpty()) {
            throw LlmException.builder(ErrorKind.CONTENT_FILTER, provider)
                    .code(reason)
                    .message("the prompt was blocked by Gemini's safety filters"
                            + blockedCategories(response.path("promptFeedback").path("safetyRatings")))
                    .build();
        }
    }

    private static String blockedCategories(JsonNode ratings) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode r : ratings) {
            if (r.path("blocked").asBoolean(false)) {
                sb.append(sb.length() == 0 ? " (" : ", ").append(r.path("category").asText(""));
            }
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }

    /**
     * Gemini's finish reason in our terms: the safety family as a content filter, the malformed-call family as an
     * error, a natural stop with function calls as a tool-calls finish.
     */
    static FinishReason finishReason(String reason, boolean hasToolCalls) {
        if (reason == null || reason.isEmpty()) {
            return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        return switch (reason) {
            case "STOP" -> hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                    "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "MODEL_ARMOR" -> FinishReason.CONTENT_FILTER;
            case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS" -> FinishReason.ERROR;
            default -> FinishReason.OTHER;
        };
    }

    /**
     * {@code usageMetadata}: {@code candidatesTokenCount} excludes thinking, so output is candidates plus
     * {@code thoughtsTokenCount}; {@code cachedContentTokenCount} is part of {@code promptTokenCount}; the prompts of
     * tool use ({@code toolUsePromptTokenCount}, e.g. search results fed back) are input beside the prompt.
     */
    static Usage usage(JsonNode usageMetadata) {
        long thoughts = usageMetadata.path("thoughtsTokenCount").asLong(0);
        return Usage.builder()
                .inputTokens(usageMetadata.path("promptTokenCount").asLong(0)
                        + usageMetadata.path("toolUsePromptTokenCount").asLong(0))
                .outputTokens(usageMetadata.path("candidatesTokenCount").asLong(0) + thoughts)
                .cachedInputTokens(usageMetadata.path("cachedContentTokenCount").asLong(0))
                .reasoningTokens(thoughts)
                .build();
    }

    /**
     * A function call's id: the API's own when it sends one, else one made from the response id (or the call's name
     * and arguments) and its position, so the same answer gets the same ids whether streamed or not.
     */
    static String callId(JsonNode functionCall, String responseId, int index, String argumentsText) {
        String id = Json.text(functionCall, "id");
        if (id != null && !id.isEmpty()) {
            return id;
        }
        if (responseId != null && !responseId.isEmpty()) {
            return "call_" + responseId + "_" + index;
        }
        int hash = (functionCall.path("name").asText("") + '\u0000' + argumentsText).hashCode();
        return "call_" + index + "_" + Integer.toHexString(hash);
    }

    /** {@code args} as JSON text ({@code {}} when absent). */
    static String argumentsText(JsonNode functionCall) {
        JsonNode args = functionCall.get("args");
        return args == null || args.isNull() ? "{}" : args.toString();
    }
}
