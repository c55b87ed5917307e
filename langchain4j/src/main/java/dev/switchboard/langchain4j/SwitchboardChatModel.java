package dev.switchboard.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.switchboard.api.LlmProvider;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A Switchboard route (or any {@link LlmProvider}) as LangChain4j's {@link ChatModel}: put it where an application
 * used a provider's own model (an {@code AiServices} interface included) and its calls gain the route's fallback,
 * retries, cooldowns, budgets and costs.
 *
 * <pre>{@code
 * ChatModel model = new SwitchboardChatModel(switchboard.route("default"));
 * Assistant assistant = AiServices.create(Assistant.class, model);
 * }</pre>
 *
 * Requests map messages (system, user text and images, assistant text and tool calls, tool results), model name,
 * temperature, top-p, max output tokens, stop sequences, tools, tool choice and the response format (text, JSON,
 * JSON Schema); top-k and the frequency and presence penalties go as provider parameters ({@code top_k},
 * {@code frequency_penalty}, {@code presence_penalty}). Answers map text, tool calls, reasoning (as thinking), id,
 * model, token usage and finish reason. A Switchboard failure is thrown as the LangChain4j exception of the same
 * meaning (see {@code Lc4jErrors}), its {@link dev.switchboard.api.LlmException} as the cause. Thread-safe when the
 * provider is (routes are). Closing is the provider owner's business.
 */
public final class SwitchboardChatModel implements ChatModel {

    private final LlmProvider provider;

    public SwitchboardChatModel(LlmProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        try {
            return Lc4jMapping.response(provider.chat(Lc4jMapping.request(request)));
        } catch (RuntimeException e) {
            throw Lc4jErrors.map(e);
        }
    }

    /** JSON Schema output when some target can give it. */
    @Override
    public Set<Capability> supportedCapabilities() {
        return capabilities(provider);
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    static Set<Capability> capabilities(LlmProvider provider) {
        return provider.capabilities().contains(dev.switchboard.api.Capability.JSON_SCHEMA_OUTPUT)
                ? EnumSet.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA) : Set.of();
    }

    @Override
    public String toString() {
        return "SwitchboardChatModel[" + provider.name() + "]";
    }
}
