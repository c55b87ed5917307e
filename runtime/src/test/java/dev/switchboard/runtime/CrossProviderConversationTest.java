package dev.switchboard.runtime;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.provider.anthropic.AnthropicProviderFactory;
import dev.switchboard.provider.gemini.GeminiProviderFactory;
import dev.switchboard.provider.ollama.OllamaProviderFactory;
import dev.switchboard.provider.openai.OpenAiProviderFactory;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Ndjson;
import dev.switchboard.testkit.Sse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One tool-using conversation (the user asks, the model calls a tool, the caller answers the call, the model
 * answers) through a route whose targets are different provider types on local stubs. The first turn is answered by
 * one type; on the next turn that target fails, so another type answers a conversation holding the first type's tool
 * call id and its result. Each provider must have received a valid request in its own wire format.
 *
 * <p>With reasoning: a tool turn with thinking that continues on the same provider type sends its signed reasoning
 * back (Anthropic's thinking block, Gemini's thought signature), streamed or not; one that continues on another type
 * sends none of it.
 */
@Timeout(60)
class CrossProviderConversationTest {

    private static final String KEY = "test-key-not-real";
    private static final String OPENAI_CHAT = "/v1/chat/completions";
    private static final String ANTHROPIC_MESSAGES = "/v1/messages";
    private static final String OLLAMA_CHAT = "/api/chat";
    private static final String GEMINI_GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String GEMINI_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    private static final String THINKING = "The user wants to know the current weather in Boston. I have access to a function "
            + "`get_current_weather` that can provide this information. The function requires a location parameter.";
    private static final String THINKING_SIGNATURE =
            "BDaL4VrbR2Oj0hO4XpJxT28J5TILnCrrUXoKiiNBZW9P+nr8XSj1zuZzAl4egiCCpQNvfyUuFFJP5CncdYZEQPPmLxYsNrcs....";
    private static final String THOUGHT_SIGNATURE = "CtwBAdHtim8Qm3sbQe1bWkY4tB9FhS4yQ0xXnB8qWmF7dQ2pL5cRkT0vZ1yH3gJ6uA9eN2sK4wE8oI7rP0tU5iY1aS3dF6gH9jK2lZ4xC7vB0nM5qW8eR1tY4uI7oP0aS3dF==";
    private static final String SYSTEM = "You are a weather assistant. Use the tools you are given.";
    private static final String QUESTION = "What's the weather like in Boston today?";
    private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"location\":{\"type\":\"string\",\"description\":\"The city and state, e.g. San Francisco, CA\"},"
            + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\"]}";
    private static final ToolDefinition WEATHER =
            ToolDefinition.of("get_current_weather", "Get the current weather in a given location", WEATHER_SCHEMA);
    private static final String RESULT = "{\"temperature\": \"22\", \"unit\": \"celsius\", \"description\": \"Sunny\"}";

    private final WireMockServer openAiServer = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    private final WireMockServer anthropicServer = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    private final WireMockServer ollamaServer = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    private final WireMockServer geminiServer = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    private HttpTransport transport;
    private LlmProvider openai;
    private LlmProvider anthropic;
    private LlmProvider ollama;
    private LlmProvider gemini;

    @BeforeEach
    void startStubsAndProviders() {
        openAiServer.start();
        anthropicServer.start();
        ollamaServer.start();
        geminiServer.start();
        transport = HttpTransport.create();
        ProviderContext context = ProviderContext.of(transport);
        openai = new OpenAiProviderFactory().create(ProviderSettings.builder("openai", "openai")
                .baseUrl(openAiServer.baseUrl() + "/v1").apiKey(KEY).model("gpt-4o-mini").build(), context);
        anthropic = new AnthropicProviderFactory().create(ProviderSettings.builder("anthropic", "anthropic")
                .baseUrl(anthropicServer.baseUrl() + "/v1").apiKey(KEY).model("claude-haiku-4-5").build(), context);
        ollama = new OllamaProviderFactory().create(ProviderSettings.builder("ollama", "ollama")
                .baseUrl(ollamaServer.baseUrl()).model("llama3.2").build(), context);
        gemini = new GeminiProviderFactory().create(ProviderSettings.builder("gemini", "gemini")
                .baseUrl(geminiServer.baseUrl() + "/v1beta").apiKey(KEY).model("gemini-2.5-flash").build(), context);
    }

    @AfterEach
    void stop() {
        transport.close();
        openAiServer.stop();
        anthropicServer.stop();
        ollamaServer.stop();
        geminiServer.stop();
    }

