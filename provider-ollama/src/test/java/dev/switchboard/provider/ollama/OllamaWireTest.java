package dev.switchboard.provider.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.ollama.OllamaTestSupport.CHAT;
import static dev.switchboard.provider.ollama.OllamaTestSupport.NAME;
import static dev.switchboard.provider.ollama.OllamaTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Content;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.testkit.Ndjson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ollama's native API: the request bodies we send to {@code /api/chat} (options, format, keep_alive, images, tool
 * calls with object arguments, {@code tool_name}), the documented responses and NDJSON stream read back, and
 * {@code /api/embed}, {@code /api/tags} and {@code /api/show}.
 */
class OllamaWireTest {

    @RegisterExtension
    static final WireMockExtension server = OllamaTestSupport.wireMock();

    private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"location\":{\"type\":\"string\",\"description\":\"The location to get the weather for, e.g. San Francisco, CA\"},"
            + "\"format\":{\"type\":\"string\",\"description\":\"The format to return the weather in, e.g. 'celsius' or 'fahrenheit'\","
            + "\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\",\"format\"]}";
    private static final ToolDefinition WEATHER =
            ToolDefinition.of("get_current_weather", "Get the current weather for a location", WEATHER_SCHEMA);

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

    private static OllamaProvider provider() {
        return OllamaTestSupport.provider(server, transport);
    }

    private static OllamaProvider provider(String extraConfig) {
        return OllamaTestSupport.provider(OllamaTestSupport.settings(OllamaTestSupport.baseUrl(server), extraConfig).build(), transport);
    }

