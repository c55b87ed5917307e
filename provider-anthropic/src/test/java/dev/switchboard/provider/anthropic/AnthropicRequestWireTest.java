package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.KEY;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.MESSAGES;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Messages API request bodies we send, checked against the documented and recorded ones. */
class AnthropicRequestWireTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

    static final String WEATHER_SCHEMA = "{\"additionalProperties\":false,\"properties\":{"
            + "\"location\":{\"description\":\"The city and state, e.g. San Francisco, CA\",\"title\":\"Location\",\"type\":\"string\"},"
            + "\"units\":{\"description\":\"Unit for the output, either 'c' for celsius or 'f' for fahrenheit\",\"enum\":[\"c\",\"f\"],"
            + "\"title\":\"Units\",\"type\":\"string\"}},\"required\":[\"location\",\"units\"],\"type\":\"object\"}";
    static final ToolDefinition WEATHER = ToolDefinition.of("get_weather",
            "Lookup the weather for a given city in either celsius or fahrenheit", WEATHER_SCHEMA);

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    private static LlmProvider provider() {
        return AnthropicTestSupport.provider(server, transport);
    }

    /** Answers any message request with the documented final answer and returns the body we sent. */
    private static JsonNode sent(ChatRequest request) {
        return sent(provider(), request);
    }

    private static JsonNode sent(LlmProvider provider, ChatRequest request) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture("message-final-answer.json"))));
        provider.chat(request);
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    @Test
    void aConversationWithAToolCallAndItsResultIsSentAsTheRecordedRequest() {
        ChatRequest request = ChatRequest.builder()
                .model("claude-haiku-4-5")
                .maxOutputTokens(1024)
                .user("What's the weather in SF in Celsius?")
                .addMessage(Message.assistant(null, List.of(new ToolCall("toolu_01GHndag5wQmbzNihYmV2UBj", "get_weather",
                        "{\"location\":\"San Francisco, CA\",\"units\":\"c\"}"))))
                .addMessage(Message.toolResult("toolu_01GHndag5wQmbzNihYmV2UBj", "get_weather",
                        "The weather in San Francisco, CA is currently sunny with a temperature of 20\u00b0C."))
                .addTool(WEATHER)
                .build();
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture("message-final-answer.json"))));

        ChatResponse response = provider().chat(request);

        server.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("x-api-key", equalTo(KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson(fixture("request-tool-result-turn.json"))));
        assertThat(response.text()).isEqualTo("The weather in San Francisco, CA is currently **20\u00b0C** and **Sunny**. Nice weather!");
    }

    @Test
    void systemMessagesGoToTheTopLevelSystemAndSameSideMessagesMergeIntoOneTurn() {
        ChatRequest request = ChatRequest.builder()
                .system("You are terse.")
                .user("First question.")
                .user("Second question.")
                .addMessage(Message.system("Answer in French."))
                .addMessage(Message.assistant("Premier."))
                .addMessage(Message.assistant("Second."))
                .user("Thanks.")
                .build();

        JsonNode body = sent(request);

        assertThat(body.path("system").asText()).isEqualTo("You are terse.\n\nAnswer in French.");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).path("content")).hasSize(2);
        assertThat(messages.get(0).path("content").get(1).path("text").asText()).isEqualTo("Second question.");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").get(0).path("text").asText()).isEqualTo("Premier.");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Thanks.");
        for (JsonNode m : messages) {
            assertThat(m.path("role").asText()).isNotEqualTo("system");
        }
    }

    @Test
    void parallelToolResultsAndFollowingTextShareOneUserTurnWithTheResultsFirst() {
        ChatRequest request = ChatRequest.builder()
                .user("Weather and time in Paris?")
                .addMessage(Message.assistant("Checking both.", List.of(
                        new ToolCall("toolu_a", "get_weather", "{\"location\":\"Paris\"}"),
                        new ToolCall("toolu_b", "get_time", "{\"zone\":\"Europe/Paris\"}"))))
                .addMessage(Message.toolResult("toolu_a", "get_weather", "18 C, cloudy"))
                .addMessage(Message.toolResult("toolu_b", "get_time", "14:05"))
                .user("Keep it short.")
                .addTool(WEATHER)
                .addTool(ToolDefinition.of("get_time", "Time in a zone", null))
                .build();

        JsonNode messages = sent(request).path("messages");

        assertThat(messages).hasSize(3);
        JsonNode assistant = messages.get(1).path("content");
        assertThat(assistant.get(0).path("type").asText()).isEqualTo("text");
        assertThat(assistant.get(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(assistant.get(1).path("input")).isEqualTo(Json.parse("{\"location\":\"Paris\"}", "input"));
        assertThat(assistant.get(2).path("id").asText()).isEqualTo("toolu_b");
        JsonNode user = messages.get(2).path("content");
        assertThat(user).extracting(b -> b.path("type").asText()).containsExactly("tool_result", "tool_result", "text");
        assertThat(user.get(0).path("tool_use_id").asText()).isEqualTo("toolu_a");
        assertThat(user.get(0).path("content").asText()).isEqualTo("18 C, cloudy");
        assertThat(user.get(1).path("tool_use_id").asText()).isEqualTo("toolu_b");
        assertThat(user.get(2).path("text").asText()).isEqualTo("Keep it short.");
    }

    @Test
    void toolCallIdsMadeByOtherProvidersAreMadeValidForBothTheCallAndItsResult() {
        ChatRequest request = ChatRequest.builder()
                .user("Weather?")
                .addMessage(Message.assistant(null, List.of(new ToolCall("call.7:x", "get_weather", "{\"location\":\"Oslo\"}"))))
                .addMessage(Message.toolResult("call.7:x", "get_weather", "-3 C"))
                .addTool(WEATHER)
                .build();

        JsonNode messages = sent(request).path("messages");

        assertThat(messages.get(1).path("content").get(0).path("id").asText()).isEqualTo("call_7_x");
        assertThat(messages.get(2).path("content").get(0).path("tool_use_id").asText()).isEqualTo("call_7_x");
    }

    @Test
    void maxTokensIsAlwaysSentFromTheRequestOrTheConfiguredDefault() {
        JsonNode withDefault = sent(ChatRequest.of("Hi"));
        JsonNode fromRequest = sent(ChatRequest.builder().user("Hi").maxOutputTokens(77).build());
        LlmProvider configured = AnthropicTestSupport.provider(AnthropicTestSupport.settings(AnthropicTestSupport.baseUrl(server))
                .options((ConfigFactory.parseMap(Map.of("max-tokens", 512)).withFallback(AnthropicTestSupport.DEFAULTS)).root().unwrapped()).build(), transport);
        JsonNode fromConfig = sent(configured, ChatRequest.of("Hi"));

        assertThat(withDefault.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(fromRequest.path("max_tokens").asInt()).isEqualTo(77);
        assertThat(fromConfig.path("max_tokens").asInt()).isEqualTo(512);
    }

    @Test
    void aMaxTokensBelowOneInConfigIsRefusedNamingTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () ->
                AnthropicTestSupport.provider(AnthropicTestSupport.settings(AnthropicTestSupport.baseUrl(server))
                        .options(Map.of("max-tokens", 0)).build(), transport));

        assertThat(e).hasMessage("switchboard.providers.anthropic-test.max-tokens must be at least 1, was 0");
    }

    @Test
    void samplingOptionsAndStopSequencesAreSentAndTheSeedIsNot() {
        JsonNode body = sent(ChatRequest.builder().user("Hi").temperature(0.3).topP(0.9).stop(List.of("END", "STOP")).seed(42L).build());

        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("stop_sequences")).extracting(JsonNode::asText).containsExactly("END", "STOP");
        assertThat(body.has("seed")).isFalse();
        assertThat(body.has("stream")).isFalse();
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of(ToolChoice.AUTO, "{\"type\":\"auto\"}"),
                Arguments.of(ToolChoice.REQUIRED, "{\"type\":\"any\"}"),
                Arguments.of(ToolChoice.NONE, "{\"type\":\"none\"}"),
                Arguments.of(ToolChoice.function("get_weather"), "{\"type\":\"tool\",\"name\":\"get_weather\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("toolChoices")
    void toolChoiceIsWrittenInTheApisTerms(ToolChoice choice, String expected) {
        JsonNode body = sent(ChatRequest.builder().user("Weather in Paris?").addTool(WEATHER).toolChoice(choice).build());

        assertThat(body.path("tool_choice")).isEqualTo(Json.parse(expected, "expected"));
        assertThat(body.path("tools").get(0).path("input_schema")).isEqualTo(Json.parse(WEATHER_SCHEMA, "schema"));
    }

    @Test
    void aStrictToolIsMarkedStrict() {
        JsonNode body = sent(ChatRequest.builder().user("Weather?")
                .addTool(new ToolDefinition("get_weather", "", WEATHER_SCHEMA, true)).build());

        assertThat(body.path("tools").get(0).path("strict").asBoolean()).isTrue();
        assertThat(body.path("tools").get(0).has("description")).isFalse();
    }

    @Test
    void imagesBecomeImageBlocksWithABase64OrAUrlSource() {
        ChatRequest request = ChatRequest.builder()
                .addMessage(Message.user(Content.text("Compare these."),
                        Content.imageBase64("image/png", "iVBORw0KGgo="),
                        Content.imageUrl("data:image/jpeg;name=cat.jpg;base64,/9j/4AAQ"),
                        Content.imageUrl("https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg")))
                .build();

        JsonNode content = sent(request).path("messages").get(0).path("content");

        assertThat(content).hasSize(4);
        assertThat(content.get(1)).isEqualTo(Json.parse(
                "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}", "block"));
        assertThat(content.get(2).path("source").path("media_type").asText()).isEqualTo("image/jpeg");
        assertThat(content.get(2).path("source").path("data").asText()).isEqualTo("/9j/4AAQ");
        assertThat(content.get(3)).isEqualTo(Json.parse("{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":"
                + "\"https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg\"}}", "block"));
    }

    @Test
    void aToolResultWithAnImageCarriesItsBlocks() {
        Message result = new Message(Role.TOOL, List.of(Content.text("The chart:"), Content.imageBase64("image/webp", "UklGRg==")),
                List.of(), "toolu_chart", "render_chart");
        ChatRequest request = ChatRequest.builder()
                .user("Draw it.")
                .addMessage(Message.assistant(null, List.of(new ToolCall("toolu_chart", "render_chart", "{}"))))
                .addMessage(result)
                .build();

        JsonNode toolResult = sent(request).path("messages").get(2).path("content").get(0);

        assertThat(toolResult.path("tool_use_id").asText()).isEqualTo("toolu_chart");
        assertThat(toolResult.path("content")).extracting(b -> b.path("type").asText()).containsExactly("text", "image");
        assertThat(toolResult.path("content").get(1).path("source").path("media_type").asText()).isEqualTo("image/webp");
    }

    @Test
    void aJsonSchemaBecomesTheRecordedOutputConfigFormat() {
        String schema = Json.parse(fixture("request-structured-output.json"), "fixture")
                .path("output_config").path("format").path("schema").toString();
        ChatRequest request = ChatRequest.builder()
                .model("claude-sonnet-4-5")
                .maxOutputTokens(1024)
                .user("Extract order: 2 Green Tea at $5.50 and 1 Coffee at $3.00. Total $14.")
                .responseFormat(ResponseFormat.jsonSchema("OrderDetails", schema))
                .build();
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture("message-structured-output.json"))));

        ChatResponse response = provider().chat(request);

        server.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson(fixture("request-structured-output.json"))));
        assertThat(Json.parse(response.text(), "answer").path("total").asDouble()).isEqualTo(14.0);
    }

    @Test
    void providerParametersPassThroughAndReplaceTheFieldsWeWrite() {
        JsonNode body = sent(ChatRequest.builder().user("Hi").maxOutputTokens(100)
                .providerParameter("top_k", 5)
                .providerParameter("max_tokens", 2000)
                .providerParameter("metadata", Map.of("user_id", "u-1")).build());

        assertThat(body.path("top_k").asInt()).isEqualTo(5);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(2000);
        assertThat(body.path("metadata").path("user_id").asText()).isEqualTo("u-1");
        assertThat(body.toString()).containsOnlyOnce("\"max_tokens\"");
    }

    static Stream<Arguments> refusedBeforeSending() {
        return Stream.of(
                Arguments.of("JSON without a schema", ChatRequest.builder().user("Hi").responseFormat(ResponseFormat.JSON).build(),
                        ErrorKind.UNSUPPORTED, "JSON output without a schema"),
                Arguments.of("temperature above 1", ChatRequest.builder().user("Hi").temperature(1.5).build(),
                        ErrorKind.UNSUPPORTED, "temperature 1.5"),
                Arguments.of("an image from the assistant", ChatRequest.builder().user("Hi")
                                .addMessage(new Message(Role.ASSISTANT, List.of(Content.imageUrl("https://example.com/a.png")), List.of(), null, null))
                                .build(),
                        ErrorKind.UNSUPPORTED, "an image in a assistant message"),
                Arguments.of("an image type the API does not take", ChatRequest.builder()
                                .addMessage(Message.user(Content.imageBase64("image/bmp", "Qk0="))).build(),
                        ErrorKind.UNSUPPORTED, "image type image/bmp"),
                Arguments.of("a provider parameter naming the messages",
                        ChatRequest.builder().user("Hi").providerParameter("messages", List.of()).build(),
                        ErrorKind.INVALID_REQUEST, "provider parameter 'messages'"),
                Arguments.of("tool arguments that are not an object", ChatRequest.builder().user("Hi")
                                .addMessage(Message.assistant(null, List.of(new ToolCall("toolu_1", "f", "[1, 2]"))))
                                .addMessage(Message.toolResult("toolu_1", "f", "ok")).build(),
                        ErrorKind.INVALID_REQUEST, "arguments of tool call f must be a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBeforeSending")
    void whatTheApiCannotTakeIsRefusedBeforeAnythingIsSent(String what, ChatRequest request, ErrorKind kind, String message) {
        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(request));

        assertThat(e).as(what).isNotNull();
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains(message);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutAKeyNothingIsSentAndTheErrorNamesTheVariable() {
        LlmProvider noKey = AnthropicTestSupport.provider(AnthropicTestSupport.settings(AnthropicTestSupport.baseUrl(server))
                .apiKey(null).build(), transport);

        LlmException e = catchThrowableOfType(LlmException.class, () -> noKey.chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("ANTHROPIC_API_KEY").contains("switchboard.providers.anthropic-test.api-key");
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
