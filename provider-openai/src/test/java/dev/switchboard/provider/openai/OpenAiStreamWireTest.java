package dev.switchboard.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.openai.OpenAiTestSupport.KEY;
import static dev.switchboard.provider.openai.OpenAiTestSupport.NAME;
import static dev.switchboard.provider.openai.OpenAiTestSupport.fixture;
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
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.testkit.Sse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenAI's streamed Chat Completions: recorded streams read back, and the ways a stream can go wrong. */
class OpenAiStreamWireTest {

    @RegisterExtension
    static final WireMockExtension server = OpenAiTestSupport.wireMock();

    private static final String CHAT = "/v1/chat/completions";
    /** The answer of the recorded text stream, as the recording's own final completion gives it. */
    private static final String RECORDED_TEXT = "I'm unable to provide real-time updates, including current weather information. "
            + "For the latest weather in San Francisco, I recommend checking a reliable weather website or app such as the "
            + "Weather Channel, BBC Weather, or a local San Francisco news station.";
    private static final String FIRST_CHUNK = "{\"id\":\"chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1723024748,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"I'm\"},\"logprobs\":null,\"finish_reason\":null}]}";

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
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(body)));
    }

    private static List<ChatEvent> events() {
        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Weather in SF?"))) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }

    @Test
    void theRecordedTextStreamYieldsItsPiecesTheStopAndTheIncludedUsage() {
        streamWith(fixture("chat-stream-text.sse"));

        List<ChatEvent> events = events();

        assertThat(events.get(0)).isEqualTo(new ChatEvent.Started("chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2", "gpt-4o-2024-08-06"));
        List<String> pieces = events.stream().filter(ChatEvent.TextDelta.class::isInstance)
                .map(e -> ((ChatEvent.TextDelta) e).text()).toList();
        assertThat(pieces).hasSize(47).startsWith("I'm", " unable");
        assertThat(String.join("", pieces)).isEqualTo(RECORDED_TEXT);
        assertThat(events).contains(new ChatEvent.Finished(FinishReason.STOP, "stop"));
        assertThat(events.get(events.size() - 1)).isEqualTo(new ChatEvent.UsageReport(Usage.of(14, 47)));
    }

    @Test
    void collectingTheRecordedTextStreamGivesTheWholeAnswer() {
        streamWith(fixture("chat-stream-text.sse"));

        ChatResponse response = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Weather in SF?")).collect();

        assertThat(response.id()).isEqualTo("chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2");
        assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(response.provider()).isEqualTo(NAME);
        assertThat(response.text()).isEqualTo(RECORDED_TEXT);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(14, 47));
    }

    @Test
    void theRecordedParallelToolCallsArriveAsPiecesByIndexAndAssemble() {
        streamWith(fixture("chat-stream-tool-calls.sse"));

        List<ChatEvent> events = events();

        List<ChatEvent.ToolCallDelta> deltas = events.stream().filter(ChatEvent.ToolCallDelta.class::isInstance)
                .map(ChatEvent.ToolCallDelta.class::cast).toList();
        assertThat(deltas.get(0)).isEqualTo(new ChatEvent.ToolCallDelta(0, "call_lQnnsesjFMWMQ5IeWPHzR4th", "GetWeatherArgs", ""));
        assertThat(deltas.get(1)).isEqualTo(new ChatEvent.ToolCallDelta(0, null, null, "{\"ci"));
        assertThat(deltas).extracting(ChatEvent.ToolCallDelta::index).containsOnly(0, 1);
        assertThat(deltas).filteredOn(d -> d.id() != null)
                .extracting(ChatEvent.ToolCallDelta::id).containsExactly("call_lQnnsesjFMWMQ5IeWPHzR4th", "call_2xjOUgaCdiwAcl9ZBL9LyMUU");

        streamWith(fixture("chat-stream-tool-calls.sse"));
        ChatResponse response = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Weather and AAPL?")).collect();

        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_lQnnsesjFMWMQ5IeWPHzR4th", "GetWeatherArgs", "{\"city\": \"Edinburgh\", \"country\": \"UK\", \"units\": \"c\"}"),
                new ToolCall("call_2xjOUgaCdiwAcl9ZBL9LyMUU", "get_stock_price", "{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}"));
        assertThat(response.text()).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(Usage.of(149, 60));
    }

    @Test
    void aFilterPreambleWithoutIdOrModelDoesNotHideTheResponseIdAndModel() {
        // Azure OpenAI starts a stream with a chunk carrying only prompt_filter_results, with an empty id and model.
        String preamble = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{"
                + "\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n";
        streamWith(preamble + fixture("chat-stream-text.sse"));

        List<ChatEvent> events = events();

        assertThat(events).filteredOn(ChatEvent.Started.class::isInstance)
                .containsExactly(new ChatEvent.Started("chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2", "gpt-4o-2024-08-06"));
        streamWith(preamble + fixture("chat-stream-text.sse"));
        ChatResponse response = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi")).collect();
        assertThat(response.id()).isEqualTo("chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2");
        assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(response.text()).isEqualTo(RECORDED_TEXT);
    }

    @Test
    void theRecordedRefusalStreamsAsTextAndFinishesAsContentFilter() {
        streamWith(fixture("chat-stream-refusal.sse"));

        List<ChatEvent> events = events();

        String text = events.stream().filter(ChatEvent.TextDelta.class::isInstance)
                .map(e -> ((ChatEvent.TextDelta) e).text()).reduce("", String::concat);
        assertThat(text).isEqualTo("I'm sorry, but I can't assist with that request.");
        assertThat(events).contains(new ChatEvent.Finished(FinishReason.CONTENT_FILTER, "stop"));

        streamWith(fixture("chat-stream-refusal.sse"));
        ChatResponse collected = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi")).collect();

        assertThat(collected.text()).isEqualTo(text);
        assertThat(collected.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(collected.usage()).isEqualTo(Usage.of(17, 12));
    }

    @Test
    void rateLimitHeadersOfAStreamSurfaceInTheCollectedResponse() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))
                .withHeader("x-ratelimit-limit-requests", "5000")
                .withHeader("x-ratelimit-remaining-requests", "4999")
                .withHeader("x-ratelimit-reset-requests", "12ms")));

        ChatResponse response = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi")).collect();

        assertThat(response.rateLimits().limitRequests()).isEqualTo(OptionalLong.of(5000));
        assertThat(response.rateLimits().remainingRequests()).isEqualTo(OptionalLong.of(4999));
        assertThat(response.rateLimits().resetRequests()).hasValue(java.time.Duration.ofMillis(12));
    }

    @Test
    void anErrorChunkMidStreamFailsTheStreamAfterTheTextBeforeIt() {
        streamWith(Sse.data(FIRST_CHUNK, "{\"error\":{\"message\":\"The server had an error while processing your request. "
                + "Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta("I'm"));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.provider()).isEqualTo(NAME);
        assertThat(e.getMessage()).contains("The server had an error").doesNotContain("\n");
    }

    @Test
    void anErrorChunkWithAKnownCodeKeepsItsKind() {
        streamWith(Sse.data(FIRST_CHUNK, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini.\","
                + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));

        LlmException e = catchThrowableOfType(LlmException.class, 
                () -> OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi")).collect());

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.code()).hasValue("rate_limit_exceeded");
    }

    @Test
    void aMalformedChunkFailsAsInterrupted() {
        streamWith(Sse.data(FIRST_CHUNK, "{\"id\":\"chatcmpl-9tXjg9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" un"));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).contains(new ChatEvent.TextDelta("I'm"));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains("malformed").doesNotContain("\n").doesNotContain(KEY);
    }

    @Test
    void aStreamThatEndsWithoutDoneFailsAsInterruptedEvenAfterItsFinishAndUsage() {
        String recorded = fixture("chat-stream-text.sse");
        streamWith(recorded.substring(0, recorded.indexOf("data: [DONE]")));

        LlmException e = catchThrowableOfType(LlmException.class, 
                () -> OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi")).collect());

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains(NAME).contains("end marker");
    }

    @Test
    void aStreamReadToItsDoneGivesItsConnectionBackForTheNextCall() throws IOException {
        try (KeepAliveSseServer keepAlive = new KeepAliveSseServer(fixture("chat-stream-text.sse"))) {
            LlmProvider provider = OpenAiTestSupport.provider(OpenAiTestSupport.settings(keepAlive.baseUrl()).build(), transport);

            for (int i = 0; i < 3; i++) {
                assertThat(provider.stream(ChatRequest.of("Hi")).collect().text()).isEqualTo(RECORDED_TEXT);
            }

            assertThat(keepAlive.connectionsAccepted()).as("connections opened for three streamed calls").isEqualTo(1);
        }
    }

    @Test
    void keepAliveCommentsAndCrLfLineEndsAreTolerated() {
        String recorded = fixture("chat-stream-text.sse");
        streamWith(": keep-alive\n\n" + recorded.replace("\n", "\r\n"));

        ChatResponse response = OpenAiTestSupport.provider(server, transport).stream(ChatRequest.of("Hi")).collect();

        assertThat(response.text()).isEqualTo(RECORDED_TEXT);
    }
}
