package dev.switchboard.langchain4j;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only the LangChain4j bridge has to show, over a Switchboard route of two OpenAI-type providers on a local
 * stub: the request options it maps, streamed tool calls as partials, a tool round trip by hand, a JSON Schema given
 * as LangChain4j's ResponseFormat, embeddings. The conversation both bridges hold (text, streaming, tools through
 * AiServices, structured output, fallbacks, failures) is {@link LangChain4jBridgeConversationTest}. Fixtures:
 * fixtures/openai/README.md.
 */
@Timeout(60)
class LangChain4jConversationTest {

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";
    /** The answer of fixtures/openai/chat-completion.json. */
    private static final String ANSWER = "The image shows a wooden boardwalk path running through a lush green field or"
            + " meadow. The sky is bright blue with some scattered clouds, giving the scene a serene and peaceful"
            + " atmosphere. Trees and shrubs are visible in the background.";

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private Switchboard sb;

    @BeforeEach
    void start() {
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port();
        sb = Switchboard.builder().env(Map.of()).config(String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"test-key-not-real\", model = gpt-4o-mini, embedding-model = text-embedding-3-small }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"test-key-not-real\", model = gpt-4o }",
                "  }",
                "  routes.default.targets = [ primary, backup ]",
                "  route-defaults.retry.max-retries = 0",
                "}")).build();
    }

    @AfterEach
    void stop() {
        sb.close();
        upstream.stop();
    }

    private ChatModel model() {
        return new SwitchboardChatModel(sb.route("default"));
    }

    private void primaryAnswers(String fixture) {
        upstream.stubFor(post(PRIMARY).willReturn(okJson(Fixtures.load("fixtures/openai/" + fixture))));
    }

    @Test
    void textWithUsageIdAndFinishReason() {
        primaryAnswers("chat-completion.json");

        ChatResponse r = model().chat(ChatRequest.builder().messages(UserMessage.from("Hello!")).temperature(0.3).build());

        assertThat(r.aiMessage().text()).isEqualTo(ANSWER);
        assertThat(r.id()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(1117);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(46);
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.temperature", com.github.tomakehurst.wiremock.client.WireMock.equalTo("0.3")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", containing("Hello!"))));
    }

    @Test
    void aStreamedToolCallArrivesAsPartialsWithIdAndNameOnEveryPiece() {
        upstream.stubFor(post(PRIMARY).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-tool-calls.sse"))));
        List<PartialToolCall> pieces = new ArrayList<>();
        AtomicReference<ChatResponse> complete = new AtomicReference<>();

        new SwitchboardStreamingChatModel(sb.route("default")).chat("Weather?", new StreamingChatResponseHandler() {
            @Override public void onPartialToolCall(PartialToolCall p) { pieces.add(p); }
            @Override public void onCompleteResponse(ChatResponse r) { complete.set(r); }
            @Override public void onError(Throwable t) { throw new AssertionError(t); }
        });

        assertThat(pieces).isNotEmpty().allSatisfy(p -> {
            assertThat(p.id()).isNotBlank();
            assertThat(p.name()).isNotBlank();
        });
        List<ToolExecutionRequest> calls = complete.get().aiMessage().toolExecutionRequests();
        assertThat(calls).hasSize(2);
        assertThat(complete.get().finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    }

    @Test
    void aToolRoundTripSendsTheResultBackUnderTheCallsId() {
        upstream.stubFor(post(PRIMARY).withRequestBody(notContaining("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion-tool-calls.json"))));
        upstream.stubFor(post(PRIMARY).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        ToolSpecification weather = ToolSpecification.builder().name("get_current_weather")
                .description("Get the current weather in a given location")
                .parameters(JsonObjectSchema.builder().addStringProperty("location").required("location").build())
                .build();
        UserMessage question = UserMessage.from("What's the weather like in Boston today?");

        ChatResponse first = model().chat(ChatRequest.builder().messages(question).toolSpecifications(weather).build());
        ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
        ChatResponse second = model().chat(ChatRequest.builder().messages(question, first.aiMessage(),
                ToolExecutionResultMessage.from(call, "{\"temperature_c\": 22}")).toolSpecifications(weather).build());

        assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(call.id()).isEqualTo("call_abc123");
        assertThat(call.name()).isEqualTo("get_current_weather");
        assertThat(call.arguments()).contains("Boston, MA");
        assertThat(second.aiMessage().text()).isEqualTo(ANSWER);
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", com.github.tomakehurst.wiremock.client.WireMock.equalTo("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]", com.github.tomakehurst.wiremock.client.WireMock.equalTo("location")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_call_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("call_abc123"))));
    }

    @Test
    void jsonSchemaOutputIsAskedForAndTheAnswerIsTheJson() {
        primaryAnswers("chat-completion-json.json");
        JsonSchema schema = JsonSchema.builder().name("weather").rootElement(JsonObjectSchema.builder()
                .addStringProperty("city").addIntegerProperty("temperature_c").required("city", "temperature_c").build()).build();

        ChatResponse r = model().chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris as JSON"))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build()).build());

        assertThat(r.aiMessage().text()).isEqualTo("{\"city\":\"Paris\",\"temperature_c\":18}");
        upstream.verify(postRequestedFor(urlEqualTo(PRIMARY))
                .withRequestBody(matchingJsonPath("$.response_format.type", com.github.tomakehurst.wiremock.client.WireMock.equalTo("json_schema")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.name", com.github.tomakehurst.wiremock.client.WireMock.equalTo("weather")))
                .withRequestBody(matchingJsonPath("$.response_format.json_schema.schema.properties.temperature_c.type", com.github.tomakehurst.wiremock.client.WireMock.equalTo("integer"))));
    }

    @Test
    void embeddingsComeBackInInputOrderWithUsage() {
        upstream.stubFor(post("/primary/v1/embeddings").willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));

        var r = new SwitchboardEmbeddingModel(sb.route("default")).embedAll(List.of(TextSegment.from("The food was delicious")));

        assertThat(r.content()).hasSize(1);
        assertThat(r.content().get(0).vector()).isNotEmpty();
    }
}
