package dev.switchboard.provider.ollama;

import dev.switchboard.http.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Ollama's native {@code /api/chat} and {@code /api/embed} bodies. Stateless. */
final class OllamaWire {

    /** Provider parameters that Ollama reads inside {@code options} rather than at the top level. */
    private static final Set<String> OPTION_NAMES = Set.of("top_k", "min_p", "typical_p", "repeat_penalty",
            "repeat_last_n", "presence_penalty", "frequency_penalty", "num_ctx", "num_batch", "num_gpu", "num_thread",
            "mirostat", "mirostat_tau", "mirostat_eta", "tfs_z", "num_keep", "penalize_newline", "use_mmap");

    /** OpenAI-only fields the chat API takes under the same names: the penalties as options, the log probabilities. */
    private static final Map<String, String> OPENAI_EQUIVALENTS = Map.of("frequency_penalty", "frequency_penalty",
            "presence_penalty", "presence_penalty", "logprobs", "logprobs", "top_logprobs", "top_logprobs");

    private OllamaWire() {}

    /**
     * The provider parameters sent, {@code params} of {@link #writeChat}: of the OpenAI-only fields a gateway client
     * sent, {@code /api/chat} takes the penalties (as model options) and {@code logprobs} / {@code top_logprobs}; the
     * others go to {@link OllamaSettings#unsupportedParams()}.
     */
    static Map<String, Object> parameters(String provider, ChatRequest r, OllamaSettings settings) {
        return settings.unsupportedParams().screenOpenAiFields(provider, "Ollama's chat API", r.providerParameters(),
                OPENAI_EQUIVALENTS);
    }