    private static void answerWith(String fixture) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture(fixture))));
    }

    // ------------------------------------------------------------------------------------------- chat

    @Test
    void readsTheDocumentedChatResponse() {
        answerWith("chat.json");

        ChatResponse response = provider().chat(ChatRequest.of("why is the sky blue?"));

        assertThat(response.model()).isEqualTo("llama3.2");
        assertThat(response.provider()).isEqualTo(NAME);
        assertThat(response.text()).isEqualTo("Hello! How are you today?");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(26, 298));
    }

    @Test
    void requestBodyCarriesTheOptionsKeepAliveAndNoKey() {
        answerWith("chat.json");

        provider("keep-alive = 10m\nnum-ctx = 8192").chat(ChatRequest.builder().system("You are terse.").user("Hello!")
                .temperature(0.0).topP(0.9).seed(101L).stop(List.of("USER:", "ASSISTANT:")).maxOutputTokens(128)
                .providerParameter("top_k", 40).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .withRequestBody(equalToJson("""
                        {"model": "llama3.2",
                         "messages": [{"role": "system", "content": "You are terse."},
                                      {"role": "user", "content": "Hello!"}],
                         "stream": false,
                         "keep_alive": "10m",
                         "options": {"temperature": 0.0, "top_p": 0.9, "seed": 101, "stop": ["USER:", "ASSISTANT:"],
                                     "num_predict": 128, "num_ctx": 8192, "top_k": 40}}""")));
    }

    @Test
    void jsonOutputIsFormatJson() {
        answerWith("chat-structured.json");

        provider().chat(ChatRequest.builder().user("Return JSON").responseFormat(ResponseFormat.JSON).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("{\"format\": \"json\"}", false, true)));
    }

    @Test
    void aJsonSchemaIsSentAsTheFormatObject() {
        answerWith("chat-structured.json");
        String schema = "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"},\"available\":{\"type\":\"boolean\"}},"
                + "\"required\":[\"age\",\"available\"]}";

        ChatResponse response = provider().chat(ChatRequest.builder().model("llama3.1")
                .user("Ollama is 22 years old and busy saving the world. Return a JSON object with the age and availability.")
                .responseFormat(ResponseFormat.jsonSchema("availability", schema)).temperature(0.0).build());

        assertThat(response.text()).isEqualTo("{\"age\": 22, \"available\": false}");
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"model": "llama3.1", "stream": false, "format": %s, "options": {"temperature": 0.0}}""".formatted(schema), false, true)));
    }

    @Test
    void imagesAreSentAsBase64InTheMessage() {
        answerWith("chat.json");
        String png = "iVBORw0KGgoAAAANSUhEUgAAAG0AAABmCAYAAADBPx+VAAAACXBIWXMAAAsTAAALEwEAmpwYAAAA"; // the docs' image, cut short

        provider().chat(ChatRequest.builder().model("llava").addMessage(Message.user(
                Content.text("what is in this image?"), Content.imageBase64("image/png", png))).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"model": "llava",
                 "messages": [{"role": "user", "content": "what is in this image?", "images": ["%s"]}]}""".formatted(png), false, true)));
    }

    // ------------------------------------------------------------------------------------------- streaming

    @Test
    void theDocumentedStreamYieldsItsPiecesAndTheCountsOfTheDoneLine() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(fixture("chat-stream.ndjson"))));

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(ChatRequest.of("why is the sky blue?"))) {
            stream.forEachRemaining(events::add);
        }

        assertThat(events).containsExactly(
                new ChatEvent.Started(null, "llama3.2"),
                new ChatEvent.TextDelta("The"),
                new ChatEvent.TextDelta(" sky"),
                new ChatEvent.TextDelta(" is"),
                new ChatEvent.TextDelta(" blue."),
                new ChatEvent.UsageReport(Usage.of(26, 282)),
                new ChatEvent.Finished(FinishReason.STOP, ""));
        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Accept", equalTo("application/x-ndjson"))
                .withRequestBody(equalToJson("{\"stream\": true}", false, true)));
    }

    // ------------------------------------------------------------------------------------------- tool calls

    @Test
    void aToolCallRoundTripSendsObjectArgumentsAndTheToolNameBack() {
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(fixture("chat-tool-calls.json"))).willSetStateTo("called"));
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs("called")
                .willReturn(okJson(fixture("chat.json"))));
        OllamaProvider provider = provider();
        ChatRequest ask = ChatRequest.builder().user("What is the weather today in Paris?").addTool(WEATHER).build();

        ChatResponse call = provider.chat(ask);
        ToolCall toolCall = call.toolCalls().get(0);
        ChatResponse answer = provider.chat(ask.toBuilder()
                .addMessage(call.message())
                .addMessage(Message.toolResult(toolCall.id(), toolCall.name(), "22 degrees celsius"))
                .build());

        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(call.rawFinishReason()).isEqualTo("stop");
        assertThat(toolCall.name()).isEqualTo("get_current_weather");
        assertThat(toolCall.id()).isNotBlank();
        assertThat(toolCall.argumentsAsMap().get("location")).isEqualTo("Paris, FR");
        assertThat(toolCall.argumentsAsMap().get("format")).isEqualTo("celsius");
        assertThat(call.usage()).isEqualTo(Usage.of(122, 33));
        assertThat(answer.text()).isEqualTo("Hello! How are you today?");
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"tools": [{"type": "function",
                            "function": {"name": "get_current_weather",
                                         "description": "Get the current weather for a location",
                                         "parameters": %s}}],
                 "messages": [{"role": "user", "content": "What is the weather today in Paris?"}]}""".formatted(WEATHER_SCHEMA), false, true)));
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"messages": [
                   {"role": "user", "content": "What is the weather today in Paris?"},
                   {"role": "assistant", "content": "",
                    "tool_calls": [{"function": {"name": "get_current_weather",
                                                 "arguments": {"format": "celsius", "location": "Paris, FR"}}}]},
                   {"role": "tool", "content": "22 degrees celsius", "tool_name": "get_current_weather"}]}""", false, true)));
    }

    @Test
    void toolCallsWithoutAnIdGetOnesThatDoNotRepeatAcrossAnswers() {
        // Ollama's /api/chat tool calls carry no id (docs/api.md); ids made from the position were call_0 every time
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-tool-calls.json"))));
        OllamaProvider provider = provider();
        ChatRequest ask = ChatRequest.builder().user("What is the weather today in Paris?").addTool(WEATHER).build();

        String first = provider.chat(ask).toolCalls().get(0).id();
        String second = provider.chat(ask).toolCalls().get(0).id();

        assertThat(first).startsWith("call_").hasSizeGreaterThan(12);
        assertThat(second).startsWith("call_").isNotEqualTo(first);
    }

    @Test
    void toolChoiceNoneSendsNoTools() {
        // Ollama's /api/chat (docs/api.md, openapi.yaml) has tools but no tool_choice: "none" is kept by not offering them
        answerWith("chat.json");

        provider().chat(ChatRequest.builder().user("Hi").addTool(WEATHER).toolChoice(ToolChoice.NONE).build());

        server.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(notContaining("\"tools\"")));
    }

    @Test
    void aToolChoiceOllamaCannotEnforceIsUnsupportedBeforeSending() {
        for (ToolChoice choice : List.of(ToolChoice.REQUIRED, ToolChoice.function("get_current_weather"))) {
            LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(
                    ChatRequest.builder().user("Hi").addTool(WEATHER).toolChoice(choice).build()));

            assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
            assertThat(e.getMessage()).contains("tool_choice");
        }
        server.verify(0, postRequestedFor(urlPathEqualTo(CHAT)));
    }

    @Test
    void streamedToolCallsArriveWholeWithObjectArguments() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(Ndjson.of(
                "{\"model\":\"llama3.2\",\"created_at\":\"2024-07-22T20:33:28.123648Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\","
                        + "\"tool_calls\":[{\"function\":{\"name\":\"get_current_weather\",\"arguments\":{\"format\":\"celsius\",\"location\":\"Paris, FR\"}}}]},"
                        + "\"done\":false}",
                "{\"model\":\"llama3.2\",\"created_at\":\"2024-07-22T20:33:28.223648Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                        + "\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":122,\"eval_count\":33}"))));

        ChatResponse response = provider().stream(ChatRequest.builder().user("Weather in Paris?").addTool(WEATHER).build()).collect();

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).hasSize(1);
        assertThat(response.toolCalls().get(0).argumentsAsMap().get("location")).isEqualTo("Paris, FR");
        assertThat(response.usage()).isEqualTo(Usage.of(122, 33));
    }

    // ------------------------------------------------------------------------------------------- embed, tags, show

    @Test
    void embedSendsTheInputsAndReadsOneVectorEach() {
        server.stubFor(post(urlPathEqualTo("/api/embed")).willReturn(okJson(fixture("embed.json"))));

        EmbeddingResponse response = provider().embed(new EmbeddingRequest("all-minilm",
                List.of("Why is the sky blue?", "Why is the grass green?"), null));

        assertThat(response.embeddings()).hasSize(2);
        assertThat(response.vector(0)).startsWith(0.010071029f, -0.0017594862f).hasSize(10);
        assertThat(response.vector(1)).startsWith(-0.0098027075f, 0.06042469f).hasSize(10);
        assertThat(response.model()).isEqualTo("all-minilm");
        server.verify(postRequestedFor(urlEqualTo("/api/embed")).withRequestBody(equalToJson("""
                {"model": "all-minilm", "input": ["Why is the sky blue?", "Why is the grass green?"]}""")));
    }

    @Test
    void theLocalModelsComeFromTags() {
        server.stubFor(get(urlPathEqualTo("/api/tags")).willReturn(okJson(fixture("tags.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("codellama:13b", "llama3:latest");
        assertThat(models).extracting(m -> m.kind().orElse("")).containsOnly("llama");
        assertThat(models).extracting(ModelInfo::provider).containsOnly(NAME);
        server.verify(getRequestedFor(urlEqualTo("/api/tags")));
    }

    @Test
    void aModelIsAvailableWhenShowKnowsIt() {
        server.stubFor(post(urlPathEqualTo("/api/show")).willReturn(okJson(fixture("show.json"))));

        assertThat(provider().isModelAvailable("llama3.2")).isTrue();
        server.verify(postRequestedFor(urlEqualTo("/api/show")).withRequestBody(equalToJson("{\"model\": \"llama3.2\"}")));
    }

    @Test
    void aModelIsUnavailableWhenShowAnswers404() {
        server.stubFor(post(urlPathEqualTo("/api/show")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"model 'mistral' not found\"}")));

        assertThat(provider().isModelAvailable("mistral")).isFalse();
    }

    @Test
    void aModelsCapabilitiesComeFromShow() {
        server.stubFor(post(urlPathEqualTo("/api/show")).willReturn(okJson(fixture("show.json"))));

        assertThat(provider().modelCapabilities("llava")).contains(Capability.CHAT, Capability.STREAMING, Capability.VISION)
                .doesNotContain(Capability.TOOLS, Capability.EMBEDDINGS);
    }

    @Test
    void toolsAndEmbeddingCapabilitiesAreReadToo() {
        server.stubFor(post(urlPathEqualTo("/api/show")).willReturn(okJson(
                "{\"details\":{\"family\":\"nomic-bert\"},\"capabilities\":[\"embedding\"]}")));
        assertThat(provider().modelCapabilities("nomic-embed-text")).containsExactly(Capability.EMBEDDINGS);

        server.resetAll();
        server.stubFor(post(urlPathEqualTo("/api/show")).willReturn(okJson(
                "{\"details\":{\"family\":\"llama\"},\"capabilities\":[\"completion\",\"tools\"]}")));
        assertThat(provider().modelCapabilities("llama3.2")).contains(Capability.TOOLS, Capability.CHAT).doesNotContain(Capability.VISION);
    }

    @Test
    void aStreamedRequestWithoutOptionsSendsNoStrayFields() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(fixture("chat-stream.ndjson"))));

        provider().stream(ChatRequest.of("why is the sky blue?")).collect();

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(notContaining("keep_alive"))
                .withRequestBody(notContaining("format")));
    }
}
