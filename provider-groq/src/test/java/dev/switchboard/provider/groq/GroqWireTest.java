package dev.switchboard.provider.groq;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import static dev.switchboard.provider.groq.GroqTestSupport.CHAT;
import static dev.switchboard.provider.groq.GroqTestSupport.KEY;
import static dev.switchboard.provider.groq.GroqTestSupport.NAME;
import static dev.switchboard.provider.groq.GroqTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Groq's OpenAI-compatible Chat Completions and Models: the documented and recorded bodies read back, the request
 * bodies we send, stream usage from {@code x_groq.usage}, the {@code x-ratelimit-*} headers, and no embeddings.
 */
class GroqWireTest {

    @RegisterExtension
    static final WireMockExtension server = GroqTestSupport.wireMock();

    private static final String STREAM_TEXT = "Introducing \"Luminaria\" - a new holiday.";
    private static final ToolDefinition WEATHER = ToolDefinition.of("weather", "Get the weather in a location",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}");

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
        return GroqTestSupport.provider(server, transport);
    }

    // ------------------------------------------------------------------------------------------- chat

    @Test
    void readsTheDocumentedChatCompletion() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-completion.json"))));

        ChatResponse response = provider().chat(ChatRequest.of("Explain the importance of fast language models"));

        assertThat(response.id()).isEqualTo("chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22");
        assertThat(response.model()).isEqualTo("llama3-8b-8192");
        assertThat(response.provider()).isEqualTo(NAME);
        assertThat(response.text()).startsWith("Fast language models have gained significant attention");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(18, 556));
    }

    @Test
    void requestCarriesTheBearerKeyTheConfiguredModelAndMaxCompletionTokens() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-completion.json"))));

        provider().chat(ChatRequest.builder().system("You are a helpful assistant.").user("Explain the importance of low latency LLMs")
                .maxOutputTokens(1024).temperature(0.5).topP(1.0).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("""
                        {"model": "llama-3.1-8b-instant",
                         "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                      {"role": "user", "content": "Explain the importance of low latency LLMs"}],
                         "temperature": 0.5,
                         "top_p": 1.0,
                         "max_completion_tokens": 1024}""")));
    }

    @Test
    void rateLimitHeadersSurfaceOnTheResponse() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-completion.json"))
                .withHeader("x-ratelimit-limit-requests", "14400")
                .withHeader("x-ratelimit-limit-tokens", "18000")
                .withHeader("x-ratelimit-remaining-requests", "14370")
                .withHeader("x-ratelimit-remaining-tokens", "17997")
                .withHeader("x-ratelimit-reset-requests", "2m59.56s")
                .withHeader("x-ratelimit-reset-tokens", "7.66s")));

        RateLimits limits = provider().chat(ChatRequest.of("Hello!")).rateLimits();

        assertThat(limits).isEqualTo(RateLimits.builder()
                .limitRequests(14400)
                .remainingRequests(14370)
                .resetRequests(Duration.ofMinutes(2).plusMillis(59_560))
                .limitTokens(18000)
                .remainingTokens(17997)
                .resetTokens(Duration.ofMillis(7_660))
                .build());
    }

    // ------------------------------------------------------------------------------------------- streaming

    @Test
    void theRecordedStreamYieldsItsPiecesAStopAndTheUsage() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(ChatRequest.of("Invent a holiday"))) {
            stream.forEachRemaining(events::add);
        }

        assertThat(events.get(0)).isEqualTo(new ChatEvent.Started("chatcmpl-7eb08824-fb8d-47af-a1f0-3aa786f2d1f3", "llama-3.3-70b-versatile"));
        assertThat(events).filteredOn(ChatEvent.TextDelta.class::isInstance).hasSize(12);
        assertThat(events).contains(new ChatEvent.Finished(FinishReason.STOP, "stop"));
        assertThat(events).filteredOn(ChatEvent.UsageReport.class::isInstance).last()
                .isEqualTo(new ChatEvent.UsageReport(Usage.of(45, 662)));
        // Groq's chat API (its OpenAPI-generated SDK's CompletionCreateParams) defines no stream_options: the usage
        // comes in the last chunk's x_groq.usage without asking
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("{\"stream\": true}", false, true))
                .withRequestBody(notContaining("stream_options")));
    }

    @Test
    void aStreamWhoseUsageIsOnlyInXGroqStillReportsIt() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-tool-calls.sse"))));

        ChatResponse response = provider().stream(ChatRequest.builder().user("Make up a value").addTool(WEATHER).build()).collect();

        assertThat(response.usage()).isEqualTo(Usage.of(18, 439));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_O17Uplv4lJvD6DVdIvFFeRMw", "test-tool", "{\"value\":\"Sparkle Day\"}"));
        assertThat(response.model()).isEqualTo("gemma2-9b-it");
    }

    @Test
    void rateLimitHeadersOfAStreamSurfaceInTheCollectedResponse() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))
                .withHeader("x-ratelimit-remaining-requests", "14370")
                .withHeader("x-ratelimit-remaining-tokens", "17997")
                .withHeader("x-ratelimit-reset-tokens", "7.66s")));

        ChatResponse response = provider().stream(ChatRequest.of("Invent a holiday")).collect();

        assertThat(response.text()).isEqualTo(STREAM_TEXT);
        assertThat(response.rateLimits().remainingRequests()).hasValue(14370);
        assertThat(response.rateLimits().remainingTokens()).hasValue(17997);
        assertThat(response.rateLimits().resetTokens()).hasValue(Duration.ofMillis(7_660));
    }

    @Test
    void anXGroqErrorMidStreamFailsTheStreamAfterTheTextBeforeIt() {
        String recorded = fixture("chat-stream-text.sse");
        String firstChunks = recorded.substring(0, recorded.indexOf("data: ", recorded.indexOf("roducing")));
        String errorChunk = "data: {\"id\":\"chatcmpl-7eb08824-fb8d-47af-a1f0-3aa786f2d1f3\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1770770839,\"model\":\"llama-3.3-70b-versatile\",\"choices\":[],"
                + "\"x_groq\":{\"id\":\"req_01kh52ndshfr2azv0xe6tnv4fx\",\"error\":\"upstream inference worker stopped\"}}\n\n";
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(firstChunks + errorChunk + "data: [DONE]\n\n")));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("Invent a holiday"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta("Int"), new ChatEvent.TextDelta("roducing"));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains(NAME).contains("upstream inference worker stopped");
    }

    // ------------------------------------------------------------------------------------------- tool calls

    @Test
    void aToolCallRoundTripSendsTheAssistantCallAndTheToolResultBack() {
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(fixture("chat-completion-tool-calls.json"))).willSetStateTo("called"));
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs("called")
                .willReturn(okJson(fixture("chat-completion.json"))));
        LlmProvider provider = provider();
        ChatRequest ask = ChatRequest.builder().user("What is the weather in San Francisco?").addTool(WEATHER).build();

        ChatResponse call = provider.chat(ask);
        ToolCall toolCall = call.toolCalls().get(0);
        ChatResponse answer = provider.chat(ask.toBuilder()
                .addMessage(call.message())
                .addMessage(Message.toolResult(toolCall.id(), toolCall.name(), "{\"temperature\": 18}"))
                .build());

        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(toolCall).isEqualTo(new ToolCall("ax9fskhev", "weather", "{}"));
        assertThat(call.usage()).isEqualTo(Usage.of(218, 15));
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"tools": [{"type": "function",
                            "function": {"name": "weather", "description": "Get the weather in a location",
                                         "parameters": {"type": "object",
                                                        "properties": {"location": {"type": "string"}},
                                                        "required": ["location"]}}}],
                 "messages": [{"role": "user", "content": "What is the weather in San Francisco?"}]}""", false, true)));
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"messages": [
                   {"role": "user", "content": "What is the weather in San Francisco?"},
                   {"role": "assistant", "content": null,
                    "tool_calls": [{"id": "ax9fskhev", "type": "function",
                                    "function": {"name": "weather", "arguments": "{}"}}]},
                   {"role": "tool", "content": "{\\"temperature\\": 18}", "tool_call_id": "ax9fskhev"}]}""", false, true)));
    }

    // ------------------------------------------------------------------------------------------- models, embeddings

    @Test
    void readsTheDocumentedModelListWithOwnersAndContextWindows() {
        server.stubFor(get(urlPathEqualTo("/openai/v1/models")).willReturn(okJson(fixture("models.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id)
                .containsExactly("gemma2-9b-it", "llama3-8b-8192", "whisper-large-v3-turbo", "llama-3.1-8b-instant");
        assertThat(models).extracting(m -> m.ownedBy().orElse("")).containsExactly("Google", "Meta", "OpenAI", "Meta");
        assertThat(models).extracting(m -> m.contextLength().orElse(0)).containsExactly(8192, 8192, 448, 131072);
        server.verify(getRequestedFor(urlEqualTo("/openai/v1/models")).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void groqOffersNoEmbeddingsAndRefusesThemBeforeSending() {
        LlmProvider provider = provider();

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.embed(EmbeddingRequest.of("text")));

        assertThat(provider.capabilities()).doesNotContain(Capability.EMBEDDINGS).contains(Capability.CHAT, Capability.TOOLS);
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("embeddings").contains("groq");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aMissingKeyNamesGroqsVariable() {
        LlmProvider provider = new GroqProviderFactory().create(
                GroqTestSupport.settings(GroqTestSupport.baseUrl(server)).apiKey(null).build(),
                dev.switchboard.spi.ProviderContext.of(transport));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hello!")));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("GROQ_API_KEY");
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