    /**
     * Writes an {@code /api/chat} body. Ollama has no {@code tool_choice}: "none" is kept by offering no tools, and a
     * choice that would force a call ("required" or a named tool) cannot be kept, so it is refused as unsupported
     * before anything is sent (a fallback chain then tries a provider that can).
     */
    static void writeChat(JsonWriter g, String provider, ChatRequest r, Map<String, Object> params, String model,
                          boolean stream, OllamaSettings settings) throws IOException {
        requireKeepableToolChoice(provider, r);
        g.writeStartObject();
        g.writeStringField("model", model);
        g.writeArrayFieldStart("messages");
        for (Message m : r.messages()) {
            writeMessage(g, provider, m);
        }
        g.writeEndArray();
        if (!r.tools().isEmpty() && !(r.toolChoice().orElse(ToolChoice.AUTO) instanceof ToolChoice.None)) {
            g.writeArrayFieldStart("tools");
            for (ToolDefinition t : r.tools()) {
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
        }
        if (r.responseFormat().isPresent()) {
            ResponseFormat f = r.responseFormat().get();
            if (f instanceof ResponseFormat.JsonSchema s) {
                g.writeFieldName("format");
                g.writeRawValue(s.schema());
            } else if (f instanceof ResponseFormat.JsonObject) {
                g.writeStringField("format", "json");
            }
        }
        g.writeBooleanField("stream", stream);
        if (settings.keepAlive().isPresent()) {
            g.writeStringField("keep_alive", settings.keepAlive().get());
        }
        writeOptions(g, r, params, settings);
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (!OPTION_NAMES.contains(p.getKey())) {
                g.writeFieldName(p.getKey());
                g.writeValue(p.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeOptions(JsonWriter g, ChatRequest r, Map<String, Object> params, OllamaSettings settings)
            throws IOException {
        g.writeObjectFieldStart("options");
        if (r.temperature().isPresent()) {
            g.writeNumberField("temperature", r.temperature().getAsDouble());
        }
        if (r.topP().isPresent()) {
            g.writeNumberField("top_p", r.topP().getAsDouble());
        }
        if (r.seed().isPresent()) {
            g.writeNumberField("seed", r.seed().getAsLong());
        }
        if (!r.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.maxOutputTokens().isPresent()) {
            g.writeNumberField("num_predict", r.maxOutputTokens().getAsInt());
        }
        boolean numCtxGiven = params.containsKey("num_ctx");
        if (settings.numCtx().isPresent() && !numCtxGiven) {
            g.writeNumberField("num_ctx", settings.numCtx().getAsInt());
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (OPTION_NAMES.contains(p.getKey())) {
                g.writeFieldName(p.getKey());
                g.writeValue(p.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeMessage(JsonWriter g, String provider, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role().name().toLowerCase(Locale.ROOT));
        g.writeStringField("content", m.text());
        if (m.hasImages()) {
            g.writeArrayFieldStart("images");
            for (Content c : m.content()) {
                if (c instanceof Content.Image i) {
                    g.writeString(i.inlineData().orElseThrow(() -> LlmException.unsupported(provider,
                            "an image by remote URL (Ollama takes inline base64 images only)")).base64());
                }
            }
            g.writeEndArray();
        }
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                g.writeStartObject();
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeFieldName("arguments");
                g.writeTree(argumentsObject(provider, c));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.name() != null && m.toolCallId() != null) {
            g.writeStringField("tool_name", m.name());
        }
        g.writeEndObject();
    }

    static void requireKeepableToolChoice(String provider, ChatRequest r) {
        ToolChoice choice = r.toolChoice().orElse(ToolChoice.AUTO);
        if (choice instanceof ToolChoice.Required || choice instanceof ToolChoice.Specific) {
            throw LlmException.unsupported(provider, "tool_choice " + (choice instanceof ToolChoice.Specific s
                    ? "naming tool " + s.name() : "\"required\"") + " (Ollama's chat API cannot force a tool call)");
        }
    }

    /** Ollama wants tool-call arguments as an object; ours are JSON text. */
    private static JsonNode argumentsObject(String provider, ToolCall c) {
        try {
            JsonNode args = Json.parse(c.arguments(), "arguments of tool call " + c.name());
            if (!args.isObject()) {
                throw LlmException.invalidRequest(provider, "arguments of tool call " + c.name() + " must be a JSON object");
            }
            return args;
        } catch (IllegalArgumentException e) {
            throw LlmException.invalidRequest(provider, e.getMessage());
        }
    }

    static void writeEmbed(JsonWriter g, String model, java.util.List<String> inputs, Integer dimensions)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("model", model);
        g.writeArrayFieldStart("input");
        for (String s : inputs) {
            g.writeString(s);
        }
        g.writeEndArray();
        if (dimensions != null) {
            g.writeNumberField("dimensions", dimensions);
        }
        g.writeEndObject();
    }

    static FinishReason finishReason(String doneReason, boolean hasToolCalls) {
        if (hasToolCalls) {
            return FinishReason.TOOL_CALLS;
        }
        if (doneReason == null || doneReason.equals("stop")) {
            return FinishReason.STOP;
        }
        return doneReason.equals("length") ? FinishReason.LENGTH : FinishReason.OTHER;
    }

    /** {@code prompt_eval_count} and {@code eval_count} of a final line or response. */
    static Usage usage(JsonNode body) {
        return Usage.of(body.path("prompt_eval_count").asLong(0), body.path("eval_count").asLong(0));
    }

    /**
     * A tool call's id: Ollama's own when it sends one, else a random one. Ids made from the call's position
     * ({@code call_0}) would repeat in every answer, so a conversation's tool results could not tell their calls apart.
     */
    static String toolCallId(JsonNode call, int index) {
        String id = Json.text(call, "id");
        if (id != null && !id.isEmpty()) {
            return id;
        }
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "call_" + Long.toUnsignedString(r.nextLong(), 36) + Long.toUnsignedString(r.nextLong(), 36);
    }

    /** Arguments as JSON text, whether Ollama sent an object or (some versions) a string. */
    static String argumentsText(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return "{}";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }
}
