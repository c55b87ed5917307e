package dev.switchboard.provider.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.cohere.CohereTestSupport.CHAT;
import static dev.switchboard.provider.cohere.CohereTestSupport.KEY;
import static dev.switchboard.provider.cohere.CohereTestSupport.fixture;
import static dev.switchboard.provider.cohere.CohereTestSupport.onlyRequestBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Content;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Sse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cohere's v2 chat (plain and streamed), embed and model listing: request bodies and documented responses. */
class CohereWireTest {

    @RegisterExtension
    static final WireMockExtension server = CohereTestSupport.wireMock();

    private static final ToolDefinition GET_WEATHER = ToolDefinition.of("get_weather", "gets the weather of a given location",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"description\":\"the location to get weather\"}},"
                    + "\"required\":[\"location\"]}");
    private static final ToolDefinition GET_TIME = ToolDefinition.of("get_time", "current time", null);

    private static HttpTransport transport;

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

    private static LlmProvider provider() {
        return CohereTestSupport.provider(server, transport);
    }

    private static void answerWith(String body) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(body)));
    }

    // ------------------------------------------------------------------------------------------- requests

    @Test
    void theRequestCarriesTheMessagesOptionsAndBearerKey() {
        answerWith(fixture("chat-response.json"));

        provider().chat(ChatRequest.builder().system("Answer briefly.").user("What is an LLM?").temperature(0.3).topP(0.75)
                .maxOutputTokens(300).stop(List.of("\n\n")).seed(7L).providerParameter("k", 40).build());

        JsonNode body = onlyRequestBody(server);
        assertThat(body.get("model").asText()).isEqualTo("command-a-03-2025");
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("What is an LLM?");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.get("p").asDouble()).isEqualTo(0.75);
        assertThat(body.get("k").asInt()).isEqualTo(40);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.get("stop_sequences").get(0).asText()).isEqualTo("\n\n");
        assertThat(body.get("seed").asLong()).isEqualTo(7);
        assertThat(body.get("stream").asBoolean()).isFalse();
        server.verify(postRequestedFor(urlPathEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void toolsGoAsFunctionsAndAToolRoundTripSendsTheCallsAndTheResult() {
        // given: the documented tool call
        answerWith(fixture("chat-tool-calls.json"));
        ChatRequest ask = ChatRequest.builder().user("What's the weather in Toronto?").addTool(GET_WEATHER).build();
        ChatResponse callTurn = provider().chat(ask);
        assertThat(onlyRequestBody(server).at("/tools/0/type").asText()).isEqualTo("function");
        assertThat(onlyRequestBody(server).at("/tools/0/function/parameters"))
                .isEqualTo(Json.parse(GET_WEATHER.parametersSchema(), "schema"));
        server.resetAll();
        answerWith(fixture("chat-after-tool-result.json"));

        // when
        ChatResponse answer = provider().chat(ask.toBuilder().addMessage(callTurn.message())
                .addMessage(Message.toolResult("get_weather_1byjy32y4hvq", "get_weather", "{\"temperature\":{\"toronto\":\"24°C\"}}"))
                .build());

        // then
        assertThat(callTurn.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(callTurn.toolCalls()).containsExactly(
                new ToolCall("get_weather_1byjy32y4hvq", "get_weather", "{\"location\":\"Toronto\"}"));
        assertThat(callTurn.reasoning()).isEqualTo("I will search for the weather in Toronto.");
        JsonNode messages = onlyRequestBody(server).get("messages");
        assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
        assertThat(messages.at("/1/content").isMissingNode()).isTrue();
        assertThat(messages.at("/1/tool_calls/0/id").asText()).isEqualTo("get_weather_1byjy32y4hvq");
        assertThat(messages.at("/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"location\":\"Toronto\"}");
        assertThat(messages.at("/2/role").asText()).isEqualTo("tool");
        assertThat(messages.at("/2/tool_call_id").asText()).isEqualTo("get_weather_1byjy32y4hvq");
        assertThat(messages.at("/2/content").asText()).contains("24°C");
        assertThat(answer.text()).isEqualTo("It's 24°C in Toronto.");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"required, REQUIRED, 2", "none, NONE, 2", "auto, , 2", "get_time, REQUIRED, 1"})
    void theToolChoiceMapsToCohereChoices(String choice, String expected, int toolsSent) {
        answerWith(fixture("chat-response.json"));
        ToolChoice toolChoice = switch (choice) {
            case "required" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "auto" -> ToolChoice.AUTO;
            default -> ToolChoice.function(choice);
        };

        provider().chat(ChatRequest.builder().user("Hi").tools(List.of(GET_WEATHER, GET_TIME)).toolChoice(toolChoice).build());

        JsonNode body = onlyRequestBody(server);
        if (expected == null) {
            assertThat(body.has("tool_choice")).isFalse();
        } else {
            assertThat(body.get("tool_choice").asText()).isEqualTo(expected);
        }
        assertThat(body.get("tools")).hasSize(toolsSent);
    }

    @Test
    void jsonOutputAsksForAJsonObjectWithTheSchema() {
        answerWith(fixture("chat-response.json"));
        String schema = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}},\"required\":[\"title\"]}";

        provider().chat(ChatRequest.builder().user("A book").responseFormat(ResponseFormat.jsonSchema("book", schema)).build());

        JsonNode format = onlyRequestBody(server).get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_object");
        assertThat(format.get("json_schema")).isEqualTo(Json.parse(schema, "schema"));
    }

    @Test
    void imagesGoAsImageUrlParts() {
        answerWith(fixture("chat-response.json"));

        provider().chat(ChatRequest.builder().addMessage(Message.user(Content.text("Describe"),
                Content.imageBase64("image/png", "iVBORw0KGgo="))).build());

        JsonNode content = onlyRequestBody(server).at("/messages/0/content");
        assertThat(content.at("/0/type").asText()).isEqualTo("text");
        assertThat(content.at("/1/type").asText()).isEqualTo("image_url");
        assertThat(content.at("/1/image_url/url").asText()).isEqualTo("data:image/png;base64,iVBORw0KGgo=");
    }

    @Test
    void aReservedProviderParameterIsRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().chat(ChatRequest.builder().user("Hi").providerParameter("stream", true).build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    // ------------------------------------------------------------------------------------------- responses

    @Test
    void theDocumentedAnswerGivesTextIdAndTheProcessedTokens() {
        answerWith(fixture("chat-response.json"));

        ChatResponse response = provider().chat(ChatRequest.of("What is an LLM?"));

        assertThat(response.text()).startsWith("LLMs stand for Large Language Models");
        assertThat(response.id()).isEqualTo("c14c80c3-18eb-4519-9460-6c92edd8cfb4");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("COMPLETE");
        assertThat(response.usage()).isEqualTo(Usage.of(71, 418));
        assertThat(response.model()).isEqualTo("command-a-03-2025");
    }

    @Test
    void aLowerCaseFinishReasonAndBilledUnitsOnlyAreRead() {
        answerWith(fixture("chat-lowercase-finish.json"));

        ChatResponse response = provider().chat(ChatRequest.of("What is an LLM?"));

        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.rawFinishReason()).isEqualTo("max_tokens");
        assertThat(response.usage()).isEqualTo(Usage.of(5, 10));
    }

    @Test
    void cachedTokensAreTheCachedPartOfTheInput() {
        // Cohere OpenAPI (v2 chat, Usage): cached_tokens = "the number of prompt tokens that hit the inference cache"
        answerWith("""
                {"id": "c1", "finish_reason": "COMPLETE", "message": {"role": "assistant", "content": [{"type": "text", "text": "Hi"}]},
                 "usage": {"billed_units": {"input_tokens": 20, "output_tokens": 3},
                           "tokens": {"input_tokens": 1200, "output_tokens": 3}, "cached_tokens": 1024}}""");

        ChatResponse response = provider().chat(ChatRequest.of("Hello"));

        assertThat(response.usage()).isEqualTo(Usage.builder().inputTokens(1200).outputTokens(3).cachedInputTokens(1024).build());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"COMPLETE, STOP", "complete, STOP", "STOP_SEQUENCE, STOP", "stop_sequence, STOP", "MAX_TOKENS, LENGTH",
            "TOOL_CALL, TOOL_CALLS", "tool_call, TOOL_CALLS", "ERROR, ERROR", "error_limit, ERROR", "TIMEOUT, ERROR",
            "content_blocked, CONTENT_FILTER", "SOMETHING_NEW, OTHER"})
    void finishReasonsAreReadInEitherCase(String raw, FinishReason expected) {
        assertThat(CohereWire.finishReason(raw, false)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------------------------------- streams

    @Test
    void theDocumentedTextStreamYieldsItsDeltasUsageAndFinish() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("stream-text.sse"))));

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(ChatRequest.of("What is an LLM?"))) {
            stream.forEachRemaining(events::add);
        }

        assertThat(events).containsExactly(
                new ChatEvent.Started("586ac33f-9c64-452c-8f8d-e5890e73b6fb", null),
                new ChatEvent.TextDelta("A"), new ChatEvent.TextDelta(" large"),
                new ChatEvent.TextDelta(" language"), new ChatEvent.TextDelta(" model"),
                new ChatEvent.UsageReport(Usage.of(71, 4)),
                new ChatEvent.Finished(FinishReason.STOP, "COMPLETE"));
        assertThat(onlyRequestBody(server).get("stream").asBoolean()).isTrue();
    }

    @Test
    void theDocumentedToolCallStreamAssemblesTheCallAndThePlan() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("stream-tool-calls.sse"))));

        ChatResponse response = provider().stream(ChatRequest.builder().user("Weather in Toronto?").addTool(GET_WEATHER).build())
                .collect();

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).hasSize(1);
        assertThat(response.toolCalls().get(0).id()).isEqualTo("get_weather_nsz5zm3w56q3");
        assertThat(response.toolCalls().get(0).argumentsAsMap().get("location")).isEqualTo("Toronto");
        assertThat(response.reasoning()).isEqualTo("I will use the get_weather tool.");
        assertThat(response.usage()).isEqualTo(Usage.of(1095, 59));
    }

    @Test
    void aStreamThatEndsBeforeMessageEndIsInterrupted() {
        String full = fixture("stream-text.sse");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(full.substring(0, full.indexOf("event: content-end")))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hi")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }

    @Test
    void eventsAreReadByTheTypeInTheirDataWhenTheEventLineIsMissing() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(Sse.data(
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hi\"}}}}",
                "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"complete\"}}"))));

        ChatResponse response = provider().stream(ChatRequest.of("Hi")).collect();

        assertThat(response.text()).isEqualTo("Hi");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    // ------------------------------------------------------------------------------------------- embed, models

    @Test
    void embeddingsAskForFloatsWithTheConfiguredInputType() {
        server.stubFor(post(urlPathEqualTo("/v2/embed")).willReturn(okJson(fixture("embed-response.json"))));

        EmbeddingResponse response = provider().embed(new EmbeddingRequest(null, List.of("hello", "goodbye"), 1024));

        JsonNode body = onlyRequestBody(server);
        assertThat(body.get("model").asText()).isEqualTo("embed-v4.0");
        assertThat(body.get("texts")).hasSize(2);
        assertThat(body.get("input_type").asText()).isEqualTo("search_document");
        assertThat(body.get("embedding_types").get(0).asText()).isEqualTo("float");
        assertThat(body.get("output_dimension").asInt()).isEqualTo(1024);
        assertThat(response.vector(0)).containsExactly(0.016296387f, -0.008354187f, -0.04699707f, -0.07104492f);
        assertThat(response.usage()).isEqualTo(Usage.of(2, 0));
    }

    @Test
    void theModelListFollowsEveryPageUnderV1() {
        server.stubFor(get(urlPathEqualTo("/v1/models")).withQueryParam("page_token", absent())
                .willReturn(okJson(fixture("models-page-1.json"))));
        server.stubFor(get(urlPathEqualTo("/v1/models")).withQueryParam("page_token", equalTo("eyJvZmZzZXQiOjF9"))
                .willReturn(okJson(fixture("models-page-2.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("command-a-03-2025", "embed-v4.0");
        assertThat(models).extracting(m -> m.kind().orElse("")).containsExactly("chat", "embedding");
        assertThat(models.get(0).contextLength()).hasValue(256000);
    }
}
