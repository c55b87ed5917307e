package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.testkit.Fixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One route, three client APIs: the same route answers the official OpenAI Java SDK's Chat Completions and Responses
 * clients and the official Anthropic Java SDK's Messages client, over an Anthropic-dialect and an OpenAI-dialect
 * upstream, in both orders. Each case is a tool round trip (a question answered with a tool call, then the tool's
 * result answered with text) in which the route's first upstream fails every time: with an error status when the
 * client does not stream, and in the middle of its stream, after some text, when it does, so the second upstream,
 * of the other dialect, resumes the answer. Each client must see the whole text, the tool calls, the finish reason
 * and the usage of the answer, and a stream its SDK reads without error with its events in order.
 *
 * <p>The upstreams' answers are the providers' documented examples (see the fixtures' READMEs); the OpenAI stream
 * that breaks is the start of the documented text stream followed by the documented server error, as OpenAI sends an
 * error inside a stream.
 */
@Timeout(180) // a hang guard, not a speed check: the first case loads both SDKs on a machine that may be busy
class CrossApiTest {

    private static final String OPENAI = "/primary/v1/chat/completions";
    private static final String ANTHROPIC = "/anthropic/v1/messages";
    private static final String QUESTION = "What's the weather like today?";
    private static final String TOOL_RESULT = "{\"temperature\": 22, \"unit\": \"celsius\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The route's order of dialects; its name is the route's. */
    enum Order {
        ANTHROPIC_FIRST("anthropic-first", "claude", "primary"),
        OPENAI_FIRST("openai-first", "primary", "claude");

        final String route;
        final String first;
        final String second;

        Order(String route, String first, String second) {
            this.route = route;
            this.first = first;
            this.second = second;
        }
    }

    /** A tool call as a client sees it: its id, the function's name and its arguments (parsed). */
    record Call(String id, String name, Map<String, Object> arguments) {
    }

    /**
     * What a client saw of one answer, in terms every API has: the text, the tool calls, whether it stopped for them
     * (else it ended its turn), the usage and the gateway's headers.
     */
    record Seen(String text, List<Call> calls, boolean stoppedForTools, long inputTokens, long outputTokens,
                String provider, String attempts) {
    }

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(Order.values()).flatMap(o -> Stream.of(Arguments.of(o, false), Arguments.of(o, true)));
    }

    // ---------------------------------------------------------------------------------------------- the three tests

    @ParameterizedTest(name = "{0}, streamed {1}")
    @MethodSource("cases")
    void aChatCompletionsClient(Order order, boolean streamed) {
        start(order, streamed);
        OpenAIClient client = openAi();
        ChatCompletionCreateParams.Builder ask = ChatCompletionCreateParams.builder().model(order.route)
                .addUserMessage(QUESTION).addFunctionTool(FunctionDefinition.builder().name("get_weather")
                        .description("The current weather in a city").parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(LOCATION))
                                .build()).build());
        if (streamed) {
            ask.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }

        ChatCompletion first = chat(client, ask.build(), streamed);
        assertSeen(seen(first, lastHeaders), turnOne(order, streamed));

        ChatCompletionMessage asked = first.choices().get(0).message();
        ask.addMessage(asked);
        for (var call : asked.toolCalls().orElseThrow()) {
            ask.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id())
                    .content(TOOL_RESULT).build());
        }
        ChatCompletion second = chat(client, ask.build(), streamed);
        assertSeen(seen(second, lastHeaders), turnTwo(order, streamed));
        verifyToolResultsReached(order, seen(first, lastHeaders).calls());
    }

    @ParameterizedTest(name = "{0}, streamed {1}")
    @MethodSource("cases")
    void aResponsesClient(Order order, boolean streamed) {
        start(order, streamed);
        OpenAIClient client = openAi();
        FunctionTool tool = FunctionTool.builder().name("get_weather").description("The current weather in a city")
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(LOCATION)).build())
                .strict(false).build();
        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content(QUESTION).build()));

        Response first = responses(client, ResponseCreateParams.builder().model(order.route)
                .input(ResponseCreateParams.Input.ofResponse(input)).addTool(tool).build(), streamed);
        assertSeen(seen(first, lastHeaders), turnOne(order, streamed));

        for (ResponseOutputItem item : first.output()) { // the whole answer goes back, as the API's docs show
            if (item.isMessage()) {
                input.add(ResponseInputItem.ofResponseOutputMessage(item.asMessage()));
            } else if (item.isFunctionCall()) {
                input.add(ResponseInputItem.ofFunctionCall(item.asFunctionCall()));
                input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(item.asFunctionCall().callId()).output(TOOL_RESULT).build()));
            }
        }
        Response second = responses(client, ResponseCreateParams.builder().model(order.route)
                .input(ResponseCreateParams.Input.ofResponse(input)).addTool(tool).build(), streamed);
        assertSeen(seen(second, lastHeaders), turnTwo(order, streamed));
        verifyToolResultsReached(order, seen(first, lastHeaders).calls());
    }

    @ParameterizedTest(name = "{0}, streamed {1}")
    @MethodSource("cases")
    void aMessagesClient(Order order, boolean streamed) {
        start(order, streamed);
        AnthropicClient client = anthropic();
        MessageCreateParams.Builder ask = MessageCreateParams.builder().model(order.route).maxTokens(1024)
                .addUserMessage(QUESTION).addTool(Tool.builder().name("get_weather")
                        .description("The current weather in a city").inputSchema(Tool.InputSchema.builder()
                                .properties(com.anthropic.core.JsonValue.from(LOCATION)).build()).build());

        Message first = messages(client, ask.build(), streamed);
        assertSeen(seen(first, lastHeaders), turnOne(order, streamed));

        ask.addMessage(first);
        List<ContentBlockParam> results = new ArrayList<>();
        for (ContentBlock b : first.content()) {
            b.toolUse().ifPresent(u -> results.add(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                    .toolUseId(u.id()).content(TOOL_RESULT).build())));
        }
        ask.addUserMessage(MessageContentParam.ofContentBlockParams(results));
        Message second = messages(client, ask.build(), streamed);
        assertSeen(seen(second, lastHeaders), turnTwo(order, streamed));
        verifyToolResultsReached(order, seen(first, lastHeaders).calls());
    }

    /**
     * Every target failing before an answer: each client gets its SDK's exception for the route's final status (502:
     * an overload and a server error are not all overloads) with the gateway's headers naming the last target tried
     * and the two tries.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Order.class)
    void everyTargetFailingReachesEachClientAsItsErrorWithTheGatewayHeaders(Order order) {
        startFailing(order, false);
        OpenAIClient openAi = openAi();
        AnthropicClient anthropic = anthropic();

        var chat = catchThrowableOfType(com.openai.errors.InternalServerException.class, () -> openAi.chat()
                .completions().create(ChatCompletionCreateParams.builder().model(order.route).addUserMessage(QUESTION)
                        .build()));
        var responses = catchThrowableOfType(com.openai.errors.InternalServerException.class, () -> openAi.responses()
                .create(ResponseCreateParams.builder().model(order.route).input(QUESTION).build()));
        var messages = catchThrowableOfType(com.anthropic.errors.InternalServerException.class, () -> anthropic
                .messages().create(MessageCreateParams.builder().model(order.route).maxTokens(100)
                        .addUserMessage(QUESTION).build()));

        for (var e : List.of(chat, responses)) {
            assertThat(e.statusCode()).isEqualTo(502);
            assertThat(headers(e.headers()::values)).containsExactly(order.second, "2");
        }
        assertThat(messages.statusCode()).isEqualTo(502);
        assertThat(headers(messages.headers()::values)).containsExactly(order.second, "2");
        assertThat(messages.body().toString()).contains("api_error");
    }

    /**
     * Both targets breaking mid-stream: the answer was resumed once and then had no target left, so each client's
     * stream ends with its API's error, never as a complete answer, after the text both targets delivered.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Order.class)
    void aStreamThatBreaksOnBothTargetsEndsWithEachApisError(Order order) {
        startFailing(order, true);
        OpenAIClient openAi = openAi();
        AnthropicClient anthropic = anthropic();
        String delivered = order == Order.ANTHROPIC_FIRST ? "HelloI'm unable" : "I'm unableHello";

        StringBuilder chatText = new StringBuilder();
        Throwable chat = catchThrowable(() -> {
            try (StreamResponse<ChatCompletionChunk> s = openAi.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(order.route).addUserMessage(QUESTION).build())) {
                s.stream().forEach(c -> c.choices().forEach(ch -> {
                    chatText.append(ch.delta().content().orElse(""));
                    assertThat(ch.finishReason()).isEmpty();
                }));
            }
        });
        assertThat(chat).isInstanceOf(com.openai.errors.OpenAIException.class);
        assertThat(chatText.toString()).isEqualTo(delivered);

        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = openAi.responses().createStreaming(ResponseCreateParams.builder()
                .model(order.route).input(QUESTION).build())) {
            s.stream().forEach(events::add);
        }
        assertThat(events).noneMatch(ResponseStreamEvent::isCompleted);
        assertThat(events).anyMatch(ResponseStreamEvent::isError);
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isFailed()).isTrue();
        assertThat(last.asFailed().response().output().get(0).asMessage().content().get(0).asOutputText().text())
                .isEqualTo(delivered);

        StringBuilder messageText = new StringBuilder();
        Throwable messages = catchThrowable(() -> {
            try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = anthropic.messages()
                    .createStreaming(MessageCreateParams.builder().model(order.route).maxTokens(100)
                            .addUserMessage(QUESTION).build())) {
                s.stream().forEach(e -> {
                    assertThat(e.isMessageStop()).isFalse();
                    e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> messageText.append(t.text()));
                });
            }
        });
        assertThat(messages).isInstanceOf(com.anthropic.errors.AnthropicException.class);
        assertThat(messageText.toString()).isEqualTo(delivered);
    }

    // ------------------------------------------------------------------------------------ what every client must see

    private static final Map<String, Object> LOCATION = Map.of("location", Map.of("type", "string"));

    /** The first turn: the second upstream's tool calls, after the first one's text when it broke mid-stream. */
    private static Seen turnOne(Order order, boolean streamed) {
        if (order == Order.ANTHROPIC_FIRST) {
            return streamed
                    // "Hello" from Anthropic, then OpenAI's documented streamed tool calls
                    ? new Seen("Hello", List.of(
                            new Call("call_lQnnsesjFMWMQ5IeWPHzR4th", "GetWeatherArgs",
                                    Map.of("city", "Edinburgh", "country", "UK", "units", "c")),
                            new Call("call_2xjOUgaCdiwAcl9ZBL9LyMUU", "get_stock_price",
                                    Map.of("ticker", "AAPL", "exchange", "NASDAQ"))),
                            // the usage of both: Anthropic's part as its message_start reported it (11 in, 1
                            // out) before it broke, plus OpenAI's (149 in, 60 out)
                            true, 11 + 149, 1 + 60, "claude", "1")
                    : new Seen("", List.of(new Call("call_abc123", "get_current_weather",
                            Map.of("location", "Boston, MA"))), true, 82, 17, "primary", "2");
        }
        return streamed
                // OpenAI's "I'm unable", then Anthropic's documented streamed tool use
                ? new Seen("I'm unableI'll check the current weather in Paris for you.", List.of(
                        new Call("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather", Map.of("location", "Paris"))),
                        // the usage of both: OpenAI's part, which it did not report, as the ledger estimates it
                        // (the question's 33 tokens in, "I'm unable" out: 10 characters, 3 tokens), plus Anthropic's
                        true, 33 + 377, 3 + 65, "primary", "1")
                : new Seen("", List.of(new Call("toolu_01GHndag5wQmbzNihYmV2UBj", "get_weather",
                        Map.of("location", "San Francisco, CA", "units", "c"))), true, 659, 74, "claude", "2");
    }

    /** The second turn: the second upstream's text, after the first one's when it broke mid-stream. */
    private static Seen turnTwo(Order order, boolean streamed) {
        if (order == Order.ANTHROPIC_FIRST) {
            return streamed
                    // Anthropic's part (11 in, 1 out) and OpenAI's (14 in, 47 out)
                    ? new Seen("Hello" + OPENAI_STREAMED_TEXT, List.of(), false, 11 + 14, 1 + 47, "claude", "1")
                    : new Seen(OPENAI_TEXT, List.of(), false, 1117, 46, "primary", "2");
        }
        return streamed
                // OpenAI's part as estimated (the conversation's 65 tokens in, 3 out) and Anthropic's (11 in, 6 out)
                ? new Seen("I'm unableHello there!", List.of(), false, 65 + 11, 3 + 6, "primary", "1")
                : new Seen("The weather in San Francisco, CA is currently **20°C** and **Sunny**. Nice weather!",
                        List.of(), false, 787, 26, "claude", "2");
    }

    private static final String OPENAI_TEXT = "The image shows a wooden boardwalk path running through a lush green"
            + " field or meadow. The sky is bright blue with some scattered clouds, giving the scene a serene and"
            + " peaceful atmosphere. Trees and shrubs are visible in the background.";
    private static final String OPENAI_STREAMED_TEXT = "I'm unable to provide real-time updates, including current"
            + " weather information. For the latest weather in San Francisco, I recommend checking a reliable weather"
            + " website or app such as the Weather Channel, BBC Weather, or a local San Francisco news station.";

    /**
     * The headers: a streamed answer's head goes out with its first content, from the first upstream, before it
     * broke; a whole answer's after the route settled on the second.
     */
    private static void assertSeen(Seen seen, Seen expected) {
        assertThat(seen).isEqualTo(expected);
    }

    /** The second upstream, of the other dialect, got the tool calls and their results in its own shape. */
    private void verifyToolResultsReached(Order order, List<Call> calls) {
        for (Call c : calls) {
            if (order == Order.ANTHROPIC_FIRST) {
                h.upstream.verify(postRequestedFor(urlEqualTo(OPENAI))
                        .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'assistant')].tool_calls[?(@.id == '"
                                + c.id() + "')].function.name", equalTo(c.name())))
                        .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool' && @.tool_call_id == '"
                                + c.id() + "')].content", equalTo(TOOL_RESULT))));
            } else {
                h.upstream.verify(postRequestedFor(urlEqualTo(ANTHROPIC))
                        .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'assistant')].content[?(@.type"
                                + " == 'tool_use' && @.id == '" + c.id() + "')].name", equalTo(c.name())))
                        .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'user')].content[?(@.type"
                                + " == 'tool_result' && @.tool_use_id == '" + c.id() + "')]")));
            }
        }
    }

    // --------------------------------------------------------------------------------------------- the upstreams

    private void start(Order order, boolean streamed) {
        h = GatewayHarness.start(String.join("\n",
                "providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\", api-key = \""
                        + GatewayHarness.KEY + "\", model = \"claude-sonnet-4-5\" }",
                "routes.anthropic-first.targets = [ claude, primary ]",
                "routes.openai-first.targets = [ primary, claude ]",
                "route-defaults.retry.max-retries = 0")); // one try each: the attempts header counts exactly two
        if (order == Order.ANTHROPIC_FIRST) {
            h.upstream.stubFor(post(ANTHROPIC).willReturn(streamed
                    ? sse(Fixtures.load("fixtures/anthropic/stream-overloaded-error.sse")) // "Hello", then overloaded
                    : error(529, "fixtures/anthropic/errors/529-overloaded.json")));
            answers(OPENAI, "$.messages[?(@.role == 'tool')]", streamed,
                    "fixtures/openai/chat-stream-tool-calls.sse", "fixtures/openai/chat-completion-tool-calls.json",
                    "fixtures/openai/chat-stream-text.sse", "fixtures/openai/chat-completion.json");
        } else {
            h.upstream.stubFor(post(OPENAI).willReturn(streamed ? sse(openAiStreamThatBreaks())
                    : error(500, "fixtures/openai/errors/500-server-error.json")));
            answers(ANTHROPIC, "$.messages[*].content[?(@.type == 'tool_result')]", streamed,
                    "fixtures/anthropic/stream-tool-use.sse", "fixtures/anthropic/message-tool-use.json",
                    "fixtures/anthropic/stream-text.sse", "fixtures/anthropic/message-final-answer.json");
        }
    }

    /** Both upstreams fail: with an error status, or mid-stream after some text. */
    private void startFailing(Order order, boolean streamed) {
        start(order, streamed);
        h.upstream.resetMappings();
        h.upstream.stubFor(post(ANTHROPIC).willReturn(streamed
                ? sse(Fixtures.load("fixtures/anthropic/stream-overloaded-error.sse"))
                : error(529, "fixtures/anthropic/errors/529-overloaded.json")));
        h.upstream.stubFor(post(OPENAI).willReturn(streamed ? sse(openAiStreamThatBreaks())
                : error(500, "fixtures/openai/errors/500-server-error.json")));
    }

    /** The second upstream: a tool call to a question, text to a tool's result. */
    private void answers(String path, String toolResultPath, boolean streamed, String toolStream, String toolJson,
                         String textStream, String textJson) {
        Function<String, ResponseDefinitionBuilder> answer = f -> streamed ? sse(Fixtures.load(f)) : okJson(Fixtures.load(f));
        h.upstream.stubFor(post(path).atPriority(5).willReturn(answer.apply(streamed ? toolStream : toolJson)));
        MappingBuilder result = post(path).atPriority(1).withRequestBody(matchingJsonPath(toolResultPath));
        h.upstream.stubFor(result.willReturn(answer.apply(streamed ? textStream : textJson)));
    }

    /** The documented text stream's first three chunks ("", "I'm", " unable"), then the documented server error. */
    private static String openAiStreamThatBreaks() {
        String[] events = Fixtures.load("fixtures/openai/chat-stream-text.sse").split("\n\n");
        String error;
        try {
            error = JSON.readTree(Fixtures.load("fixtures/openai/errors/500-server-error.json")).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return events[0] + "\n\n" + events[1] + "\n\n" + events[2] + "\n\ndata: " + error + "\n\n";
    }

    private static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    private static ResponseDefinitionBuilder error(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.load(fixture));
    }

    // ------------------------------------------------------------------------------- the clients, and what they saw

    /** The gateway's headers on the last answer: provider, attempts. */
    private String[] lastHeaders;

    private OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().baseUrl(h.gateway.baseUrl().toString()).apiKey(GatewayHarness.KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).responseValidation(true).build();
    }

    private AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + h.gateway.port())
                .apiKey(GatewayHarness.KEY).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    private ChatCompletion chat(OpenAIClient client, ChatCompletionCreateParams params, boolean streamed) {
        if (!streamed) {
            var raw = client.chat().completions().withRawResponse().create(params);
            lastHeaders = headers(raw.headers()::values);
            return raw.parse();
        }
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        var raw = client.chat().completions().withRawResponse().createStreaming(params);
        lastHeaders = headers(raw.headers()::values);
        try (StreamResponse<ChatCompletionChunk> s = raw.parse()) {
            s.stream().forEach(c -> {
                chunks.add(c);
                acc.accumulate(c);
            });
        }
        // One answer: one id throughout, one finish reason, the usage alone in the last chunk.
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.finishReason().isPresent()))
                .hasSize(1);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).isPresent();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        return acc.chatCompletion();
    }

    private static Seen seen(ChatCompletion c, String[] headers) {
        ChatCompletionMessage m = c.choices().get(0).message();
        List<Call> calls = m.toolCalls().orElse(List.of()).stream().map(t -> t.asFunction())
                .map((ChatCompletionMessageFunctionToolCall f) -> new Call(f.id(), f.function().name(),
                        args(f.function().arguments()))).collect(Collectors.toList());
        ChatCompletion.Choice.FinishReason finish = c.choices().get(0).finishReason();
        assertThat(finish).isIn(ChatCompletion.Choice.FinishReason.TOOL_CALLS, ChatCompletion.Choice.FinishReason.STOP);
        var usage = c.usage().orElseThrow();
        return new Seen(m.content().orElse(""), calls, finish.equals(ChatCompletion.Choice.FinishReason.TOOL_CALLS),
                usage.promptTokens(), usage.completionTokens(), headers[0], headers[1]);
    }

    private Response responses(OpenAIClient client, ResponseCreateParams params, boolean streamed) {
        if (!streamed) {
            var raw = client.responses().withRawResponse().create(params);
            lastHeaders = headers(raw.headers()::values);
            return raw.parse();
        }
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<ResponseStreamEvent> events = new ArrayList<>();
        var raw = client.responses().withRawResponse().createStreaming(params);
        lastHeaders = headers(raw.headers()::values);
        try (StreamResponse<ResponseStreamEvent> s = raw.parse()) {
            s.stream().forEach(e -> {
                events.add(e);
                acc.accumulate(e);
            });
        }
        // created first, completed last, no error or failure between, each item added once and done once.
        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        assertThat(events).noneMatch(e -> e.isError() || e.isFailed() || e.isIncomplete());
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputItemAdded).count())
                .isEqualTo(events.stream().filter(ResponseStreamEvent::isOutputItemDone).count())
                .isEqualTo(acc.response().output().size());
        return acc.response();
    }

    private static Seen seen(Response r, String[] headers) {
        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        for (ResponseOutputItem item : r.output()) {
            if (item.isMessage()) {
                item.asMessage().content().forEach(c -> text.append(c.asOutputText().text()));
            } else if (item.isFunctionCall()) {
                ResponseFunctionToolCall f = item.asFunctionCall();
                calls.add(new Call(f.callId(), f.name(), args(f.arguments())));
            }
        }
        var usage = r.usage().orElseThrow();
        // The Responses API has no stop reason: an answer that stops for tools is one whose last item is a call.
        boolean forTools = !r.output().isEmpty() && r.output().get(r.output().size() - 1).isFunctionCall();
        return new Seen(text.toString(), calls, forTools, usage.inputTokens(), usage.outputTokens(), headers[0],
                headers[1]);
    }

    private Message messages(AnthropicClient client, MessageCreateParams params, boolean streamed) {
        if (!streamed) {
            var raw = client.messages().withRawResponse().create(params);
            lastHeaders = headers(raw.headers()::values);
            return raw.parse();
        }
        MessageAccumulator acc = MessageAccumulator.create();
        List<RawMessageStreamEvent> events = new ArrayList<>();
        var raw = client.messages().withRawResponse().createStreaming(params);
        lastHeaders = headers(raw.headers()::values);
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = raw.parse()) {
            s.stream().forEach(e -> {
                events.add(e);
                acc.accumulate(e); // throws on an event out of the documented order
            });
        }
        // message_start first, message_stop last, one message_delta; each block started and stopped in turn.
        assertThat(events.get(0).isMessageStart()).isTrue();
        assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
        assertThat(events).filteredOn(RawMessageStreamEvent::isMessageDelta).hasSize(1);
        long open = -1;
        long next = 0;
        for (RawMessageStreamEvent e : events) {
            if (e.isContentBlockStart()) {
                assertThat(open).as("a block starts only after the one before stopped").isEqualTo(-1);
                assertThat(e.asContentBlockStart().index()).isEqualTo(next);
                open = next++;
            } else if (e.isContentBlockDelta()) {
                assertThat(e.asContentBlockDelta().index()).isEqualTo(open);
            } else if (e.isContentBlockStop()) {
                assertThat(e.asContentBlockStop().index()).isEqualTo(open);
                open = -1;
            }
        }
        assertThat(open).isEqualTo(-1);
        return acc.message();
    }

    private static Seen seen(Message m, String[] headers) {
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        for (ContentBlock b : m.content()) {
            b.text().ifPresent(t -> text.append(t.text()));
            if (b.isToolUse()) {
                ToolUseBlock u = b.asToolUse();
                @SuppressWarnings("unchecked")
                Map<String, Object> input = u._input().convert(Map.class);
                calls.add(new Call(u.id(), u.name(), new LinkedHashMap<>(input)));
            }
        }
        StopReason stop = m.stopReason().orElseThrow();
        assertThat(stop).isIn(StopReason.TOOL_USE, StopReason.END_TURN);
        return new Seen(text.toString(), calls, stop.equals(StopReason.TOOL_USE), m.usage().inputTokens(),
                m.usage().outputTokens(), headers[0], headers[1]);
    }

    private static String[] headers(Function<String, List<String>> values) {
        return new String[] {single(values.apply("x-switchboard-provider")), single(values.apply("x-switchboard-attempts"))};
    }

    private static String single(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> args(String json) {
        try {
            return JSON.readValue(json, LinkedHashMap.class);
        } catch (IOException e) {
            throw new AssertionError("tool call arguments are not a JSON object: " + json, e);
        }
    }
}
