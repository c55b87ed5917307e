package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.opentelemetry.SwitchboardTelemetry;
import dev.switchboard.testkit.Fixtures;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway serving a Switchboard built with {@link SwitchboardTelemetry} continues its callers' W3C trace: the
 * {@code chat {model}} span of each try made for a request carrying {@code traceparent} is in the caller's trace, a
 * child of the caller's span, with its {@code tracestate}. The SDK here is built without propagators, as an
 * application that sets none would: the W3C trace context is read all the same. Driven by the official OpenAI SDK.
 */
@Timeout(60)
class TraceparentTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";
    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk otel;
    private GatewayHarness h;

    @BeforeEach
    void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        h = GatewayHarness.start("", telemetry::build);
    }

    @AfterEach
    void stop() {
        h.close();
        otel.close();
    }

    private static ChatCompletionCreateParams chat(String... headers) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model("default")
                .addUserMessage("Describe the image.");
        for (int i = 0; i < headers.length; i += 2) {
            b.putAdditionalHeader(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private void answer(String path) {
        h.upstream.stubFor(post(path).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    private void failWith500(String path) {
        h.upstream.stubFor(post(path).willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.load("fixtures/openai/errors/500-server-error.json"))));
    }

    /** The ended spans once there are {@code count} (a try's span ends as its answer leaves, maybe after the client has it). */
    private List<SpanData> ended(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (spans.getFinishedSpanItems().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return spans.getFinishedSpanItems().stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .collect(Collectors.toList());
    }

    private static void childOfTheCaller(SpanData span) {
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
    }

    private static SpanData last(List<SpanData> spans) {
        return spans.get(spans.size() - 1);
    }

    // On a loaded machine a try may time out and be retried: the assertions hold for every try, and the answer is the last.

    @Test
    void aTryIsAChildOfTheCallersSpan() throws Exception {
        answer(PRIMARY_CHAT);

        ChatCompletion c = h.client().chat().completions().create(
                chat("traceparent", TRACEPARENT, "tracestate", "vendor=opaque"));

        assertThat(c.choices()).isNotEmpty();
        List<SpanData> tries = ended(1);
        assertThat(tries).isNotEmpty().allSatisfy(TraceparentTest::childOfTheCaller);
        SpanData answered = last(tries);
        assertThat(answered.getName()).isEqualTo("chat gpt-4o-mini");
        assertThat(answered.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(answered.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(answered.getSpanContext().getTraceState().get("vendor")).isEqualTo("opaque");
    }

    @Test
    void bothTargetsOfAFallbackAreTriedAsChildrenOfTheCallersSpan() throws Exception {
        failWith500(PRIMARY_CHAT);
        answer(BACKUP_CHAT);

        h.client().chat().completions().create(chat("traceparent", TRACEPARENT));

        // primary: first call and one retry (route-defaults.retry.max-retries = 1), then backup
        List<SpanData> tries = ended(3);
        assertThat(tries).hasSizeGreaterThanOrEqualTo(3).allSatisfy(TraceparentTest::childOfTheCaller);
        assertThat(tries.subList(0, 2)).allSatisfy(span -> {
            assertThat(span.getName()).isEqualTo("chat gpt-4o-mini");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        });
        assertThat(last(tries).getName()).isEqualTo("chat gpt-4o");
        assertThat(last(tries).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aStreamedTryIsAChildOfTheCallersSpan() throws Exception {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));

        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = h.client().chat().completions()
                .createStreaming(chat("traceparent", TRACEPARENT))) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }

        assertThat(text).isNotEmpty();
        List<SpanData> tries = ended(1);
        assertThat(tries).isNotEmpty().allSatisfy(TraceparentTest::childOfTheCaller);
        assertThat(last(tries).getAttributes().asMap().toString()).contains("gen_ai.request.stream=true");
    }

    @Test
    void withoutATraceparentOrWithAMalformedOneATryStartsItsOwnTrace() throws Exception {
        answer(PRIMARY_CHAT);

        h.client().chat().completions().create(chat());
        int firstCall = spans.getFinishedSpanItems().size(); // a plain answer leaves after its tries ended
        h.client().chat().completions().create(chat("traceparent", "00-not-a-trace-01"));

        List<SpanData> tries = ended(firstCall + 1);
        assertThat(tries).allSatisfy(span -> {
            assertThat(span.getParentSpanContext().isValid()).isFalse();
            assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID);
        });
        assertThat(last(tries.subList(0, firstCall)).getTraceId()).isNotEqualTo(last(tries).getTraceId());
    }

    @Test
    void aWorkerThreadKeepsNoCallersContextForTheNextRequest() throws Exception {
        answer(PRIMARY_CHAT);

        h.client().chat().completions().create(chat("traceparent", TRACEPARENT));
        int callersTries = spans.getFinishedSpanItems().size(); // a plain answer leaves after its tries ended
        for (int i = 0; i < 4; i++) { // enough requests to land on the worker that served the first
            h.client().chat().completions().create(chat());
        }

        List<SpanData> tries = ended(callersTries + 4);
        assertThat(tries.subList(0, callersTries)).allSatisfy(TraceparentTest::childOfTheCaller);
        assertThat(tries.subList(callersTries, tries.size())).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(span -> assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID));
    }
}
