package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.gemini.GeminiTestSupport.GENERATE;
import static dev.switchboard.provider.gemini.GeminiTestSupport.KEY;
import static dev.switchboard.provider.gemini.GeminiTestSupport.NAME;
import static dev.switchboard.provider.gemini.GeminiTestSupport.fixture;
import static dev.switchboard.provider.gemini.GeminiTestSupport.onlyRequestBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderSettings;
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
import org.junit.jupiter.params.provider.MethodSource;

/** Gemini's generateContent, batchEmbedContents and models endpoints: request bodies and documented responses. */
class GeminiWireTest {

    @RegisterExtension
    static final WireMockExtension server = GeminiTestSupport.wireMock();

    private static final ToolDefinition FIND_THEATERS = ToolDefinition.of("find_theaters",
            "find theaters based on location and optionally movie title which is currently playing in theaters",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"},\"movie\":{\"type\":\"string\"}},"
                    + "\"required\":[\"location\"],\"additionalProperties\":false}");

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
        return GeminiTestSupport.provider(server, transport);
    }

    private static void answerWith(String body) {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(body)));
    }

    // ------------------------------------------------------------------------------------------- requests

    @Test
    void theConversationGoesAsContentsWithTheModelRoleAndASystemInstruction() {
        answerWith(fixture("generate-content.json"));

        provider().chat(ChatRequest.builder()
                .system("Answer briefly.")
                .user("What is AI?")
                .addMessage(Message.assistant("Software that learns."))
                .user("In one sentence?")
                .build());

        JsonNode body = onlyRequestBody(server);
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Answer briefly.");
        assertThat(body.get("contents")).hasSize(3);
        assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("What is AI?");
        assertThat(body.at("/contents/1/role").asText()).isEqualTo("model");
        assertThat(body.at("/contents/1/parts/0/text").asText()).isEqualTo("Software that learns.");
        assertThat(body.at("/contents/2/role").asText()).isEqualTo("user");
        server.verify(postRequestedFor(urlPathEqualTo(GENERATE)).withHeader("x-goog-api-key", equalTo(KEY)));
    }

    @Test
    void samplingOptionsGoInTheGenerationConfig() {
        answerWith(fixture("generate-content.json"));

        provider().chat(ChatRequest.builder().user("Hi").temperature(0.4).topP(0.9).maxOutputTokens(256)
                .stop(List.of("END")).seed(42L).providerParameter("topK", 40)
                .providerParameter("safetySettings", List.of(Map.of("category", "HARM_CATEGORY_HARASSMENT",
                        "threshold", "BLOCK_ONLY_HIGH")))
                .build());

        JsonNode config = onlyRequestBody(server).get("generationConfig");
        assertThat(config.get("temperature").asDouble()).isEqualTo(0.4);
        assertThat(config.get("topP").asDouble()).isEqualTo(0.9);
        assertThat(config.get("maxOutputTokens").asInt()).isEqualTo(256);
        assertThat(config.get("stopSequences").get(0).asText()).isEqualTo("END");
        assertThat(config.get("seed").asInt()).isEqualTo(42);
        assertThat(config.get("topK").asInt()).isEqualTo(40);
        assertThat(onlyRequestBody(server).at("/safetySettings/0/threshold").asText()).isEqualTo("BLOCK_ONLY_HIGH");
    }

    @Test
    void aProviderParameterNamingAFieldWeWriteIsRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(
                ChatRequest.builder().user("Hi").providerParameter("contents", List.of()).build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("contents");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void toolsGoAsFunctionDeclarationsWithTheirJsonSchemaAsIs() {
        answerWith(fixture("function-call.json"));

        provider().chat(ChatRequest.builder().user("Which theaters in Mountain View show Barbie movie?")
                .addTool(FIND_THEATERS).build());

        JsonNode declaration = onlyRequestBody(server).at("/tools/0/functionDeclarations/0");
        assertThat(declaration.get("name").asText()).isEqualTo("find_theaters");
        assertThat(declaration.get("description").asText()).startsWith("find theaters");
        assertThat(declaration.get("parametersJsonSchema")).isEqualTo(Json.parse(FIND_THEATERS.parametersSchema(), "schema"));
        assertThat(declaration.has("parameters")).isFalse();
        assertThat(onlyRequestBody(server).has("toolConfig")).isFalse();
    }

    @Test
    void aToolWithoutADescriptionIsDescribedByItsName() {
        // v1beta FunctionDeclaration (google/ai/generativelanguage/v1beta/content.proto): description is REQUIRED
        answerWith(fixture("function-call.json"));

        provider().chat(ChatRequest.builder().user("Which theaters?")
                .addTool(ToolDefinition.of("find_theaters", "", FIND_THEATERS.parametersSchema())).build());

        assertThat(onlyRequestBody(server).at("/tools/0/functionDeclarations/0/description").asText())
                .isEqualTo("find_theaters");
    }

    @Test
    void toolUsePromptTokensAreCountedAsInput() {
        // v1beta UsageMetadata: tool_use_prompt_token_count is input beside prompt_token_count (the total sums both)
        answerWith("""
                {"candidates": [{"content": {"role": "model", "parts": [{"text": "Done."}]}, "finishReason": "STOP"}],
                 "usageMetadata": {"promptTokenCount": 10, "toolUsePromptTokenCount": 25, "candidatesTokenCount": 2,
                                   "totalTokenCount": 37}, "modelVersion": "gemini-2.5-flash"}""");

        ChatResponse response = provider().chat(ChatRequest.of("Search it"));

        assertThat(response.usage()).isEqualTo(Usage.of(35, 2));
    }

    @Test
    void theOpenApiSchemaFormatSendsTheConvertedSubsetAsParameters() {
        answerWith(fixture("function-call.json"));
        LlmProvider provider = GeminiTestSupport.provider(GeminiTestSupport.settings(server)
                .options(Map.of("schema-format", "openapi")).build(), transport);

        provider.chat(ChatRequest.builder().user("Barbie?").addTool(FIND_THEATERS).build());

        JsonNode parameters = onlyRequestBody(server).at("/tools/0/functionDeclarations/0/parameters");
        assertThat(parameters.get("type").asText()).isEqualTo("OBJECT");
        assertThat(parameters.at("/properties/location/type").asText()).isEqualTo("STRING");
        assertThat(parameters.has("additionalProperties")).isFalse();
        assertThat(parameters.get("required").get(0).asText()).isEqualTo("location");
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of(ToolChoice.AUTO, "AUTO", null),
                Arguments.of(ToolChoice.NONE, "NONE", null),
                Arguments.of(ToolChoice.REQUIRED, "ANY", null),
                Arguments.of(ToolChoice.function("find_theaters"), "ANY", "find_theaters"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("toolChoices")
    void theToolChoiceBecomesAFunctionCallingMode(ToolChoice choice, String mode, String allowed) {
        answerWith(fixture("function-call.json"));

        provider().chat(ChatRequest.builder().user("Barbie?").addTool(FIND_THEATERS).toolChoice(choice).build());

        JsonNode config = onlyRequestBody(server).at("/toolConfig/functionCallingConfig");
        assertThat(config.get("mode").asText()).isEqualTo(mode);
        if (allowed == null) {
            assertThat(config.has("allowedFunctionNames")).isFalse();
        } else {
            assertThat(config.get("allowedFunctionNames").get(0).asText()).isEqualTo(allowed);
        }
    }

    @Test
    void aJsonSchemaAnswerAsksForJsonWithTheResponseJsonSchema() {
        answerWith(fixture("generate-content.json"));
        String schema = "{\"type\":\"object\",\"properties\":{\"recipe_name\":{\"type\":\"string\"}},\"required\":[\"recipe_name\"]}";

        provider().chat(ChatRequest.builder().user("A cookie recipe")
                .responseFormat(ResponseFormat.jsonSchema("recipe", schema)).build());

        JsonNode config = onlyRequestBody(server).get("generationConfig");
        assertThat(config.get("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.get("responseJsonSchema")).isEqualTo(Json.parse(schema, "schema"));
    }

    @Test
    void aJsonObjectAnswerAsksForJsonWithoutASchema() {
        answerWith(fixture("generate-content.json"));

        provider().chat(ChatRequest.builder().user("JSON please").responseFormat(ResponseFormat.JSON).build());

        JsonNode config = onlyRequestBody(server).get("generationConfig");
        assertThat(config.get("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.has("responseJsonSchema")).isFalse();
        assertThat(config.has("responseSchema")).isFalse();
    }

    @Test
    void anInlineImageGoesAsInlineData() {
        answerWith(fixture("generate-content.json"));

        provider().chat(ChatRequest.builder().addMessage(Message.user(Content.text("What is this?"),
                Content.imageUrl("data:image/png;base64,iVBORw0KGgo="))).build());

        JsonNode parts = onlyRequestBody(server).at("/contents/0/parts");
        assertThat(parts.get(0).get("text").asText()).isEqualTo("What is this?");
        assertThat(parts.at("/1/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(parts.at("/1/inlineData/data").asText()).isEqualTo("iVBORw0KGgo=");
    }

    @Test
    void anImageByRemoteUrlIsRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.builder()
                .addMessage(Message.user(Content.imageUrl("https://example.com/cat.png"))).build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anInvalidModelNameIsRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().chat(ChatRequest.builder().model("../files/x").user("Hi").build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutAKeyNothingIsSentAndTheErrorNamesTheVariable() {
        LlmProvider provider = GeminiTestSupport.provider(GeminiTestSupport.settings(server).apiKey(null).build(), transport);

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("GEMINI_API_KEY");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    // ------------------------------------------------------------------------------------------- responses

    @Test
    void theDocumentedAnswerGivesTextIdModelAndUsageWithThinkingTokens() {
        answerWith(fixture("generate-content.json"));

        ChatResponse response = provider().chat(ChatRequest.of("Explain how AI works in a few words"));

        assertThat(response.text()).isEqualTo("AI learns patterns from data to make predictions or decisions.");
        assertThat(response.id()).isEqualTo("yBWlaLnRDbD9qtsP3ZyXuAQ");
        assertThat(response.model()).isEqualTo("gemini-2.5-flash");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("STOP");
        assertThat(response.usage()).isEqualTo(Usage.builder()
                .inputTokens(8)
                .outputTokens(11 + 508)
                .reasoningTokens(508)
                .build());
        assertThat(response.provider()).isEqualTo(NAME);
    }

    @Test
    void aSafetyFinishIsAContentFilterFinish() {
        answerWith(fixture("safety-finish.json"));

        ChatResponse response = provider().chat(ChatRequest.of("..."));

        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.rawFinishReason()).isEqualTo("SAFETY");
        assertThat(response.text()).isEmpty();
    }

    @Test
    void aBlockedPromptFailsAsAContentFilterNamingTheReason() {
        answerWith(fixture("prompt-blocked.json"));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("...")));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_FILTER);
        assertThat(e.code()).hasValue("SAFETY");
        assertThat(e.getMessage()).contains(NAME).contains("HARM_CATEGORY_HARASSMENT");
    }

    @Test
    void aFunctionCallWithoutAnIdGetsAStableMadeUpOne() {
        answerWith(fixture("function-call.json"));
        ChatRequest request = ChatRequest.builder().user("Barbie?").addTool(FIND_THEATERS).build();

        ChatResponse first = provider().chat(request);
        ChatResponse second = provider().chat(request);

        assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        ToolCall call = first.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("find_theaters");
        assertThat(call.argumentsAsMap()).isEqualTo(Json.parseObject("{\"movie\":\"Barbie\",\"location\":\"Mountain View, CA\"}", "args"));
        assertThat(call.id()).startsWith("call_");
        assertThat(second.toolCalls().get(0).id()).isEqualTo(call.id());
    }

    @Test
    void aFunctionCallIdSentByTheApiIsKept() {
        answerWith("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"id\":\"fc-7d1\","
                + "\"name\":\"find_theaters\",\"args\":{\"location\":\"Mountain View, CA\"}}}]},\"finishReason\":\"STOP\"}]}");

        ChatResponse response = provider().chat(ChatRequest.builder().user("Barbie?").addTool(FIND_THEATERS).build());

        assertThat(response.toolCalls()).extracting(ToolCall::id).containsExactly("fc-7d1");
    }

    @Test
    void aToolRoundTripSendsTheCallAndItsResultAndReadsTheAnswer() {
        // given: the model asks for a call
        answerWith(fixture("function-call.json"));
        ChatRequest ask = ChatRequest.builder().user("Which theaters in Mountain View show Barbie movie?")
                .addTool(FIND_THEATERS).build();
        ChatResponse callTurn = provider().chat(ask);
        ToolCall call = callTurn.toolCalls().get(0);
        server.resetAll();
        answerWith(fixture("answer-after-function-response.json"));

        // when: the conversation goes back with the call and its result (the result names no tool)
        ChatResponse answer = provider().chat(ask.toBuilder()
                .addMessage(callTurn.message())
                .addMessage(new Message(dev.switchboard.api.Role.TOOL, List.of(Content.text(
                        "{\"theaters\":[\"AMC Mountain View 16\",\"Regal Edwards 14\"]}")), List.of(), call.id(), null))
                .build());

        // then
        JsonNode contents = onlyRequestBody(server).get("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.at("/1/role").asText()).isEqualTo("model");
        assertThat(contents.at("/1/parts/0/functionCall/name").asText()).isEqualTo("find_theaters");
        assertThat(contents.at("/1/parts/0/functionCall/args/movie").asText()).isEqualTo("Barbie");
        assertThat(contents.at("/2/role").asText()).isEqualTo("user");
        assertThat(contents.at("/2/parts/0/functionResponse/name").asText()).isEqualTo("find_theaters");
        assertThat(contents.at("/2/parts/0/functionResponse/response/theaters/0").asText()).isEqualTo("AMC Mountain View 16");
        assertThat(answer.text()).startsWith("OK. Barbie is playing");
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void parallelToolResultsShareOneTurnAndPlainResultsAreWrappedAsOutput() {
        answerWith(fixture("answer-after-function-response.json"));
        ToolCall a = new ToolCall("call_a", "find_theaters", "{\"location\":\"Mountain View, CA\"}");
        ToolCall b = new ToolCall("call_b", "get_time", "{}");

        provider().chat(ChatRequest.builder().user("Theaters and time?")
                .addMessage(Message.assistant(null, List.of(a, b)))
                .addMessage(Message.toolResult("call_a", "find_theaters", "AMC Mountain View 16"))
                .addMessage(Message.toolResult("call_b", "get_time", "[1, 2]"))
                .build());

        JsonNode contents = onlyRequestBody(server).get("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.at("/2/parts")).hasSize(2);
        assertThat(contents.at("/2/parts/0/functionResponse/response/output").asText()).isEqualTo("AMC Mountain View 16");
        assertThat(contents.at("/2/parts/1/functionResponse/name").asText()).isEqualTo("get_time");
        assertThat(contents.at("/2/parts/1/functionResponse/response/output/1").asInt()).isEqualTo(2);
    }

    @Test
    void aToolResultForAnUnknownCallWithoutAToolNameIsRefused() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.builder().user("x")
                .addMessage(new Message(dev.switchboard.api.Role.TOOL, List.of(Content.text("42")), List.of(), "call_zz", null))
                .build()));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    // ------------------------------------------------------------------------------------------- embeddings, models

    @Test
    void embeddingsAreOneBatchRequestWithOneEntryPerInput() {
        server.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents"))
                .willReturn(okJson(fixture("batch-embed-contents.json"))));

        EmbeddingResponse response = provider().embed(new EmbeddingRequest(null, List.of("What is the meaning of life?",
                "How does the brain work?"), 768));

        JsonNode requests = onlyRequestBody(server).get("requests");
        assertThat(requests).hasSize(2);
        assertThat(requests.at("/0/model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(requests.at("/1/content/parts/0/text").asText()).isEqualTo("How does the brain work?");
        assertThat(requests.at("/0/outputDimensionality").asInt()).isEqualTo(768);
        assertThat(response.vector(0)).containsExactly(-0.022374554f, -0.004560777f, 0.013309286f, -0.0545072f);
        assertThat(response.vector(1)).hasSize(4);
        assertThat(response.model()).isEqualTo("gemini-embedding-001");
    }

    @Test
    void theModelListFollowsEveryPageAndDropsTheModelsPrefix() {
        server.stubFor(get(urlPathEqualTo("/v1beta/models")).withQueryParam("pageToken", absent())
                .willReturn(okJson(fixture("models-page-1.json"))));
        server.stubFor(get(urlPathEqualTo("/v1beta/models"))
                .withQueryParam("pageToken", equalTo("Ch1tb2RlbHMvZ2VtaW5pLWVtYmVkZGluZy0wMDE="))
                .willReturn(okJson(fixture("models-page-2.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("gemini-2.5-flash", "gemini-embedding-001");
        assertThat(models).extracting(m -> m.kind().orElse("")).containsExactly("chat", "embedding");
        assertThat(models.get(0).contextLength()).hasValue(1048576);
    }

    @Test
    void aModelIsAvailableWhenTheApiKnowsIt() {
        server.stubFor(get(urlPathEqualTo("/v1beta/models/gemini-2.5-flash")).willReturn(okJson(
                "{\"name\":\"models/gemini-2.5-flash\",\"supportedGenerationMethods\":[\"generateContent\"]}")));
        server.stubFor(get(urlPathEqualTo("/v1beta/models/gemini-0.5-nano"))
                .willReturn(notFound().withHeader("Content-Type", "application/json").withBody(fixture("errors/404-not-found.json"))));

        assertThat(provider().isModelAvailable("gemini-2.5-flash")).isTrue();
        assertThat(provider().isModelAvailable("gemini-0.5-nano")).isFalse();
    }

    @Test
    void theDefaultsNameTheDocumentedBaseUrlAndVariable() {
        ProviderSettings settings = ProviderSettings.builder("g", "gemini").options(GeminiTestSupport.DEFAULTS.root().unwrapped()).build();

        assertThat(GeminiSettings.of(settings).baseUrl()).isEqualTo("https://generativelanguage.googleapis.com/v1beta");
        assertThat(GeminiTestSupport.DEFAULTS.getString("api-key-env")).isEqualTo("GEMINI_API_KEY");
        assertThat(GeminiSettings.of(settings).schemaFormat()).isEqualTo(GeminiSettings.SchemaFormat.JSON_SCHEMA);
    }
}
