package dev.switchboard.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ChatAccumulator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Switchboard route (or any {@link LlmProvider}) as LangChain4j's {@link StreamingChatModel}. Requests and answers
 * map as for {@link SwitchboardChatModel}; text arrives as partial responses, reasoning as partial thinking, tool
 * calls as partial tool calls, then the complete response. The route falls back transparently while nothing has
 * reached the handler, and resumes the answer after (its {@code stream-failover} setting).
 *
 * <p>The stream is pulled on the calling thread: {@code chat(request, handler)} returns once the handler has had
 * its {@code onCompleteResponse} or {@code onError}. Wrap the call in an executor for a non-blocking start.
 * Thread-safe when the provider is.
 */
public final class SwitchboardStreamingChatModel implements StreamingChatModel {

    private final LlmProvider provider;

    public SwitchboardStreamingChatModel(LlmProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        ChatAccumulator answer = new ChatAccumulator();
        // A tool call's later pieces may omit its id and name; LangChain4j's carry them on every piece.
        Map<Integer, String[]> calls = new HashMap<>();
        dev.switchboard.api.ChatResponse collected;
        try (ChatStream stream = provider.stream(Lc4jMapping.request(request))) {
            while (stream.hasNext()) {
                ChatEvent event = stream.next();
                answer.accept(event);
                if (event instanceof ChatEvent.TextDelta d) {
                    handler.onPartialResponse(d.text());
                } else if (event instanceof ChatEvent.ReasoningDelta r) {
                    handler.onPartialThinking(new PartialThinking(r.text()));
                } else if (event instanceof ChatEvent.ToolCallDelta t) {
                    String[] idName = calls.computeIfAbsent(t.index(), i -> new String[2]);
                    idName[0] = t.id() != null ? t.id() : idName[0];
                    idName[1] = t.name() != null ? t.name() : idName[1];
                    if (t.argumentsFragment().isEmpty()) {
                        continue; // LangChain4j's pieces carry some arguments; the id and name come with the next
                    }
                    handler.onPartialToolCall(PartialToolCall.builder().index(t.index()).id(idName[0])
                            .name(idName[1]).partialArguments(t.argumentsFragment()).build());
                }
            }
            collected = answer.toResponse(stream.provider(), "", stream.rateLimits(), stream.attempts());
        } catch (RuntimeException e) {
            handler.onError(Lc4jErrors.map(e));
            return;
        }
        handler.onCompleteResponse(Lc4jMapping.response(collected));
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return SwitchboardChatModel.capabilities(provider);
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public String toString() {
        return "SwitchboardStreamingChatModel[" + provider.name() + "]";
    }
}
