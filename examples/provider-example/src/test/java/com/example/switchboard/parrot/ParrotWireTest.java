package com.example.switchboard.parrot;

import static com.example.switchboard.parrot.ParrotStubs.GENERATE;
import static com.example.switchboard.parrot.ParrotStubs.MODELS;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Content;
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
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What goes over the wire beyond the contract: the request in Parrot's shape with its headers, the documented answers
 * and stream (fixtures/parrot) read with their quota headers, a fault mid-stream, and what is refused before sending.
 */
@Timeout(30)
class ParrotWireTest {

    private static final String NAME = "parrot-wire";
    private static final String KEY = "pk-test-key-not-real-wire";

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

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

    private static LlmProvider provider(String ownKeys) {
        return create(ParrotStubs.settings(NAME, server.baseUrl(), ownKeys).apiKey(KEY).build());
    }

    private static LlmProvider create(ProviderSettings settings) {
        return new ParrotProviderFactory().create(settings, ProviderContext.of(transport));
    }

    @Test
    void sendsTheConversationInParrotsShapeWithTheKeyVersionAndWorkspaceHeaders() {
        // given a tool round trip with every option Parrot has
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(Fixtures.load("fixtures/parrot/generate.json"))));
        ChatRequest request = ChatRequest.builder()
                .system("Answer briefly.")
                .user("Weather in Paris?")
                .addMessage(Message.assistant("", List.of(new ToolCall("call_w31", "get_weather", "{\"city\":\"Paris\"}"))))
                .addMessage(Message.toolResult("call_w31", "get_weather", "{\"temp\":21}"))
                .tools(List.of(ToolDefinition.of("get_weather", "Current weather in a city",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
                .toolChoice(ToolChoice.function("get_weather"))
                .temperature(0.2).maxOutputTokens(256).stop(List.of("\n\n"))
                .providerParameter("voice", "pirate")
                .build();

        // when
        try (LlmProvider parrot = provider("workspace = research")) {
            parrot.chat(request);
        }

        // then
        server.verify(postRequestedFor(urlPathEqualTo(GENERATE))
                .withHeader("X-Parrot-Key", equalTo(KEY))
                .withHeader("Parrot-Version", equalTo("2025-06-01"))
                .withHeader("Parrot-Workspace", equalTo("research"))
                .withHeader("Authorization", absent())
                .withRequestBody(equalToJson("""
                        {"model": "parrot-small",
                         "instructions": "Answer briefly.",
                         "turns": [
                           {"speaker": "human", "text": "Weather in Paris?"},
                           {"speaker": "parrot", "text": "",
                            "calls": [{"call_id": "call_w31", "tool": "get_weather", "input": {"city": "Paris"}}]},
                           {"speaker": "tool", "call_id": "call_w31", "text": "{\\"temp\\":21}"}],
                         "tools": [{"name": "get_weather", "about": "Current weather in a city",
                                    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
                         "tool_mode": "required", "allowed_tools": ["get_weather"],
                         "sampling": {"temperature": 0.2},
                         "limits": {"max_tokens": 256, "stop_words": ["\\n\\n"]},
                         "voice": "pirate",
                         "stream": false}""")));
    }

    @Test
    void readsTheDocumentedAnswerAndItsQuotaHeaders() {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(Fixtures.load("fixtures/parrot/generate.json"))
                .withHeader("Parrot-Quota-Limit", "600").withHeader("Parrot-Quota-Remaining", "598")
                .withHeader("Parrot-Quota-Reset", "42")));

        ChatResponse response;
        try (LlmProvider parrot = provider("")) {
            response = parrot.chat(ChatRequest.of("Hello"));
        }

        assertThat(response.id()).isEqualTo("gen_7Qx2m");
        assertThat(response.model()).isEqualTo("parrot-small-2025-05");
        assertThat(response.text()).isEqualTo("Hello! How can I help?");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("complete");
        assertThat(response.usage()).isEqualTo(Usage.of(21, 7));
        assertThat(response.rateLimits().limitRequests()).isEqualTo(OptionalLong.of(600));
        assertThat(response.rateLimits().remainingRequests()).isEqualTo(OptionalLong.of(598));
        assertThat(response.rateLimits().resetRequests()).hasValue(Duration.ofSeconds(42));
    }

    @Test
    void readsTheDocumentedToolCallAnswer() {
        server.stubFor(post(urlPathEqualTo(GENERATE))
                .willReturn(okJson(Fixtures.load("fixtures/parrot/generate-tool-calls.json"))));

        ChatResponse response;
        try (LlmProvider parrot = provider("")) {
            response = parrot.chat(ChatRequest.of("Weather in Paris?"));
        }

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_w31");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.argumentsAsMap().get("city")).isEqualTo("Paris");
        });
    }

    @Test
    void streamsTheDocumentedEventsSkippingKeepAlivesAndEventsItDoesNotKnow() {
        // given the documented stream, with an event a newer API version might add
        String body = Fixtures.load("fixtures/parrot/generate-stream.sse")
                .replace("event: done", "event: safety_note\ndata: {\"note\":\"none\"}\n\nevent: done");
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(Sse.ok(body).withHeader("Parrot-Quota-Remaining", "597")));

        List<ChatEvent> events = new ArrayList<>();
        try (LlmProvider parrot = provider(""); ChatStream stream = parrot.stream(ChatRequest.of("Hello"))) {
            stream.forEachRemaining(events::add);
            assertThat(stream.rateLimits().remainingRequests()).isEqualTo(OptionalLong.of(597));
        }

        assertThat(events).containsExactly(
                new ChatEvent.Started("gen_3Hd8s", "parrot-small-2025-05"),
                new ChatEvent.TextDelta("Hello"),
                new ChatEvent.TextDelta("! How can I help?"),
                new ChatEvent.UsageReport(Usage.of(21, 7)),
                new ChatEvent.Finished(FinishReason.STOP, "complete"));
        server.verify(postRequestedFor(urlPathEqualTo(GENERATE))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"stream\": true}", true, true)));
    }

    @Test
    void aFaultEventMidStreamFailsWithItsKindAndRetryHintAfterTheTextBeforeIt() {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(Sse.ok(Fixtures.load("fixtures/parrot/generate-stream-fault.sse"))));

        StringBuilder text = new StringBuilder();
        LlmException e;
        try (LlmProvider parrot = provider(""); ChatStream stream = parrot.stream(ChatRequest.of("Hello"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(event -> {
                if (event instanceof ChatEvent.TextDelta t) {
                    text.append(t.text());
                }
            }));
        }

        assertThat(text).hasToString("The answer is");
        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.code()).hasValue("overloaded");
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(4));
        assertThat(e.getMessage()).isEqualTo(NAME + ": overloaded: fault in stream: Capacity ran out mid-answer.");
    }

    @Test
    void refusesImagesAndResponseFormatsBeforeSendingAnything() {
        ChatRequest image = ChatRequest.builder()
                .addMessage(Message.user(Content.text("What is this?"), Content.imageUrl("https://example.com/a.png"))).build();
        ChatRequest json = ChatRequest.builder().user("List three birds").responseFormat(ResponseFormat.JSON).build();

        try (LlmProvider parrot = provider("")) {
            for (ChatRequest r : List.of(image, json)) {
                assertThat(catchThrowableOfType(LlmException.class, () -> parrot.chat(r)).kind()).isEqualTo(ErrorKind.UNSUPPORTED);
                assertThat(catchThrowableOfType(LlmException.class, () -> parrot.stream(r)).kind()).isEqualTo(ErrorKind.UNSUPPORTED);
            }
        }

        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutAKeyACallFailsBeforeSendingNamingTheVariableToSet() {
        LlmException e;
        try (LlmProvider parrot = create(ParrotStubs.settings(NAME, server.baseUrl(), "").apiKeyEnv("PARROT_API_KEY").build())) {
            e = catchThrowableOfType(LlmException.class, () -> parrot.chat(ChatRequest.of("Hello")));
        }

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("set PARROT_API_KEY or switchboard.providers." + NAME + ".api-key");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void listsTheDocumentedModels() {
        server.stubFor(get(urlPathEqualTo(MODELS)).willReturn(okJson(Fixtures.load("fixtures/parrot/models.json"))));

        List<ModelInfo> models;
        try (LlmProvider parrot = provider("")) {
            models = parrot.listModels();
        }

        assertThat(models).containsExactly(
                ModelInfo.builder("parrot-small", NAME).kind("chat").contextLength(32000).build(),
                ModelInfo.builder("parrot-large", NAME).kind("chat").contextLength(128000).build());
        server.verify(getRequestedFor(urlPathEqualTo(MODELS)).withHeader("X-Parrot-Key", equalTo(KEY)));
    }
}