    private static ProviderManager route(LlmProvider... targets) {
        ProviderManager.Builder b = ProviderManager.builder(targets[0]).name("weather").retry(RetryPolicy.none());
        for (int i = 1; i < targets.length; i++) {
            b.fallback(targets[i]);
        }
        return b.build();
    }

    private static ChatRequest question() {
        return ChatRequest.builder().system(SYSTEM).user(QUESTION).addTool(WEATHER).build();
    }

    /** The question with Anthropic's extended thinking on (a provider parameter: every target of the route gets it). */
    private static ChatRequest questionWithThinking() {
        return question().toBuilder().providerParameter("thinking", Map.of("type", "enabled", "budget_tokens", 2048)).build();
    }

    /** The conversation after the model's tool call: its message, then the caller's answer to each call. */
    private static ChatRequest withToolResults(ChatRequest asked, ChatResponse answer) {
        ChatRequest.Builder next = asked.toBuilder().addMessage(answer.message());
        for (ToolCall call : answer.toolCalls()) {
            next.addMessage(Message.toolResult(call.id(), call.name(), RESULT));
        }
        return next.build();
    }

    private static String fixture(String name) {
        return Fixtures.load("fixtures/cross-provider/" + name);
    }

    /** Answers only requests whose conversation already holds a tool result ({@code jsonPath} says where). */
    private static MappingBuilder onceTheToolHasAnswered(MappingBuilder post, String jsonPath) {
        return post.withRequestBody(matchingJsonPath(jsonPath)).atPriority(1);
    }

