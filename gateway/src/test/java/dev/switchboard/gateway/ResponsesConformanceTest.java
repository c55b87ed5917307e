package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceOptions;
import com.openai.models.responses.WebSearchTool;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /v1/responses} as the official OpenAI Java SDK's Responses API sees it (with the SDK's own response
 * validation on, so every object the gateway writes must have the shape the SDK's types require), over OpenAI- and
 * Anthropic-dialect upstreams, streamed and not, with tools, JSON Schema output, errors and failover.
 */
@Timeout(60) // a guard against hangs, not a speed check
class ResponsesConformanceTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    private static final String CLAUDE = "/anthropic/v1/messages";

    private GatewayHarness h;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        h = GatewayHarness.start(String.join("\n",
                "providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\", api-key = \""
                        + GatewayHarness.KEY + "\", model = \"claude-sonnet-4-5\" }",
                "routes.mixed.targets = [ claude, primary ]"));
        client = OpenAIOkHttpClient.builder().baseUrl(h.gateway.baseUrl().toString()).apiKey(GatewayHarness.KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(10)).responseValidation(true).build();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String fixture(String path) {
        return Fixtures.load("fixtures/" + path);
    }

    private void sseFrom(String path, String fixture) {
        h.upstream.stubFor(post(path).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(fixture(fixture))));
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_current_weather").description("Get the current weather in a location")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                        .build())
                .strict(false).build();
    }

    private static String outputText(Response r) {
        return r.output().stream().filter(ResponseOutputItem::isMessage)
                .flatMap(m -> m.asMessage().content().stream())
                .map(c -> c.asOutputText().text()).collect(Collectors.joining());
    }

    private static String modelOf(Response r) {
        return r.model().string().orElseGet(() -> r.model().chat().map(c -> c.asString())
                .orElseGet(() -> r.model().asOnly().asString()));
    }

    @Test
    void answersAResponseWithInstructionsThroughARoute() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(fixture("openai/chat-completion.json"))));

        Response r = client.responses().create(ResponseCreateParams.builder().model("default")
                .instructions("Answer in one sentence.").input("Describe the image.").maxOutputTokens(300)
                .temperature(0.2).store(true).build());

        assertThat(r.id()).startsWith("resp_");
        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(modelOf(r)).isEqualTo("gpt-4o-2024-08-06");
        assertThat(outputText(r)).startsWith("The image shows a wooden boardwalk");
        assertThat(r.usage()).hasValueSatisfying(u -> {
            assertThat(u.inputTokens()).isEqualTo(1117);
            assertThat(u.outputTokens()).isEqualTo(46);
            assertThat(u.totalTokens()).isEqualTo(1163);
        });
        assertThat(r.instructions()).isPresent();
        // accepted, and said honestly: nothing was stored
        assertThat(r._additionalProperties().get("store")).isEqualTo(JsonValue.from(false));
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Answer in one sentence.")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Describe the image.")))
                .withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("300")))
                .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.2"))));
    }

    @Test
    void streamsTypedEventsInSequenceThatTheSdkAccumulates() {
        sseFrom(PRIMARY_CHAT, "openai/chat-stream-text.sse");
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<ResponseStreamEvent> events = new ArrayList<>();

        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("default").input("What's the weather?").build())) {
            s.stream().forEach(e -> {
                events.add(e);
                acc.accumulate(e);
            });
        }

        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(1).isInProgress()).isTrue();
        assertThat(events.get(2).isOutputItemAdded()).isTrue();
        assertThat(events.get(3).isContentPartAdded()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        String deltas = events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .map(e -> e.asOutputTextDelta().delta()).collect(Collectors.joining());
        assertThat(deltas).startsWith("I'm unable to provide real-time updates").endsWith(".");
        assertThat(events).filteredOn(ResponseStreamEvent::isOutputTextDone).singleElement()
                .satisfies(e -> assertThat(e.asOutputTextDone().text()).isEqualTo(deltas));
        Response completed = events.get(events.size() - 1).asCompleted().response();
        assertThat(outputText(completed)).isEqualTo(deltas);
        assertThat(completed.usage()).hasValueSatisfying(u -> assertThat(u.outputTokens()).isEqualTo(47));
        assertThat(outputText(acc.response())).isEqualTo(deltas);
    }

    @Test
    void aToolRoundTripSendsTheCallAndItsOutputBack() {
        h.upstream.stubFor(post(PRIMARY_CHAT).inScenario("tools").whenScenarioStateIs("Started")
                .willReturn(okJson(fixture("openai/chat-completion-tool-calls.json"))).willSetStateTo("answered"));
        h.upstream.stubFor(post(PRIMARY_CHAT).inScenario("tools").whenScenarioStateIs("answered")
                .willReturn(okJson(fixture("openai/chat-completion.json"))));
        ResponseCreateParams first = ResponseCreateParams.builder().model("default")
                .input("What's the weather like in Boston today?").addTool(weatherTool())
                .toolChoice(ToolChoiceOptions.REQUIRED).build();

        Response asked = client.responses().create(first);

        ResponseFunctionToolCall call = asked.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(call.callId()).isEqualTo("call_abc123");
        assertThat(call.name()).isEqualTo("get_current_weather");
        assertThat(call.arguments()).isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]", equalTo("location")))
                .withRequestBody(matchingJsonPath("$.tool_choice", equalTo("required"))));

        List<ResponseInputItem> turn = new ArrayList<>();
        turn.add(ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                .role(com.openai.models.responses.EasyInputMessage.Role.USER)
                .content("What's the weather like in Boston today?").build()));
        turn.add(ResponseInputItem.ofFunctionCall(call));
        turn.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("{\"temperature\": 22, \"unit\": \"celsius\"}").build()));
        Response answered = client.responses().create(ResponseCreateParams.builder().model("default")
                .input(ResponseCreateParams.Input.ofResponse(turn)).addTool(weatherTool()).build());

        assertThat(outputText(answered)).startsWith("The image shows");
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].function.name",
                        equalTo("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("tool")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_call_id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[2].content",
                        equalTo("{\"temperature\": 22, \"unit\": \"celsius\"}"))));
    }

    @Test
    void streamsAnAnthropicToolUseAsFunctionCallArgumentEvents() {
        sseFrom(CLAUDE, "anthropic/stream-tool-use.sse");
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<ResponseStreamEvent> events = new ArrayList<>();

        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("claude").input("What's the weather in Paris?").addTool(weatherTool()).build())) {
            s.stream().forEach(e -> {
                events.add(e);
                acc.accumulate(e);
            });
        }

        String argumentDeltas = events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
                .map(e -> e.asFunctionCallArgumentsDelta().delta()).collect(Collectors.joining());
        assertThat(argumentDeltas).isEqualTo("{\"location\": \"Paris\"}");
        assertThat(events).filteredOn(ResponseStreamEvent::isFunctionCallArgumentsDone).singleElement()
                .satisfies(e -> assertThat(e.asFunctionCallArgumentsDone().arguments()).isEqualTo(argumentDeltas));
        Response done = acc.response();
        assertThat(outputText(done)).isEqualTo("I'll check the current weather in Paris for you.");
        ResponseFunctionToolCall call = done.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(call.callId()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"location\": \"Paris\"}");
        // the message item closed before the call opened, and the call after the message in the output
        assertThat(done.output()).extracting(ResponseOutputItem::isMessage).containsExactly(true, false);
        h.upstream.verify(postRequestedFor(urlEqualTo(CLAUDE))
                .withRequestBody(matchingJsonPath("$.tools[0].name", equalTo("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].input_schema.required[0]", equalTo("location"))));
    }

    @Test
    void streamsAnthropicThinkingAsAReasoningItemBeforeTheCall() {
        sseFrom(CLAUDE, "anthropic/stream-thinking-tool-use.sse");
        List<ResponseStreamEvent> events = new ArrayList<>();

        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("claude").input("What's the weather in Paris?").addTool(weatherTool()).build())) {
            s.stream().forEach(events::add);
        }

        String reasoning = events.stream().filter(ResponseStreamEvent::isReasoningTextDelta)
                .map(e -> e.asReasoningTextDelta().delta()).collect(Collectors.joining());
        assertThat(reasoning).startsWith("The user wants to know the current weather in Paris.")
                .endsWith("The function requires a location parameter.");
        Response done = events.get(events.size() - 1).asCompleted().response();
        assertThat(done.output().get(0).isReasoning()).isTrue();
        assertThat(done.output().get(0).asReasoning().content().orElseThrow()).singleElement()
                .satisfies(c -> assertThat(c.text()).isEqualTo(reasoning));
        assertThat(done.output()).anySatisfy(item -> assertThat(item.isFunctionCall()).isTrue());
        assertThat(events).noneSatisfy(e -> assertThat(e.toString()).contains("BDaL4VrbR2Oj0hO4")); // the signed block stays out
    }

    @Test
    void aLengthStopIsAnIncompleteResponseStreamedOrNot() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(fixture("openai/chat-completion.json")
                .replace("\"finish_reason\": \"stop\"", "\"finish_reason\": \"length\""))));
        ResponseCreateParams ask = ResponseCreateParams.builder().model("primary").input("Hi").maxOutputTokens(46)
                .build();

        Response whole = client.responses().create(ask);
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(fixture("openai/chat-stream-text.sse").replace("\"finish_reason\":\"stop\"",
                        "\"finish_reason\":\"length\""))));
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ask)) {
            s.stream().forEach(events::add);
        }

        assertThat(whole.status()).hasValue(ResponseStatus.INCOMPLETE);
        assertThat(whole.incompleteDetails().flatMap(d -> d.reason()).orElseThrow().asString())
                .isEqualTo("max_output_tokens");
        assertThat(outputText(whole)).startsWith("The image shows a wooden boardwalk");
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isIncomplete()).isTrue();
        assertThat(last.asIncomplete().response().status()).hasValue(ResponseStatus.INCOMPLETE);
    }

    @Test
    void asksForJsonSchemaOutputThroughTextFormat() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(fixture("openai/chat-completion.json"))));
        ResponseFormatTextJsonSchemaConfig format = ResponseFormatTextJsonSchemaConfig.builder().name("weather")
                .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .strict(true).build();

        Response r = client.responses().create(ResponseCreateParams.builder().model("default").input("Where?")
                .text(ResponseTextConfig.builder().format(format).build()).build());

        assertThat(r.text().flatMap(t -> t.format()).orElseThrow().isJsonSchema()).isTrue();
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_schema")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.name", equalTo("weather")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.strict", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.schema",
                        equalToJson("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                                + "\"required\":[\"city\"]}"))));
    }

    @Test
    void errorsReachTheSdkAsItsExceptionTypes() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(fixture("openai/errors/400-invalid-request.json"))));
        BadRequestException rejected = catchThrowableOfType(BadRequestException.class, () -> client.responses()
                .create(ResponseCreateParams.builder().model("default").input("Hi").build()));
        assertThat(rejected.statusCode()).isEqualTo(400);

        BadRequestException stateful = catchThrowableOfType(BadRequestException.class, () -> client.responses()
                .create(ResponseCreateParams.builder().model("default").input("Hi").previousResponseId("resp_123")
                        .build()));
        assertThat(stateful.getMessage()).contains("previous_response_id").contains("does not store responses");

        BadRequestException builtIn = catchThrowableOfType(BadRequestException.class, () -> client.responses()
                .create(ResponseCreateParams.builder().model("default").input("Hi")
                        .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build()).build()));
        assertThat(builtIn.getMessage()).contains("tools[0].type").contains("built-in");

        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withBody(fixture("openai/errors/429-rate-limit-exceeded.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withBody(fixture("openai/errors/429-rate-limit-exceeded.json"))));
        RateLimitException limited = catchThrowableOfType(RateLimitException.class, () -> client.responses()
                .create(ResponseCreateParams.builder().model("default").input("Hi").build()));
        assertThat(limited.statusCode()).isEqualTo(429);
    }

    @Test
    void failsOverBetweenOpenAiUpstreams() throws Exception {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(fixture("openai/errors/500-server-error.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(fixture("openai/chat-completion.json"))));

        Response r = client.responses().create(ResponseCreateParams.builder().model("default").input("Hi").build());
        GatewayHarness.Reply raw = h.http("POST", "/v1/responses", "{\"model\":\"default\",\"input\":\"Hi\"}",
                "Authorization", "Bearer " + GatewayHarness.KEY);

        assertThat(outputText(r)).startsWith("The image shows a wooden boardwalk");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.header("x-switchboard-provider")).hasValue("backup");
        assertThat(raw.header("x-switchboard-attempts")).hasValue("3"); // primary, its retry, backup
    }

    @Test
    void failsOverFromAnOverloadedAnthropicUpstreamToAnOpenAiOneWhileStreaming() {
        h.upstream.stubFor(post(CLAUDE).willReturn(aResponse().withStatus(529)
                .withHeader("Content-Type", "application/json").withBody(fixture("anthropic/errors/529-overloaded.json"))));
        sseFrom(PRIMARY_CHAT, "openai/chat-stream-text.sse");
        ResponseAccumulator acc = ResponseAccumulator.create();

        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("mixed").input("What's the weather?").build())) {
            s.stream().forEach(acc::accumulate);
        }

        assertThat(outputText(acc.response())).startsWith("I'm unable to provide real-time updates");
        assertThat(modelOf(acc.response())).isEqualTo("gpt-4o-2024-08-06");
        h.upstream.verify(postRequestedFor(urlEqualTo(CLAUDE)));
    }

    @Test
    void aStreamThatBreaksMidwayOnAnthropicIsResumedByOpenAiInOneResponse() {
        sseFrom(CLAUDE, "anthropic/stream-overloaded-error.sse"); // "Hello", then overloaded_error
        sseFrom(PRIMARY_CHAT, "openai/chat-stream-text.sse");
        List<ResponseStreamEvent> events = new ArrayList<>();

        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("mixed").input("Say hello, then tell me the weather.").build())) {
            s.stream().forEach(events::add);
        }

        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        assertThat(events).noneSatisfy(e -> assertThat(e.isError() || e.isFailed()).isTrue());
        assertThat(events).filteredOn(ResponseStreamEvent::isOutputItemAdded).hasSize(1); // one message, not two
        String text = outputText(events.get(events.size() - 1).asCompleted().response());
        assertThat(text).startsWith("HelloI'm unable to provide real-time updates");
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.messages[-1:].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[-1:].content", equalTo("Hello"))));
    }

    @Test
    void anAnthropicAnswerComesBackAsAResponse() {
        h.upstream.stubFor(post(CLAUDE).willReturn(okJson(fixture("anthropic/message-final-answer.json"))));

        Response r = client.responses().create(ResponseCreateParams.builder().model("mixed")
                .instructions("Be brief.").input("Weather in San Francisco?").maxOutputTokens(200).build());

        assertThat(outputText(r)).isEqualTo("The weather in San Francisco, CA is currently **20°C** and **Sunny**."
                + " Nice weather!");
        assertThat(r.usage()).hasValueSatisfying(u -> assertThat(u.inputTokens()).isEqualTo(787));
        h.upstream.verify(postRequestedFor(urlEqualTo(CLAUDE))
                .withRequestBody(matchingJsonPath("$.system", equalTo("Be brief.")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("200"))));
    }
}
