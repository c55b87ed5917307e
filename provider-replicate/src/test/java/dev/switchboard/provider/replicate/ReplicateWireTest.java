package dev.switchboard.provider.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.CREATE;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.ID;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.KEY;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.NAME;
import static dev.switchboard.provider.replicate.ReplicateTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Content;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Replicate predictions: create with Prefer: wait, polling with a deadline, streams, refusals and errors. */
class ReplicateWireTest {

    @RegisterExtension
    static final WireMockExtension server = ReplicateTestSupport.wireMock();

    private static final String GET = "/v1/predictions/" + ID;
    private static final String CANCEL = "/v1/predictions/" + ID + "/cancel";

    private static HttpTransport transport;
    private ReplicateTestSupport.FakeTime time;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    @AfterEach
    void noConnectionIsLeftLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    private ReplicateProvider provider() {
        return provider(ReplicateTestSupport.settings(server).build());
    }

    private ReplicateProvider provider(ProviderSettings settings) {
        time = new ReplicateTestSupport.FakeTime();
        return ReplicateTestSupport.provider(settings, transport, time);
    }

    private static void createAnswers(String fixture) {
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(fixture(fixture, server))));
    }

    private static JsonNode createBody() {
        return Json.parse(server.findAll(postRequestedFor(urlPathEqualTo(CREATE))).get(0).getBodyAsString(), "create body");
    }

    // ------------------------------------------------------------------------------------------- chat

    @Test
    void chatWaitsForTheModelAndJoinsTheOutputPieces() {
        createAnswers("prediction-succeeded.json");

        ChatResponse response = provider().chat(ChatRequest.builder().system("Answer in verse.")
                .user("Write a short poem about the weather.").maxOutputTokens(512).temperature(0.6).topP(0.9).seed(3L)
                .stop(List.of("<|end|>", "\n\n\n")).providerParameter("top_k", 50).build());

        assertThat(response.text()).isEqualTo("The sun is shining bright,\nA gentle breeze.");
        assertThat(response.usage()).isEqualTo(Usage.of(17, 10));
        assertThat(response.id()).isEqualTo(ID);
        assertThat(response.model()).isEqualTo("meta/meta-llama-3-8b-instruct");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.provider()).isEqualTo(NAME);
        server.verify(postRequestedFor(urlPathEqualTo(CREATE)).withHeader("Prefer", equalTo("wait"))
                .withHeader("Authorization", equalTo("Bearer " + KEY)));
        JsonNode input = createBody().get("input");
        assertThat(input.get("prompt").asText()).isEqualTo("Write a short poem about the weather.");
        assertThat(input.get("system_prompt").asText()).isEqualTo("Answer in verse.");
        assertThat(input.get("max_tokens").asInt()).isEqualTo(512);
        assertThat(input.get("temperature").asDouble()).isEqualTo(0.6);
        assertThat(input.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(input.get("seed").asLong()).isEqualTo(3);
        assertThat(input.get("stop_sequences").asText()).isEqualTo("<|end|>,\n\n\n");
        assertThat(input.get("top_k").asInt()).isEqualTo(50);
        assertThat(createBody().has("stream")).isFalse();
    }

    @Test
    void aVersionedModelRunsThroughPredictionsWithItsVersion() {
        String version = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";
        server.stubFor(post(urlPathEqualTo("/v1/predictions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(fixture("prediction-succeeded.json", server))));

        provider().chat(ChatRequest.builder().model("replicate/hello-world:" + version).user("Alice").build());

        JsonNode body = Json.parse(server.findAll(postRequestedFor(urlPathEqualTo("/v1/predictions"))).get(0).getBodyAsString(), "b");
        assertThat(body.get("version").asText()).isEqualTo(version);
    }

    @Test
    void aPredictionStillRunningIsPolledUntilItSucceedsWithoutRealWaits() {
        createAnswers("prediction-starting.json");
        server.stubFor(get(urlPathEqualTo(GET)).inScenario("poll").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(fixture("prediction-processing.json", server))).willSetStateTo("done"));
        server.stubFor(get(urlPathEqualTo(GET)).inScenario("poll").whenScenarioStateIs("done")
                .willReturn(okJson(fixture("prediction-succeeded.json", server))));

        ChatResponse response = provider().chat(ChatRequest.of("Write a short poem about the weather."));

        assertThat(response.text()).isEqualTo("The sun is shining bright,\nA gentle breeze.");
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        server.verify(2, getRequestedFor(urlPathEqualTo(GET)));
        server.verify(0, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    @Test
    void aPredictionStillRunningAtTheTotalTimeoutIsCanceled() {
        createAnswers("prediction-starting.json");
        server.stubFor(get(urlPathEqualTo(GET)).willReturn(okJson(fixture("prediction-processing.json", server))));
        server.stubFor(post(urlPathEqualTo(CANCEL)).willReturn(okJson(fixture("prediction-canceled.json", server))));
        ReplicateProvider provider = provider(ReplicateTestSupport.settings(server)
                .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(2500)))
                .build());

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("A long story")));

        assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.getMessage()).contains(ID).contains("canceled");
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500));
        // Replicate's OpenAPI defines no request body for POST /predictions/{prediction_id}/cancel
        server.verify(1, postRequestedFor(urlPathEqualTo(CANCEL)).withoutHeader("Content-Type"));
        assertThat(server.findAll(postRequestedFor(urlPathEqualTo(CANCEL))).get(0).getBody()).isEmpty();
    }

    @Test
    void anAbortedPredictionEndsThePollingAtOnce() {
        // Replicate's OpenAPI: status "aborted" is terminal, "the prediction was terminated before it started running"
        createAnswers("prediction-starting.json");
        ObjectNode aborted = (ObjectNode) Json.parse(fixture("prediction-processing.json", server), "fixture");
        aborted.put("status", "aborted");
        server.stubFor(get(urlPathEqualTo(GET)).willReturn(okJson(aborted.toString())));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("A story")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.code()).hasValue("aborted");
        assertThat(e.getMessage()).contains(ID).contains("aborted");
        server.verify(1, getRequestedFor(urlPathEqualTo(GET)));
        server.verify(0, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    @Test
    void theWaitAndPollIntervalAreConfigurable() {
        createAnswers("prediction-starting.json");
        server.stubFor(get(urlPathEqualTo(GET)).willReturn(okJson(fixture("prediction-succeeded.json", server))));
        ReplicateProvider provider = provider(ReplicateTestSupport.settings(server).options((ConfigFactory.parseMap(
                Map.of("prefer-wait", "wait=5", "poll-interval", "250ms")).withFallback(ReplicateTestSupport.DEFAULTS)).root().unwrapped()).build());

        provider.chat(ChatRequest.of("Hi"));

        server.verify(postRequestedFor(urlPathEqualTo(CREATE)).withHeader("Prefer", equalTo("wait=5")));
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void aFailedPredictionFailsWithItsError() {
        createAnswers("prediction-failed.json");

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("A very long prompt")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.code()).hasValue("failed");
        assertThat(e.getMessage()).contains(ID).contains("prompt length (9000) exceeds maximum input length (8192)");
    }

    @Test
    void aCanceledPredictionFails() {
        createAnswers("prediction-canceled.json");

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.code()).hasValue("canceled");
    }

    @Test
    void aConversationBecomesATranscriptWithTheSystemTextApart() {
        createAnswers("prediction-succeeded.json");

        provider().chat(ChatRequest.builder().system("Be brief.").user("Hi!").addMessage(Message.assistant("Hello."))
                .user("Weather?").build());

        JsonNode input = createBody().get("input");
        assertThat(input.get("prompt").asText()).isEqualTo("User: Hi!\n\nAssistant: Hello.\n\nUser: Weather?\n\nAssistant:");
        assertThat(input.get("system_prompt").asText()).isEqualTo("Be brief.");
    }

    @Test
    void theLlama3FormatWritesChatTokensAndAnEmptyTemplate() {
        createAnswers("prediction-succeeded.json");
        ReplicateProvider provider = provider(ReplicateTestSupport.settings(server).options((ConfigFactory.parseMap(
                Map.of("prompt-format", "llama3")).withFallback(ReplicateTestSupport.DEFAULTS)).root().unwrapped()).build());

        provider.chat(ChatRequest.builder().system("Be brief.").user("Hi!").build());

        JsonNode input = createBody().get("input");
        assertThat(input.get("prompt").asText()).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Be brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(input.get("prompt_template").asText()).isEqualTo("{prompt}");
        assertThat(input.has("system_prompt")).isFalse();
    }

    static Stream<Arguments> unsupportedRequests() {
        ToolDefinition tool = ToolDefinition.of("get_time", "time", null);
        return Stream.of(
                Arguments.of("tools", ChatRequest.builder().user("Time?").addTool(tool).build()),
                Arguments.of("JSON output", ChatRequest.builder().user("JSON").responseFormat(ResponseFormat.JSON).build()),
                Arguments.of("JSON schema", ChatRequest.builder().user("JSON")
                        .responseFormat(ResponseFormat.jsonSchema("x", "{\"type\":\"object\"}")).build()),
                Arguments.of("images", ChatRequest.builder().addMessage(Message.user(Content.imageUrl("https://example.com/a.png"))).build()),
                Arguments.of("tool history", ChatRequest.builder().user("Time?")
                        .addMessage(Message.assistant(null, List.of(new ToolCall("call_1", "get_time", "{}"))))
                        .addMessage(Message.toolResult("call_1", "get_time", "12:00")).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupportedRequests")
    void whatAPromptModelCannotTakeIsRefusedBeforeSending(String what, ChatRequest request) {
        LlmException chat = catchThrowableOfType(LlmException.class, () -> provider().chat(request));
        LlmException stream = catchThrowableOfType(LlmException.class, () -> provider().stream(request));

        assertThat(chat.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(stream.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aStopSequenceWithACommaIsRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().chat(ChatRequest.builder().user("Hi").stop(List.of("a,b")).build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aModelThatIsNoReplicateReferenceIsRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().chat(ChatRequest.builder().model("gpt-4o").user("Hi").build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource({"401, 401-unauthenticated.json, AUTHENTICATION", "402, 402-insufficient-credit.json, QUOTA",
            "404, 404-not-found.json, MODEL_NOT_FOUND", "422, 422-input-validation.json, INVALID_REQUEST",
            "429, 429-throttled.json, RATE_LIMIT", "500, 500-internal.json, SERVER"})
    void aDocumentedErrorBecomesItsKind(int status, String file, ErrorKind kind) {
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/problem+json").withBody(fixture("errors/" + file, server))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).hasValue(status);
        assertThat(e.getMessage()).startsWith(NAME + ": HTTP " + status).doesNotContain("\n");
        if (status == 429) {
            assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(1));
        }
    }

    // ------------------------------------------------------------------------------------------- streams

    private static void streamWith(String events) {
        createAnswers("prediction-starting.json");
        server.stubFor(get(urlPathEqualTo("/v1/files/bcwr-3okdfv3o2wehstv5f2okyftwxy57hhypqsi6osiim5iaq5k7u24a"))
                .willReturn(Sse.ok(events)));
        server.stubFor(get(urlPathEqualTo(GET)).willReturn(okJson(fixture("prediction-succeeded.json", server))));
        server.stubFor(post(urlPathEqualTo(CANCEL)).willReturn(okJson(fixture("prediction-canceled.json", server))));
    }

    @Test
    void theDocumentedStreamYieldsItsOutputThenTheUsageOfTheFinishedPrediction() {
        streamWith(fixture("stream-done.sse", server));

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(ChatRequest.of("Tell me a story"))) {
            stream.forEachRemaining(events::add);
        }

        assertThat(events).containsExactly(
                new ChatEvent.Started(ID, "meta/meta-llama-3-8b-instruct"),
                new ChatEvent.TextDelta("Once upon a time..."), new ChatEvent.TextDelta("The End."),
                new ChatEvent.UsageReport(Usage.of(17, 10)),
                new ChatEvent.Finished(FinishReason.STOP, "succeeded"));
        // "stream" is deprecated in Replicate's OpenAPI: urls.stream is always there for a model that can stream
        assertThat(createBody().has("stream")).isFalse();
        server.verify(postRequestedFor(urlPathEqualTo(CREATE)).withoutHeader("Prefer"));
        server.verify(getRequestedFor(urlPathEqualTo("/v1/files/bcwr-3okdfv3o2wehstv5f2okyftwxy57hhypqsi6osiim5iaq5k7u24a"))
                .withHeader("Accept", equalTo("text/event-stream")));
        server.verify(0, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    @Test
    void outputDataOnSeveralLinesIsOnePieceAndA408CommentThenCloseIsInterrupted() {
        streamWith(fixture("stream-timeout-comment.sse", server));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("Two lines"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta("First line\nsecond line"));
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        server.verify(1, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    @Test
    void aCanceledPredictionsStreamFailsAsInterrupted() {
        streamWith(fixture("stream-canceled.sse", server));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Story")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains("canceled");
        server.verify(0, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    @Test
    void anErrorEventFailsTheStreamWithItsDetail() {
        streamWith(fixture("stream-error.sse", server));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Story")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains("Something went wrong");
    }

    @Test
    void closingAStreamEarlyCancelsThePrediction() {
        streamWith(fixture("stream-done.sse", server));

        try (ChatStream stream = provider().stream(ChatRequest.of("Story"))) {
            stream.next();
            stream.next();
        }

        server.verify(1, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    @Test
    void aModelWithoutAStreamUrlIsUnsupportedAndItsPredictionCanceled() {
        String noStream = fixture("prediction-starting.json", server).replaceAll("\"stream\": \"[^\"]*\"", "\"web\": \"x\"");
        server.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(noStream)));
        server.stubFor(post(urlPathEqualTo(CANCEL)).willReturn(okJson(fixture("prediction-canceled.json", server))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Story")));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        server.verify(1, postRequestedFor(urlPathEqualTo(CANCEL)));
    }

    // ------------------------------------------------------------------------------------------- models

    @Test
    void theModelListIsTheConfiguredCollection() {
        server.stubFor(get(urlPathEqualTo("/v1/collections/language-models"))
                .willReturn(okJson(fixture("collection-language-models.json", server))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id)
                .containsExactly("meta/meta-llama-3-70b-instruct", "mistralai/mixtral-8x7b-instruct-v0.1");
        assertThat(models).extracting(m -> m.ownedBy().orElse("")).containsExactly("meta", "mistralai");
    }

    @Test
    void aModelIsAvailableWhenItsPageExists() {
        server.stubFor(get(urlPathEqualTo("/v1/models/meta/meta-llama-3-8b-instruct"))
                .willReturn(okJson("{\"owner\":\"meta\",\"name\":\"meta-llama-3-8b-instruct\"}")));
        server.stubFor(get(urlPathEqualTo("/v1/models/meta/no-such-model"))
                .willReturn(notFound().withHeader("Content-Type", "application/json").withBody(fixture("errors/404-not-found.json", server))));

        assertThat(provider().isModelAvailable("meta/meta-llama-3-8b-instruct")).isTrue();
        assertThat(provider().isModelAvailable("meta/no-such-model")).isFalse();
        assertThat(provider().isModelAvailable("not a reference")).isFalse();
    }

    @Test
    void embeddingsAreUnsupported() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().embed(dev.switchboard.api.EmbeddingRequest.of("text")));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
