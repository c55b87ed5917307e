package dev.switchboard.provider.replicate;

import dev.switchboard.http.JsonWriter;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.http.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A chat request as a prediction's {@code input}, and the checks that refuse what language models on Replicate cannot
 * take, before anything is sent. Stateless.
 *
 * <p>Replicate runs models with their own input schemas; the language models take a {@code prompt}, most a
 * {@code system_prompt}, and apply their own chat template to them. So a conversation becomes one prompt:
 * <ul>
 *   <li>{@code transcript} (default): a single user message is sent as it is; a longer conversation becomes a
 *       transcript of {@code User: ...} and {@code Assistant: ...} paragraphs ending with {@code Assistant:} (or with
 *       the assistant's partial answer, to continue it); system messages go, joined, to {@code system_prompt};</li>
 *   <li>{@code llama3}: the Llama 3 chat format ({@code <|start_header_id|>role<|end_header_id|>}, {@code <|eot_id|>}),
 *       system messages included, with {@code prompt_template = "{prompt}"} so the model wraps nothing again.</li>
 * </ul>
 * Options: the output limit goes in the configured field ({@code max_tokens}), {@code temperature}, {@code top_p},
 * {@code seed}, and stop sequences comma-separated in {@code stop_sequences}, as the Llama models on Replicate take
 * them; provider parameters join the input (e.g. {@code top_k}, {@code min_tokens}). Tools, JSON output, images and
 * conversations that carry tool calls or results are refused as unsupported: a prompt-in, text-out model offers none
 * of them reliably.
 */
final class ReplicateInput {

    private static final Set<String> RESERVED = Set.of("prompt", "system_prompt");

    /**
     * OpenAI-only fields a language model's input takes under the same names: the Llama 3 models of Replicate's
     * language-models collection define {@code frequency_penalty} and {@code presence_penalty} inputs.
     */
    private static final Map<String, String> OPENAI_EQUIVALENTS = Map.of("frequency_penalty", "frequency_penalty",
            "presence_penalty", "presence_penalty");

    private ReplicateInput() {}

    /**
     * The provider parameters that go into {@code input}: the OpenAI-only fields a gateway client sent other than the
     * penalties have no input to go to and are handled by {@link ReplicateSettings#unsupportedParams()}.
     */
    static Map<String, Object> parameters(String provider, ChatRequest r, ReplicateSettings settings) {
        return settings.unsupportedParams().screenOpenAiFields(provider, "a Replicate prediction's input",
                r.providerParameters(), OPENAI_EQUIVALENTS);
    }

    /** Refuses, before sending, what a prediction cannot carry. */
    static void check(String provider, ChatRequest r) {
        if (!r.tools().isEmpty()) {
            throw LlmException.unsupported(provider, "tool calling (provider type replicate)");
        }
        if (r.responseFormat().isPresent() && !(r.responseFormat().get() instanceof ResponseFormat.Text)) {
            throw LlmException.unsupported(provider, "JSON output (provider type replicate)");
        }
        if (r.hasImages()) {
            throw LlmException.unsupported(provider, "image input (provider type replicate)");
        }
        for (Message m : r.messages()) {
            if (m.role() == Role.TOOL || !m.toolCalls().isEmpty()) {
                throw LlmException.unsupported(provider, "a conversation with tool calls or results (provider type replicate)");
            }
        }
        for (String s : r.stop()) {
            if (s.indexOf(',') >= 0) {
                throw LlmException.invalidRequest(provider, "stop sequence '" + s
                        + "' contains a comma, which Replicate's comma-separated stop_sequences cannot carry");
            }
        }
        for (String p : r.providerParameters().keySet()) {
            if (RESERVED.contains(p)) {
                throw LlmException.invalidRequest(provider, "provider parameter '" + p
                        + "' is built from the messages; put the text in the request's messages");
            }
        }
    }

    /**
     * The create body: {@code version} when the reference names one, and {@code input}. Never {@code stream}, which
     * Replicate's OpenAPI marks deprecated: a model that can stream always gets {@code urls.stream}.
     */
    static void writeCreate(JsonWriter g, ChatRequest r, Map<String, Object> params, ModelRef model,
                            ReplicateSettings settings) throws IOException {
        g.writeStartObject();
        if (model.version().isPresent()) {
            g.writeStringField("version", model.version().get());
        }
        g.writeObjectFieldStart("input");
        writeInput(g, r, params, settings);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeInput(JsonWriter g, ChatRequest r, Map<String, Object> params, ReplicateSettings settings)
            throws IOException {
        if (settings.promptFormat() == ReplicateSettings.PromptFormat.LLAMA3) {
            g.writeStringField("prompt", llama3(r.messages()));
            g.writeStringField("prompt_template", "{prompt}");
        } else {
            g.writeStringField("prompt", transcript(r.messages()));
            String system = systemText(r.messages());
            if (!system.isEmpty()) {
                g.writeStringField("system_prompt", system);
            }
        }
        if (r.maxOutputTokens().isPresent()) {
            g.writeNumberField(settings.maxTokensField(), r.maxOutputTokens().getAsInt());
        }
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
            g.writeStringField("stop_sequences", String.join(",", r.stop()));
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            g.writeFieldName(p.getKey());
            g.writeValue(p.getValue());
        }
    }

    static String systemText(List<Message> messages) {
        List<String> parts = new ArrayList<>();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM) {
                parts.add(m.text());
            }
        }
        return String.join("\n\n", parts);
    }

    static String transcript(List<Message> messages) {
        List<Message> turns = new ArrayList<>();
        for (Message m : messages) {
            if (m.role() != Role.SYSTEM) {
                turns.add(m);
            }
        }
        if (turns.size() == 1 && turns.get(0).role() == Role.USER) {
            return turns.get(0).text();
        }
        StringBuilder sb = new StringBuilder();
        for (Message m : turns) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(m.role() == Role.ASSISTANT ? "Assistant: " : "User: ").append(m.text());
        }
        if (turns.isEmpty() || turns.get(turns.size() - 1).role() != Role.ASSISTANT) {
            sb.append(sb.length() > 0 ? "\n\n" : "").append("Assistant:");
        }
        return sb.toString();
    }

    static String llama3(List<Message> messages) {
        StringBuilder sb = new StringBuilder("<|begin_of_text|>");
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            boolean lastAssistant = i == messages.size() - 1 && m.role() == Role.ASSISTANT;
            sb.append("<|start_header_id|>").append(m.role().name().toLowerCase(Locale.ROOT)).append("<|end_header_id|>\n\n")
                    .append(m.text());
            if (!lastAssistant) {
                sb.append("<|eot_id|>");
            }
        }
        if (messages.isEmpty() || messages.get(messages.size() - 1).role() != Role.ASSISTANT) {
            sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return sb.toString();
    }
}
