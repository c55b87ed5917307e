package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.MESSAGES;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.NAME;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
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

/** The Messages API event stream, read from the SDK's recorded streams and the documented events. */
class AnthropicStreamWireTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

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
        return AnthropicTestSupport.provider(server, transport);
    }

    private static void streamWith(String body) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(Sse.ok(body)));
    }

    private static List<ChatEvent> events(ChatRequest request) {
        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(request)) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }

    @Test
    void theFullEventSequenceOfATextAnswerBecomesOurEvents() {
        streamWith(fixture("stream-text.sse"));

        List<ChatEvent> events = events(ChatRequest.of("Hello"));

        assertThat(events).containsExactly(
                new ChatEvent.Started("msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK", "claude-3-opus-latest"),
                new ChatEvent.UsageReport(Usage.of(11, 1)),
                new ChatEvent.TextDelta("Hello"),
                new ChatEvent.TextDelta(" there"),
                new ChatEvent.TextDelta("!"),
                new ChatEvent.Finished(FinishReason.STOP, "end_turn"),
                new ChatEvent.UsageReport(Usage.of(11, 6)));
        server.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("4096"))));
    }

    @Test
    void aStreamedToolCallIsAssembledFromItsInputJsonPieces() {
        streamWith(fixture("stream-tool-use.sse"));

        ChatResponse r = provider().stream(ChatRequest.of("Weather in Paris?")).collect();

        assertThat(r.text()).isEqualTo("I'll check the current weather in Paris for you.");
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).hasSize(1);
        assertThat(r.toolCalls().get(0).id()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
        assertThat(r.toolCalls().get(0).name()).isEqualTo("get_weather");
        assertThat(r.toolCalls().get(0).argumentsAsMap()).isEqualTo(Json.parseObject("{\"location\": \"Paris\"}", "args"));
        assertThat(r.usage()).isEqualTo(Usage.of(377, 65));
        assertThat(r.id()).isEqualTo("msg_019Q1hrJbZG26Fb9BQhrkHEr");
        assertThat(r.model()).isEqualTo("claude-sonnet-4-20250514");
    }

    @Test
    void toolCallsAreNumberedInOrderWhateverTheirBlockIndex() {
        streamWith(fixture("stream-tool-use.sse"));

        List<ChatEvent> events = events(ChatRequest.of("Weather in Paris?"));

        assertThat(events).filteredOn(ChatEvent.ToolCallDelta.class::isInstance)
                .extracting(e -> ((ChatEvent.ToolCallDelta) e).index()).containsOnly(0);
    }

    @Test
    void aRefusalIsAContentFilterStopWithItsThinkingTokens() {
        streamWith(fixture("stream-refusal.sse"));

        ChatResponse r = provider().stream(ChatRequest.of("Hi")).collect();

        assertThat(r.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(r.rawFinishReason()).isEqualTo("refusal");
        assertThat(r.usage()).isEqualTo(Usage.builder().inputTokens(20).outputTokens(120).reasoningTokens(67).build());
    }

    @Test
    void usageInMessageDeltaIsARunningTotalThatReplacesTheStartsCounts() {
        streamWith(fixture("stream-message-delta-usage.sse"));

        List<ChatEvent> events = events(ChatRequest.of("Hi"));

        List<Usage> reports = events.stream().filter(ChatEvent.UsageReport.class::isInstance)
                .map(e -> ((ChatEvent.UsageReport) e).usage()).toList();
        assertThat(reports).containsExactly(
                Usage.builder().inputTokens(25 + 10 + 5).outputTokens(1).cachedInputTokens(5).cacheWriteInputTokens(10)
                        .build(),
                Usage.builder()
                        .inputTokens(40 + 12 + 7)
                        .outputTokens(8)
                        .cachedInputTokens(7)
                        .cacheWriteInputTokens(12)
                        .reasoningTokens(3)
                        .build());
    }

    @Test
    void anOverloadedErrorEventFailsTheStreamAsOverloadedAfterWhatCameBefore() {
        streamWith(fixture("stream-overloaded-error.sse"));
        List<ChatEvent> events = new ArrayList<>();

        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("Hello"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta("Hello"));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.code()).hasValue("overloaded_error");
        assertThat(e.provider()).isEqualTo(NAME);
    }

    @Test
    void pingsAndEventTypesAddedLaterAreSkipped() {
        String text = fixture("stream-text.sse");
        String body = text.replace("event: content_block_stop",
                "event: some_future_event\ndata: {\"type\":\"some_future_event\",\"detail\":1}\n\n"
                        + ": a keep-alive comment\n\nevent: content_block_stop");

        streamWith(body);

        ChatResponse withExtras = provider().stream(ChatRequest.of("Hello")).collect();

        assertThat(withExtras.text()).isEqualTo("Hello there!");
        assertThat(withExtras.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(withExtras.usage()).isEqualTo(Usage.of(11, 6));
    }

    @Test
    void anHttp529BeforeTheStreamIsOverloaded() {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(529)
                .withHeader("Content-Type", "application/json").withBody(fixture("errors/529-overloaded.json"))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hello")));

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.status()).hasValue(529);
    }

    @Test
    void aStreamThatEndsBeforeMessageStopIsInterrupted() {
        String text = fixture("stream-text.sse");
        streamWith(text.substring(0, text.indexOf("event: message_stop")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hello")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }
}
