package dev.switchboard.spring.ai;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ChatAccumulator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.DefaultToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolExecutionResult;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A Switchboard route (or any {@link LlmProvider}) as Spring AI's {@link ChatModel} (and so its
 * {@code StreamingChatModel}): a {@code ChatClient} built on it gains the route's fallback, retries, cooldowns,
 * budgets and costs.
 *
 * <pre>{@code
 * ChatModel model = new SwitchboardSpringAiChatModel(switchboard.route("default"));
 * String answer = ChatClient.create(model).prompt("Hello!").tools(new WeatherTools()).call().content();
 * }</pre>
 *
 * Prompts map messages (system, user text and images, assistant text and tool calls, tool responses), the portable
 * options (model, temperature, top-p, max tokens, stop sequences; top-k and the penalties as provider parameters),
 * tool callbacks and, with {@link SwitchboardChatOptions}, the response format. Tools run as in Spring AI's own models:
 * through a {@link ToolCallingManager} when the options leave internal tool execution on, the answer after the tool
 * results being returned. Answers carry text, tool calls, finish reason ({@code STOP}, {@code LENGTH},
 * {@code TOOL_CALLS}, {@code CONTENT_FILTER}, {@code ERROR}), id, model and usage. Failures are Switchboard's
 * {@link dev.switchboard.api.LlmException} (Spring AI's core has no exception family of its own), with the attempt
 * trail. Streams are pulled on Reactor's bounded-elastic scheduler; cancelling the Flux closes the stream.
 */
public final class SwitchboardSpringAiChatModel implements ChatModel {

    private final LlmProvider provider;
    private final ChatOptions defaultOptions;
    private final ToolCallingManager tools;
    private final ToolExecutionEligibilityPredicate eligible = new DefaultToolExecutionEligibilityPredicate();

    public SwitchboardSpringAiChatModel(LlmProvider provider) {
        this(provider, new SwitchboardChatOptions(), ToolCallingManager.builder().build());
    }

    /**
     * @param defaultOptions used when a prompt brings none
     * @param tools          resolves and runs tool callbacks
     */
    public SwitchboardSpringAiChatModel(LlmProvider provider, ChatOptions defaultOptions, ToolCallingManager tools) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.defaultOptions = Objects.requireNonNull(defaultOptions, "defaultOptions");
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    @Override
    public ChatOptions getDefaultOptions() {
        return defaultOptions.copy();
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        Prompt p = withOptions(prompt);
        ChatResponse response = SpringAiMapping.response(provider.chat(request(p)));
        if (!eligible.isToolExecutionRequired(p.getOptions(), response)) {
            return response;
        }
        ToolExecutionResult result = tools.executeToolCalls(p, response);
        if (result.returnDirect()) {
            return ChatResponse.builder().from(response).generations(ToolExecutionResult.buildGenerations(result)).build();
        }
        return call(new Prompt(result.conversationHistory(), p.getOptions()));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        Prompt p = withOptions(prompt);
        return Flux.defer(() -> {
            ChatAccumulator answer = new ChatAccumulator();
            return Flux.using(() -> provider.stream(request(p)),
                            stream -> Flux.fromIterable(() -> chunks(stream, answer)),
                            ChatStream::close)
                    .concatWith(Flux.defer(() -> afterStream(p, answer)));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Once the stream ended: its tool calls run and the conversation streams on, or nothing more. */
    private Flux<ChatResponse> afterStream(Prompt p, ChatAccumulator answer) {
        if (answer.toResponse("", "", dev.switchboard.api.RateLimits.NONE, List.of()).toolCalls().isEmpty()) {
            return Flux.empty();
        }
        ChatResponse whole = SpringAiMapping.response(answer.toResponse("", "", dev.switchboard.api.RateLimits.NONE, List.of()));
        if (!eligible.isToolExecutionRequired(p.getOptions(), whole)) {
            return Flux.empty();
        }
        ToolExecutionResult result = tools.executeToolCalls(p, whole);
        if (result.returnDirect()) {
            return Flux.just(ChatResponse.builder().from(whole).generations(ToolExecutionResult.buildGenerations(result)).build());
        }
        return stream(new Prompt(result.conversationHistory(), p.getOptions()));
    }

    /**
     * Text as it comes, one response per delta; at the end one response with the finish reason and usage, holding the
     * whole tool calls if there were any (Spring AI's tool loop wants them whole).
     */
    private Iterator<ChatResponse> chunks(ChatStream stream, ChatAccumulator answer) {
        return new Iterator<>() {
            private ChatResponse next;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (next == null && !done) {
                    if (!stream.hasNext()) {
                        done = true;
                        dev.switchboard.api.ChatResponse whole = answer.toResponse(stream.provider(), "",
                                stream.rateLimits(), stream.attempts());
                        next = new ChatResponse(List.of(SpringAiMapping.generation("", whole.toolCalls(),
                                whole.finishReason())), SpringAiMapping.metadata(whole.id(), whole.model(), whole.usage()));
                        break;
                    }
                    ChatEvent event = stream.next();
                    answer.accept(event);
                    if (event instanceof ChatEvent.TextDelta d) {
                        next = new ChatResponse(List.of(new Generation(new AssistantMessage(d.text()))));
                    }
                }
                return next != null;
            }

            @Override
            public ChatResponse next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ChatResponse r = next;
                next = null;
                return r;
            }
        };
    }

    private ChatRequest request(Prompt p) {
        List<org.springframework.ai.tool.definition.ToolDefinition> definitions = new ArrayList<>();
        if (p.getOptions() instanceof ToolCallingChatOptions t) {
            definitions.addAll(tools.resolveToolDefinitions(t));
        }
        return SpringAiMapping.request(p, definitions);
    }

    /** The prompt with the default options when it brings none. */
    private Prompt withOptions(Prompt prompt) {
        return prompt.getOptions() != null ? prompt : new Prompt(prompt.getInstructions(), defaultOptions.copy());
    }

    @Override
    public String toString() {
        return "SwitchboardSpringAiChatModel[" + provider.name() + "]";
    }
}
