package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.gemini.GeminiTestSupport.STREAM;
import static dev.switchboard.provider.gemini.GeminiTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.ToolCall;
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

/**
 * {@code streamGenerateContent?alt=sse}: recorded and documented streams read back, and the ways a stream without an
 * end marker can end.
 */
class GeminiStreamWireTest {

    @RegisterExtension
    static final WireMockExtension server = GeminiTestSupport.wireMock();

    private static final String COOKBOOK_TEXT = "In the quaint, sunlit cottage nestled amidst a lush meadow, resided two feline"
            + " companions named Mittens and Whiskers. Mittens, with her silky black fur and piercing green eyes, possessed"
            + " an air of elegance and mystery. Whiskers," + " other and for adventure stronger than ever.";

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

    private static void streamWith(String body) {
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(Sse.ok(body)));
    }

    private static List<ChatEvent> events(ChatRequest request) {
        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = GeminiTestSupport.provider(server, transport).stream(request)) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }

    @Test
    void theStreamIsRequestedAsServerSentEvents() {
        streamWith(fixture("stream-text.sse"));

        events(ChatRequest.of("Count to five"));

        server.verify(postRequestedFor(urlPathEqualTo(STREAM)).withQueryParam("alt", equalTo("sse"))
                .withHeader("Accept", equalTo("text/event-stream")));
    }

    @Test
    void aRecordedStreamThatRepeatsTheFinishReasonOnEveryFragmentFinishesOnce() {
        streamWith(fixture("stream-cookbook.sse"));

        List<ChatEvent> events = events(ChatRequest.of("Write a cute story about cats."));

        assertThat(events).filteredOn(ChatEvent.Finished.class::isInstance)
                .containsExactly(new ChatEvent.Finished(FinishReason.STOP, "STOP"));
        assertThat(events.get(events.size() - 1)).isInstanceOf(ChatEvent.Finished.class);
        String text = String.join("", events.stream().filter(ChatEvent.TextDelta.class::isInstance)
                .map(e -> ((ChatEvent.TextDelta) e).text()).toList());
        assertThat(text).isEqualTo(COOKBOOK_TEXT);
        assertThat(events).noneMatch(ChatEvent.UsageReport.class::isInstance); // this recording carries no usage
    }

    @Test
    void theRunningUsageIsReportedOnceWithTheLastTotals() {
        streamWith(fixture("stream-text.sse"));

        List<ChatEvent> events = events(ChatRequest.of("Count to five"));

        assertThat(events.get(0)).isEqualTo(new ChatEvent.Started("WhmlabShCNjv-8YPl_D1gAo", "gemini-2.5-flash"));
        assertThat(events).filteredOn(ChatEvent.UsageReport.class::isInstance)
                .containsExactly(new ChatEvent.UsageReport(Usage.of(8, 8)));
        assertThat(events).filteredOn(ChatEvent.TextDelta.class::isInstance)
                .containsExactly(new ChatEvent.TextDelta("1\n2\n"), new ChatEvent.TextDelta("3\n4\n5"));
    }

    @Test
    void streamedFunctionCallsArriveWholeAndCollectAsAToolCallsFinish() {
        streamWith(fixture("stream-function-calls.sse"));

        ChatResponse response = GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Barbie?")).collect();

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.toolCalls()).extracting(ToolCall::name).containsExactly("find_theaters", "get_showtimes");
        assertThat(response.toolCalls().get(1).argumentsAsMap().get("theater")).isEqualTo("AMC Mountain View 16");
        assertThat(response.toolCalls()).extracting(ToolCall::id)
                .containsExactly("call_pRqlaeSZN8aU-8YPk7uSqQs_0", "call_pRqlaeSZN8aU-8YPk7uSqQs_1");
        assertThat(response.usage()).isEqualTo(Usage.of(176, 42));
    }

    @Test
    void aStreamedAndAPlainAnswerToTheSameCallsGetTheSameIds() {
        String fragment = fixture("stream-function-calls.sse").substring("data: ".length()).strip();
        server.stubFor(post(urlPathEqualTo(GeminiTestSupport.GENERATE)).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson(fragment)));
        streamWith(fixture("stream-function-calls.sse"));

        ChatResponse plain = GeminiTestSupport.provider(server, transport).chat(ChatRequest.of("Barbie?"));
        ChatResponse streamed = GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Barbie?")).collect();

        assertThat(streamed.toolCalls()).isEqualTo(plain.toolCalls());
    }

    @Test
    void thoughtPartsStreamAsReasoning() {
        streamWith(Sse.data(
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Counting in my head.\",\"thought\":true}]},\"index\":0}]}",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"1 2 3\"}]},\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":3,\"thoughtsTokenCount\":4}}"));

        ChatResponse response = GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Count")).collect();

        assertThat(response.reasoning()).isEqualTo("Counting in my head.");
        assertThat(response.text()).isEqualTo("1 2 3");
        assertThat(response.usage()).isEqualTo(Usage.builder()
                .inputTokens(5)
                .outputTokens(7)
                .reasoningTokens(4)
                .build());
    }

    @Test
    void aCleanCloseBeforeAnyFinishReasonIsAnInterruptedStream() {
        streamWith(Sse.data("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"1\\n2\\n\"}]},\"index\":0}]}"));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Count"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(events).contains(new ChatEvent.TextDelta("1\n2\n"));
    }

    @Test
    void aCloseInTheMiddleOfAFragmentIsAnInterruptedStreamEvenAfterAFinishReason() {
        // every fragment of this recording carries finishReason STOP; the last one is cut short
        String body = fixture("stream-cookbook.sse");
        streamWith(body.substring(0, body.length() - 40));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Count")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }

    @Test
    void aDroppedConnectionIsAnInterruptedStream() {
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Count")).collect());

        assertThat(e.kind()).isIn(ErrorKind.STREAM_INTERRUPTED, ErrorKind.CONNECTION);
    }

    @Test
    void anErrorFragmentFailsTheStreamWithItsKind() {
        streamWith(Sse.data(
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Once\"}]},\"index\":0}]}",
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}"));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("Story")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.getMessage()).contains("overloaded");
    }

    @Test
    void aBlockedPromptInTheFirstFragmentFailsAsAContentFilter() {
        streamWith(Sse.data(Json.parse(fixture("prompt-blocked.json"), "fixture").toString()));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> GeminiTestSupport.provider(server, transport).stream(ChatRequest.of("...")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_FILTER);
    }
}