    private static JsonNode lastBody(WireMockServer server, String path) {
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(requests).as("requests to %s", path).isNotEmpty();
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    private static ChatResponse ask(ProviderManager route, ChatRequest request, boolean streamed) {
        return streamed ? route.stream(request).collect() : route.chat(request);
    }

    private static JsonNode json(String text) {
        return Json.parse(text, "expected");
    }

    @Test
    void anOpenAiToolCallIsFinishedByAnthropicWhenOpenAiIsOverloaded() {
        // given: OpenAI calls the tool on the first turn and is overloaded on the next; Anthropic answers
        openAiServer.stubFor(post(OPENAI_CHAT).willReturn(okJson(fixture("openai-tool-call.json"))));
        openAiServer.stubFor(onceTheToolHasAnswered(post(OPENAI_CHAT), "$.messages[?(@.role == 'tool')]")
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody(fixture("openai-503-overloaded.json"))));
        anthropicServer.stubFor(post(ANTHROPIC_MESSAGES).willReturn(okJson(fixture("anthropic-final-answer.json"))));
        ProviderManager route = route(openai, anthropic, ollama);

        // when
        ChatRequest asked = question();
        ChatResponse first = route.chat(asked);
        ChatResponse second = route.chat(withToolResults(asked, first));

        // then: the first turn is OpenAI's tool call, the second Anthropic's answer after OpenAI failed
        assertThat(first.provider()).isEqualTo("openai");
        assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(first.toolCalls()).extracting(ToolCall::id, ToolCall::name).containsExactly(tuple("call_abc123", "get_current_weather"));
        assertThat(second.provider()).isEqualTo("anthropic");
        assertThat(second.text()).isEqualTo("The weather in Boston, MA is currently **22\u00b0C** and **Sunny**.");
        assertThat(second.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("openai", ErrorKind.OVERLOADED), tuple("anthropic", null));

        // and Anthropic got the whole conversation in its own format: system on top, OpenAI's call as a tool_use
        // block with the arguments as an object, the result as a tool_result block answering the same id
        JsonNode body = lastBody(anthropicServer, ANTHROPIC_MESSAGES);
        assertThat(body.path("system").asText()).isEqualTo(SYSTEM);
        assertThat(body.path("max_tokens").asInt()).isPositive();
        assertThat(body.path("messages")).isEqualTo(json("["
                + "{\"role\":\"user\",\"content\":\"What's the weather like in Boston today?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"call_abc123\",\"name\":\"get_current_weather\","
                + "\"input\":{\"location\":\"Boston, MA\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_abc123\",\"content\":"
                + Json.toJson(RESULT) + "}]}]"));
        assertThat(body.path("tools")).isEqualTo(json("[{\"name\":\"get_current_weather\",\"description\":"
                + "\"Get the current weather in a given location\",\"input_schema\":" + WEATHER_SCHEMA + "}]"));
        ollamaServer.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aStreamedAnthropicToolCallIsFinishedByOllamaWhenAnthropicIsOverloaded() {
        // given: Anthropic streams a tool call on the first turn and answers 529 on the next; Ollama streams the answer
        anthropicServer.stubFor(post(ANTHROPIC_MESSAGES).willReturn(Sse.ok(fixture("anthropic-tool-use.sse"))));
        anthropicServer.stubFor(onceTheToolHasAnswered(post(ANTHROPIC_MESSAGES), "$.messages[2].content[?(@.type == 'tool_result')]")
                .willReturn(aResponse().withStatus(529).withHeader("Content-Type", "application/json")
                        .withBody(fixture("anthropic-529-overloaded.json"))));
        ollamaServer.stubFor(post(OLLAMA_CHAT).willReturn(Ndjson.ok(fixture("ollama-final-answer.ndjson"))));
        ProviderManager route = route(anthropic, ollama, openai);

        // when
        ChatRequest asked = question();
        ChatResponse first = route.stream(asked).collect();
        ChatResponse second = route.stream(withToolResults(asked, first)).collect();

        // then
        assertThat(first.provider()).isEqualTo("anthropic");
        assertThat(first.text()).isEqualTo("I'll check the current weather in Boston for you.");
        assertThat(first.toolCalls()).extracting(ToolCall::id, ToolCall::name)
                .containsExactly(tuple("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_current_weather"));
        assertThat(second.provider()).isEqualTo("ollama");
        assertThat(second.text()).isEqualTo("It is sunny in Boston, 22 °C.");
        assertThat(second.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("anthropic", ErrorKind.OVERLOADED), tuple("ollama", null));

        // and Ollama got the conversation in its own format: Anthropic's call with object arguments, the result as a
        // tool message naming the tool, the tools as functions
        JsonNode body = lastBody(ollamaServer, OLLAMA_CHAT);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("messages")).isEqualTo(json("["
                + "{\"role\":\"system\",\"content\":" + Json.toJson(SYSTEM) + "},"
                + "{\"role\":\"user\",\"content\":\"What's the weather like in Boston today?\"},"
                + "{\"role\":\"assistant\",\"content\":\"I'll check the current weather in Boston for you.\",\"tool_calls\":["
                + "{\"function\":{\"name\":\"get_current_weather\",\"arguments\":{\"location\":\"Boston, MA\",\"unit\":\"celsius\"}}}]},"
                + "{\"role\":\"tool\",\"content\":" + Json.toJson(RESULT) + ",\"tool_name\":\"get_current_weather\"}]"));
        assertThat(body.path("tools").get(0).path("function").path("parameters")).isEqualTo(json(WEATHER_SCHEMA));
        openAiServer.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anOllamaToolCallIsFinishedByOpenAiWhenOllamaFails() {
        // given: Ollama calls the tool (its calls carry no id, so one is made) and fails on the next turn
        ollamaServer.stubFor(post(OLLAMA_CHAT).willReturn(okJson(fixture("ollama-tool-call.json"))));
        ollamaServer.stubFor(onceTheToolHasAnswered(post(OLLAMA_CHAT), "$.messages[?(@.role == 'tool')]")
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody(fixture("ollama-500.json"))));
        openAiServer.stubFor(post(OPENAI_CHAT).willReturn(okJson(fixture("openai-final-answer.json"))));
        ProviderManager route = route(ollama, openai, anthropic);

        // when
        ChatRequest asked = question();
        ChatResponse first = route.chat(asked);
        ChatResponse second = route.chat(withToolResults(asked, first));

        // then
        assertThat(first.provider()).isEqualTo("ollama");
        String callId = first.toolCalls().get(0).id();
        assertThat(callId).isNotBlank();
        assertThat(second.provider()).isEqualTo("openai");
        assertThat(second.text()).isEqualTo("It is sunny in Boston, MA, at 22 degrees Celsius.");
        assertThat(second.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("ollama", ErrorKind.SERVER), tuple("openai", null));

        // and OpenAI got it in its own format: the call with its id and JSON-text arguments, the result answering it
        JsonNode body = lastBody(openAiServer, OPENAI_CHAT);
        assertThat(body.path("messages")).isEqualTo(json("["
                + "{\"role\":\"system\",\"content\":" + Json.toJson(SYSTEM) + "},"
                + "{\"role\":\"user\",\"content\":\"What's the weather like in Boston today?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + callId + "\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_current_weather\",\"arguments\":\"{\\\"location\\\":\\\"Boston, MA\\\",\\\"unit\\\":\\\"celsius\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"content\":" + Json.toJson(RESULT) + ",\"tool_call_id\":\"" + callId + "\"}]"));
        assertThat(body.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_current_weather");
        anthropicServer.verify(0, anyRequestedFor(anyUrl()));
    }

    // ------------------------------------------------------------------------------------------- reasoning

    /** Anthropic answers a tool turn with a signed thinking block: whole, or as a stream. */
    private void anthropicThinksAndCallsTheTool(boolean streamed) {
        anthropicServer.stubFor(post(ANTHROPIC_MESSAGES).willReturn(streamed
                ? Sse.ok(fixture("anthropic-thinking-tool-use.sse")) : okJson(fixture("anthropic-thinking-tool-use.json"))));
    }

    /** Gemini answers a tool turn with a thought signature on its function call: whole, or as a stream. */
    private void geminiCallsTheToolWithASignature(boolean streamed) {
        geminiServer.stubFor(streamed
                ? post(urlPathEqualTo(GEMINI_STREAM)).willReturn(Sse.ok(fixture("gemini-tool-call-thought-signature.sse")))
                : post(urlPathEqualTo(GEMINI_GENERATE)).willReturn(okJson(fixture("gemini-tool-call-thought-signature.json"))));
    }

    private static String geminiPath(boolean streamed) {
        return streamed ? GEMINI_STREAM : GEMINI_GENERATE;
    }

    private static JsonNode lastGeminiBody(WireMockServer server, boolean streamed) {
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlPathEqualTo(geminiPath(streamed))));
        assertThat(requests).as("requests to Gemini").isNotEmpty();
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void anAnthropicThinkingToolTurnGoesBackToAnthropicWithItsSignedThinkingFirst(boolean streamed) {
        // given: Anthropic thinks and calls the tool, then answers once the tool has
        anthropicThinksAndCallsTheTool(streamed);
        anthropicServer.stubFor(onceTheToolHasAnswered(post(ANTHROPIC_MESSAGES), "$.messages[2].content[?(@.type == 'tool_result')]")
                .willReturn(streamed ? Sse.ok(fixture("anthropic-thinking-final-answer.sse")) : okJson(fixture("anthropic-final-answer.json"))));
        ProviderManager route = route(anthropic, gemini);

        // when
        ChatRequest asked = questionWithThinking();
        ChatResponse first = ask(route, asked, streamed);
        ChatResponse second = ask(route, withToolResults(asked, first), streamed);

        // then: the first answer keeps the signed block; the next request has it unchanged, before text and tool_use
        assertThat(first.message().reasoningBlocks())
                .containsExactly(ReasoningBlock.thinking("anthropic", THINKING, THINKING_SIGNATURE));
        assertThat(first.reasoning()).isEqualTo(THINKING);
        assertThat(second.provider()).isEqualTo("anthropic");
        assertThat(second.text()).isEqualTo("The weather in Boston, MA is currently **22\u00b0C** and **Sunny**.");
        assertThat(lastBody(anthropicServer, ANTHROPIC_MESSAGES).path("messages").get(1)).isEqualTo(json(
                "{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":" + Json.toJson(THINKING) + ",\"signature\":" + Json.toJson(THINKING_SIGNATURE) + "},"
                + "{\"type\":\"text\",\"text\":\"I'll check the current weather in Boston for you.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_01CswdEQBMshySk6Y9DFKrfq\",\"name\":\"get_current_weather\","
                + "\"input\":{\"location\":\"Boston, MA\"}}]}"));
        geminiServer.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aGeminiToolTurnGoesBackToGeminiWithTheSignatureOnItsFunctionCall(boolean streamed) {
        // given: Gemini calls the tool with a thought signature, then answers once the tool has
        geminiCallsTheToolWithASignature(streamed);
        geminiServer.stubFor(onceTheToolHasAnswered(post(urlPathEqualTo(geminiPath(streamed))), "$.contents[2].parts[0].functionResponse")
                .willReturn(streamed ? Sse.ok(fixture("gemini-final-answer.sse")) : okJson(fixture("gemini-final-answer.json"))));
        ProviderManager route = route(gemini, anthropic);

        // when
        ChatRequest asked = question();
        ChatResponse first = ask(route, asked, streamed);
        ChatResponse second = ask(route, withToolResults(asked, first), streamed);

        // then: the signature rides on the call's part, as it came
        String callId = first.toolCalls().get(0).id();
        assertThat(first.message().reasoningBlocks()).containsExactly(ReasoningBlock.signature("gemini", THOUGHT_SIGNATURE, callId));
        assertThat(second.provider()).isEqualTo("gemini");
        assertThat(second.text()).isEqualTo("It is sunny in Boston, MA, at 22 \u00b0C.");
        assertThat(second.message().reasoningBlocks()).hasSize(1);
        JsonNode contents = lastGeminiBody(geminiServer, streamed).path("contents");
        assertThat(contents.get(1)).isEqualTo(json("{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_current_weather\","
                + "\"args\":{\"location\":\"Boston, MA\"}},\"thoughtSignature\":\"" + THOUGHT_SIGNATURE + "\"}]}"));
        assertThat(contents.get(2).at("/parts/0/functionResponse/name").asText()).isEqualTo("get_current_weather");
        anthropicServer.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void whenAnthropicFailsGeminiGetsTheToolTurnWithoutAnthropicsThinking(boolean streamed) {
        // given: Anthropic thinks and calls the tool, then is overloaded; Gemini answers
        anthropicThinksAndCallsTheTool(streamed);
        anthropicServer.stubFor(onceTheToolHasAnswered(post(ANTHROPIC_MESSAGES), "$.messages[2].content[?(@.type == 'tool_result')]")
                .willReturn(aResponse().withStatus(529).withHeader("Content-Type", "application/json")
                        .withBody(fixture("anthropic-529-overloaded.json"))));
        geminiServer.stubFor(post(urlPathEqualTo(geminiPath(streamed)))
                .willReturn(streamed ? Sse.ok(fixture("gemini-final-answer.sse")) : okJson(fixture("gemini-final-answer.json"))));
        ProviderManager route = route(anthropic, gemini);

        // when
        ChatRequest asked = questionWithThinking();
        ChatResponse first = ask(route, asked, streamed);
        ChatResponse second = ask(route, withToolResults(asked, first), streamed);

        // then: Gemini got the text and the call, and not a trace of the thinking or its signature (the thinking
        // parameter itself passes through, as every provider parameter does)
        assertThat(first.message().reasoningBlocks()).hasSize(1);
        assertThat(second.provider()).isEqualTo("gemini");
        assertThat(second.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("anthropic", ErrorKind.OVERLOADED), tuple("gemini", null));
        JsonNode body = lastGeminiBody(geminiServer, streamed);
        assertThat(body.path("contents").get(1)).isEqualTo(json("{\"role\":\"model\",\"parts\":["
                + "{\"text\":\"I'll check the current weather in Boston for you.\"},"
                + "{\"functionCall\":{\"name\":\"get_current_weather\",\"args\":{\"location\":\"Boston, MA\"}}}]}"));
        assertThat(body.toString()).doesNotContain("BDaL4VrbR2Oj0hO4").doesNotContain("The user wants to know")
                .doesNotContain("thoughtSignature").doesNotContain("\"thought\"");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void whenGeminiFailsAnthropicGetsTheToolTurnWithoutGeminisSignature(boolean streamed) {
        // given: Gemini calls the tool with a thought signature, then is unavailable; Anthropic answers
        geminiCallsTheToolWithASignature(streamed);
        geminiServer.stubFor(onceTheToolHasAnswered(post(urlPathEqualTo(geminiPath(streamed))), "$.contents[2].parts[0].functionResponse")
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody(fixture("gemini-503-unavailable.json"))));
        anthropicServer.stubFor(post(ANTHROPIC_MESSAGES).willReturn(streamed
                ? Sse.ok(fixture("anthropic-thinking-final-answer.sse")) : okJson(fixture("anthropic-final-answer.json"))));
        ProviderManager route = route(gemini, anthropic);

        // when
        ChatRequest asked = question();
        ChatResponse first = ask(route, asked, streamed);
        ChatResponse second = ask(route, withToolResults(asked, first), streamed);

        // then: Anthropic got Gemini's call as a plain tool_use, no thinking block and no signature
        String callId = first.toolCalls().get(0).id();
        assertThat(second.provider()).isEqualTo("anthropic");
        JsonNode body = lastBody(anthropicServer, ANTHROPIC_MESSAGES);
        assertThat(body.path("messages").get(1)).isEqualTo(json("{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"" + callId + "\",\"name\":\"get_current_weather\",\"input\":{\"location\":\"Boston, MA\"}}]}"));
        assertThat(body.toString()).doesNotContain("CtwBAdHtim8Q").doesNotContain("thinking");
    }
}
