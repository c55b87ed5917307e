package dev.switchboard.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.openai.OpenAiTestSupport.KEY;
import static dev.switchboard.provider.openai.OpenAiTestSupport.MODEL;
import static dev.switchboard.provider.openai.OpenAiTestSupport.NAME;
import static dev.switchboard.provider.openai.OpenAiTestSupport.fixture;
import static dev.switchboard.provider.openai.OpenAiTestSupport.fixtureTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenAI's Chat Completions, Embeddings and Models wire format: the request bodies we send checked against the API
 * reference, and the documented response bodies read back.
 */
class OpenAiWireTest {

    @RegisterExtension
    static final WireMockExtension server = OpenAiTestSupport.wireMock();

    private static final String CHAT = "/v1/chat/completions";
    private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"location\":{\"type\":\"string\",\"description\":\"The city and state, e.g. San Francisco, CA\"},"
            + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\"]}";
    private static final ToolDefinition WEATHER =
            ToolDefinition.of("get_current_weather", "Get the current weather in a given location", WEATHER_SCHEMA);

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
        return OpenAiTestSupport.provider(server, transport);
    }

    private static void answerWith(String body) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(body)));
    }

    // ------------------------------------------------------------------------------------------- responses

    @Test
    void readsTheDocumentedChatCompletion() {
        answerWith(fixture("chat-completion.json"));

        ChatResponse response = provider().chat(ChatRequest.of("What is in this image?"));

        assertThat(response.id()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(response.provider()).isEqualTo(NAME);
        assertThat(response.text()).startsWith("The image shows a wooden boardwalk").endsWith("visible in the background.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("stop");
        assertThat(response.usage()).isEqualTo(Usage.builder().inputTokens(1117).outputTokens(46).build());
        assertThat(response.toolCalls()).isEmpty();
    }

    @Test
    void usageCountsCachedPromptTokensAndReasoningTokens() {
        ObjectNode body = fixtureTree("chat-completion.json");
        ((ObjectNode) body.path("usage").path("prompt_tokens_details")).put("cached_tokens", 1024);
        ((ObjectNode) body.path("usage").path("completion_tokens_details")).put("reasoning_tokens", 30);
        answerWith(body.toString());

        ChatResponse response = provider().chat(ChatRequest.of("Hello!"));

        assertThat(response.usage()).isEqualTo(Usage.builder()
                .inputTokens(1117)
                .outputTokens(46)
                .cachedInputTokens(1024)
                .reasoningTokens(30)
                .build());
    }

    @Test
    void usageCountsPromptTokensWrittenToTheCache() {
        // OpenAI OpenAPI, CompletionUsage.prompt_tokens_details: cache_write_tokens beside cached_tokens
        ObjectNode body = fixtureTree("chat-completion.json");
        ((ObjectNode) body.path("usage").path("prompt_tokens_details")).put("cache_write_tokens", 1000);
        answerWith(body.toString());

        ChatResponse response = provider().chat(ChatRequest.of("Hello!"));

        assertThat(response.usage().cacheWriteInputTokens()).isEqualTo(1000);
        assertThat(response.usage().inputTokens()).isEqualTo(1117);
    }

    @Test
    void readsTheDocumentedToolCallsWithTheirArgumentsVerbatim() {
        answerWith(fixture("chat-completion-tool-calls.json"));

        ChatResponse response = provider().chat(weatherRequest().build());

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.text()).isEmpty();
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"));
        assertThat(response.toolCalls().get(0).argumentsAsMap().get("location")).isEqualTo("Boston, MA");
        assertThat(response.usage()).isEqualTo(Usage.of(82, 17));
    }

    @Test
    void aRefusalIsTheAnswerTextWithAContentFilterFinish() {
        answerWith(fixture("chat-completion-refusal.json"));

        ChatResponse response = provider().chat(ChatRequest.of("How can I solve 8x + 7 = -23?"));

        assertThat(response.text()).isEqualTo("I'm sorry, I cannot assist with that request.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.rawFinishReason()).isEqualTo("stop");
        assertThat(response.usage()).isEqualTo(Usage.of(81, 11));
    }

    @Test
    void aSuccessfulStatusWithoutChoicesIsAServerFailureNotAnEmptyAnswer() {
        ObjectNode body = fixtureTree("chat-completion.json");
        body.putArray("choices");
        answerWith(body.toString());

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).startsWith(NAME + ": ").contains("no choices");
    }

    @Test
    void aSuccessfulStatusCarryingOnlyAnErrorObjectFailsWithItsMessage() {
        answerWith(fixture("errors/500-server-error.json"));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.code()).hasValue("server_error");
        assertThat(e.getMessage()).contains("The server had an error while processing your request");
    }

    @Test
    void rateLimitHeadersSurfaceInTheResponse() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-completion.json"))
                .withHeader("x-ratelimit-limit-requests", "60")
                .withHeader("x-ratelimit-limit-tokens", "150000")
                .withHeader("x-ratelimit-remaining-requests", "59")
                .withHeader("x-ratelimit-remaining-tokens", "149984")
                .withHeader("x-ratelimit-reset-requests", "1s")
                .withHeader("x-ratelimit-reset-tokens", "6m0s")));

        RateLimits limits = provider().chat(ChatRequest.of("Hello!")).rateLimits();

        assertThat(limits).isEqualTo(RateLimits.builder()
                .limitRequests(60)
                .remainingRequests(59)
                .resetRequests(Duration.ofSeconds(1))
                .limitTokens(150000)
                .remainingTokens(149984)
                .resetTokens(Duration.ofMinutes(6))
                .build());
    }

    // ------------------------------------------------------------------------------------------- requests

    @Test
    void requestCarriesTheBearerKeyTheModelTheMessagesAndMaxCompletionTokens() {
        answerWith(fixture("chat-completion.json"));

        provider().chat(ChatRequest.builder().system("You are a helpful assistant.").user("Hello!")
                .maxOutputTokens(300).temperature(0.2).topP(0.9).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Content-Type", equalTo("application/json; charset=UTF-8"))
                .withRequestBody(equalToJson("""
                        {"model": "gpt-4o-mini",
                         "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                      {"role": "user", "content": "Hello!"}],
                         "temperature": 0.2,
                         "top_p": 0.9,
                         "max_completion_tokens": 300}""")));
    }

    @Test
    void aStreamedRequestAsksForStreamingAndTheUsageChunk() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(fixture("chat-stream-text.sse"))));

        provider().stream(ChatRequest.of("Hello!")).collect();

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("""
                        {"model": "gpt-4o-mini",
                         "messages": [{"role": "user", "content": "Hello!"}],
                         "stream": true,
                         "stream_options": {"include_usage": true}}""")));
    }

    @Test
    void toolsCarryTheirJsonSchemaAsAnObjectNotAString() {
        answerWith(fixture("chat-completion-tool-calls.json"));

        provider().chat(weatherRequest().addTool(new ToolDefinition("get_time", "", "{\"type\":\"object\",\"properties\":{},"
                + "\"additionalProperties\":false}", true)).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"tools": [
                   {"type": "function",
                    "function": {"name": "get_current_weather",
                                 "description": "Get the current weather in a given location",
                                 "parameters": %s}},
                   {"type": "function",
                    "function": {"name": "get_time",
                                 "parameters": {"type": "object", "properties": {}, "additionalProperties": false},
                                 "strict": true}}]}""".formatted(WEATHER_SCHEMA), false, true)));
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of(ToolChoice.AUTO, "\"auto\""),
                Arguments.of(ToolChoice.NONE, "\"none\""),
                Arguments.of(ToolChoice.REQUIRED, "\"required\""),
                Arguments.of(ToolChoice.function("get_current_weather"),
                        "{\"type\": \"function\", \"function\": {\"name\": \"get_current_weather\"}}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("toolChoices")
    void toolChoiceIsWrittenInItsDocumentedForm(ToolChoice choice, String json) {
        answerWith(fixture("chat-completion-tool-calls.json"));

        provider().chat(weatherRequest().toolChoice(choice).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(equalToJson("{\"tool_choice\": " + json + "}", false, true)));
    }

    @Test
    void jsonObjectResponseFormat() {
        answerWith(fixture("chat-completion.json"));

        provider().chat(ChatRequest.builder().user("Any JSON, please").responseFormat(ResponseFormat.JSON).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(equalToJson("{\"response_format\": {\"type\": \"json_object\"}}", false, true)));
    }

    @Test
    void jsonSchemaResponseFormatCarriesTheSchemaAsAnObject() {
        answerWith(fixture("chat-completion.json"));
        String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"temperature\":{\"type\":\"number\"}},"
                + "\"required\":[\"city\",\"temperature\"],\"additionalProperties\":false}";

        provider().chat(ChatRequest.builder().user("Weather in SF?")
                .responseFormat(ResponseFormat.jsonSchema("weather", schema)).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"response_format": {"type": "json_schema",
                                     "json_schema": {"name": "weather", "schema": %s, "strict": true}}}"""
                .formatted(schema), false, true)));
    }

    @Test
    void imagesAreSentAsImageUrlPartsByUrlAndAsDataUrl() {
        answerWith(fixture("chat-completion.json"));
        String url = "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/"
                + "2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg";

        provider().chat(ChatRequest.builder().addMessage(Message.user(
                Content.text("What's in this image?"),
                Content.imageUrl(url).withDetail("low"),
                Content.imageBase64("image/png", "iVBORw0KGgoAAAANSUhEUg=="))).build());

        // OpenAI OpenAPI, ChatCompletionRequestMessageContentPartImage: image_url {url, detail: auto | low | high}
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"messages": [{"role": "user", "content": [
                    {"type": "text", "text": "What's in this image?"},
                    {"type": "image_url", "image_url": {"url": "%s", "detail": "low"}},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}}]}]}"""
                .formatted(url), false, true)));
    }

    @Test
    void aToolCallRoundTripSendsTheAssistantCallsAndTheToolResultBack() {
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(fixture("chat-completion-tool-calls.json"))).willSetStateTo("called"));
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs("called")
                .willReturn(okJson(fixture("chat-completion.json"))));
        LlmProvider provider = provider();
        ChatRequest ask = weatherRequest().build();

        ChatResponse call = provider.chat(ask);
        ToolCall toolCall = call.toolCalls().get(0);
        ChatResponse answer = provider.chat(ask.toBuilder()
                .addMessage(call.message())
                .addMessage(Message.toolResult(toolCall.id(), toolCall.name(), "{\"temperature\": 22, \"unit\": \"celsius\"}"))
                .build());

        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        server.verify(2, postRequestedFor(urlEqualTo(CHAT)));
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"messages": [
                   {"role": "user", "content": "What's the weather like in Boston today?"},
                   {"role": "assistant", "content": null,
                    "tool_calls": [{"id": "call_abc123", "type": "function",
                                    "function": {"name": "get_current_weather",
                                                 "arguments": "{\\n\\"location\\": \\"Boston, MA\\"\\n}"}}]},
                   {"role": "tool", "content": "{\\"temperature\\": 22, \\"unit\\": \\"celsius\\"}",
                    "tool_call_id": "call_abc123"}]}""", false, true)));
    }

    @Test
    void stopSeedAndProviderParametersPassThrough() {
        answerWith(fixture("chat-completion.json"));

        provider().chat(ChatRequest.builder().user("Count to ten.")
                .stop(List.of("\n\n", "END"))
                .seed(42L)
                .providerParameter("user", "user-1234")
                .providerParameter("reasoning_effort", "low")
                .providerParameter("logit_bias", Map.of("50256", -100))
                .build());

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"stop": ["\\n\\n", "END"],
                 "seed": 42,
                 "user": "user-1234",
                 "reasoning_effort": "low",
                 "logit_bias": {"50256": -100}}""", false, true)));
    }

    @Test
    void aProviderParameterReplacesTheFieldOfTheSameNameInsteadOfRepeatingIt() throws IOException {
        answerWith(fixture("chat-completion.json"));

        provider().chat(ChatRequest.builder().user("Hello!").temperature(0.2).maxOutputTokens(100)
                .providerParameter("temperature", 0.7)
                .providerParameter("max_completion_tokens", 2000)
                .build());

        String body = server.getAllServeEvents().get(0).getRequest().getBodyAsString();
        JsonNode sent = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(2000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"model", "messages", "stream"})
    void aProviderParameterNamingAFieldSwitchboardOwnsIsRefusedBeforeAnyRequest(String field) {
        ChatRequest request = ChatRequest.builder().user("Hello!").providerParameter(field, true).build();

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(request));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("'" + field + "'");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    // ------------------------------------------------------------------------------------------- base URL

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "//"})
    void theRequestGoesToTheConfiguredBaseUrlWithOrWithoutTrailingSlash(String trailing) {
        answerWith(fixture("chat-completion.json"));
        LlmProvider provider = OpenAiTestSupport.provider(
                OpenAiTestSupport.settings(OpenAiTestSupport.baseUrl(server) + trailing).build(), transport);

        provider.chat(ChatRequest.of("Hello!"));

        server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }

    // ------------------------------------------------------------------------------------------- embeddings, models

    @Test
    void readsTheDocumentedEmbeddingsAndSendsTheDocumentedRequest() {
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(fixture("embeddings.json"))));

        EmbeddingResponse response = provider().embed(EmbeddingRequest.of("The food was delicious and the waiter..."));

        assertThat(response.embeddings()).hasSize(1);
        assertThat(response.vector(0)).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f);
        assertThat(response.model()).isEqualTo("text-embedding-ada-002");
        assertThat(response.usage()).isEqualTo(Usage.of(8, 0));
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("""
                        {"model": "text-embedding-3-small",
                         "input": ["The food was delicious and the waiter..."],
                         "encoding_format": "float"}""")));
    }

    @Test
    void embeddingsAreReturnedInInputOrderWhateverOrderTheyArriveIn() {
        ObjectNode body = fixtureTree("embeddings.json");
        ObjectNode second = body.withArray("data").get(0).deepCopy();
        second.put("index", 1).putArray("embedding").add(0.5).add(0.25).add(-0.125);
        body.withArray("data").insert(0, second);
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(body.toString())));

        EmbeddingResponse response = provider().embed(new EmbeddingRequest("text-embedding-3-large", List.of("a", "b"), 256));

        assertThat(response.vector(0)).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f);
        assertThat(response.vector(1)).containsExactly(0.5f, 0.25f, -0.125f);
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(equalToJson(
                "{\"model\": \"text-embedding-3-large\", \"input\": [\"a\", \"b\"], \"dimensions\": 256}", false, true)));
    }

    @Test
    void readsTheDocumentedModelList() {
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(fixture("models.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("model-id-0", "model-id-1", "model-id-2");
        assertThat(models).extracting(m -> m.ownedBy().orElseThrow()).containsExactly("organization-owner", "organization-owner", "openai");
        assertThat(models).extracting(ModelInfo::provider).containsOnly(NAME);
        server.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    // ------------------------------------------------------------------------------------------- configuration errors

    static Stream<Arguments> calls() {
        return Stream.of(
                Arguments.of("chat", (Consumer<LlmProvider>) p -> p.chat(ChatRequest.of("Hello!"))),
                Arguments.of("stream", (Consumer<LlmProvider>) p -> p.stream(ChatRequest.of("Hello!")).close()),
                Arguments.of("embed", (Consumer<LlmProvider>) p -> p.embed(EmbeddingRequest.of("text"))),
                Arguments.of("listModels", (Consumer<LlmProvider>) LlmProvider::listModels));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void aMissingKeyFailsAsAuthenticationNamingTheVariableBeforeAnyRequest(String name, Consumer<LlmProvider> call) {
        LlmProvider provider = OpenAiTestSupport.provider(
                OpenAiTestSupport.settings(OpenAiTestSupport.baseUrl(server)).apiKey(null).build(), transport);

        LlmException e = catchThrowableOfType(LlmException.class, () -> call.accept(provider));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("OPENAI_API_KEY").contains("switchboard.providers." + NAME + ".api-key");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aChatWithNoModelAnywhereFailsNamingTheSettingBeforeAnyRequest() {
        LlmProvider provider = OpenAiTestSupport.provider(
                OpenAiTestSupport.settings(OpenAiTestSupport.baseUrl(server)).model(null).build(), transport);

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).contains("no model").contains("switchboard.providers." + NAME + ".model");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anEmbeddingWithNoModelAnywhereFailsNamingTheSettingBeforeAnyRequest() {
        LlmProvider provider = OpenAiTestSupport.provider(
                OpenAiTestSupport.settings(OpenAiTestSupport.baseUrl(server)).embeddingModel(null).build(), transport);

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.embed(EmbeddingRequest.of("text")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).contains("switchboard.providers." + NAME + ".embedding-model");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theModelOfTheRequestWinsOverTheConfiguredOne() {
        answerWith(fixture("chat-completion.json"));

        provider().chat(ChatRequest.builder().model("gpt-4o").user("Hello!").build());

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o"))));
        assertThat(MODEL).as("the configured model").isNotEqualTo("gpt-4o");
    }

    private static ChatRequest.Builder weatherRequest() {
        return ChatRequest.builder().user("What's the weather like in Boston today?").addTool(WEATHER);
    }
}
