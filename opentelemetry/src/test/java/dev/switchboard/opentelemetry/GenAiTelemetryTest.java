package dev.switchboard.opentelemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.SwitchboardConfigException;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spans and metrics of a route over two OpenAI-type providers on a local stub, read back through the SDK's in-memory
 * exporters and checked against the GenAI semantic conventions 1.41.0 (docs/gen-ai/gen-ai-spans.md and
 * gen-ai-metrics.md). Fixtures: fixtures/openai/README.md.
 */
@Timeout(60)
class GenAiTelemetryTest {

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk otel;
    private Switchboard sb;

    @BeforeEach
    void start() {
        upstream.start();
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    @AfterEach
    void stop() {
        if (sb != null) {
            sb.close();
        }
        otel.close();
        upstream.stop();
    }

    private Switchboard switchboard(SwitchboardTelemetry telemetry, String... extra) {
        String base = "http://127.0.0.1:" + upstream.port();
        String hocon = String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"test-key-not-real\" }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"test-key-not-real\" }",
                "  }",
                "  routes.default.targets = [ \"primary/gpt-4o-mini\", \"backup/gpt-4o\" ]",
                "  route-defaults.retry.max-retries = 0",
                String.join("\n", extra),
                "}");
        sb = telemetry.build(Switchboard.builder().config(hocon).env(Map.of()));
        return sb;
    }

    private void primaryFails() {
        upstream.stubFor(post(PRIMARY).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The engine is currently overloaded\",\"type\":\"server_error\"}}")));
    }

    private List<SpanData> finished() {
        return spans.getFinishedSpanItems().stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    @Test
    void aCallThatFallsBackOnceIsOneRouteSpanWithAFailedAndAnAnsweringClientChild() {
        primaryFails();
        upstream.stubFor(post(BACKUP).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        LlmProvider route = telemetry.route(switchboard(telemetry).route("default"));

        ChatResponse r = route.chat(ChatRequest.builder().user("Hello!").temperature(0.2).maxOutputTokens(100).build());

        assertThat(r.provider()).isEqualTo("backup");
        List<SpanData> all = finished();
        assertThat(all).extracting(SpanData::getName).containsExactly("chat", "chat gpt-4o-mini", "chat gpt-4o");
        SpanData parent = all.get(0);
        SpanData failed = all.get(1);
        SpanData answered = all.get(2);
        assertThat(parent.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(parent.getParentSpanContext().isValid()).isFalse();
        assertThat(failed.getParentSpanId()).isEqualTo(parent.getSpanId());
        assertThat(answered.getParentSpanId()).isEqualTo(parent.getSpanId());
        assertThat(failed.getTraceId()).isEqualTo(parent.getTraceId());

        assertThat(failed.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(GenAi.ERROR_TYPE)).isEqualTo("overloaded");
        assertThat(failed.getAttributes().get(GenAi.PROVIDER_NAME)).isEqualTo("openai");
        assertThat(failed.getAttributes().get(GenAi.PROVIDER)).isEqualTo("primary");
        assertThat(failed.getAttributes().get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");

        assertThat(answered.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(answered.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(answered.getAttributes().get(GenAi.OPERATION_NAME)).isEqualTo("chat");
        assertThat(answered.getAttributes().get(GenAi.PROVIDER_NAME)).isEqualTo("openai");
        assertThat(answered.getAttributes().get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o");
        assertThat(answered.getAttributes().get(GenAi.REQUEST_TEMPERATURE)).isEqualTo(0.2);
        assertThat(answered.getAttributes().get(GenAi.REQUEST_MAX_TOKENS)).isEqualTo(100L);
        assertThat(answered.getAttributes().get(GenAi.RESPONSE_ID)).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(answered.getAttributes().get(GenAi.RESPONSE_MODEL)).isEqualTo(r.model());
        assertThat(answered.getAttributes().get(GenAi.RESPONSE_FINISH_REASONS)).containsExactly("stop");
        assertThat(answered.getAttributes().get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(r.usage().inputTokens());
        assertThat(answered.getAttributes().get(GenAi.USAGE_OUTPUT_TOKENS)).isEqualTo(r.usage().outputTokens());
        assertThat(answered.getAttributes().get(GenAi.ERROR_TYPE)).isNull();
        assertThat(answered.getAttributes().get(GenAi.INPUT_MESSAGES)).as("content is off by default").isNull();

        assertThat(parent.getAttributes().get(GenAi.ROUTE)).isEqualTo("default");
        assertThat(parent.getAttributes().get(GenAi.PROVIDER_NAME)).isEqualTo("openai");
        assertThat(parent.getAttributes().get(GenAi.PROVIDER)).isEqualTo("backup");
        assertThat(parent.getAttributes().get(GenAi.ATTEMPT_OUTCOMES)).isEqualTo("primary:failed,backup:answered");
    }

    @Test
    void metricsHaveTheConventionsNamesUnitsBucketsAndAttributes() {
        primaryFails();
        upstream.stubFor(post(BACKUP).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        ChatResponse r = telemetry.route(switchboard(telemetry).route("default")).chat(ChatRequest.of("Hello!"));

        Map<String, MetricData> byName = metrics.collectAllMetrics().stream()
                .collect(java.util.stream.Collectors.toMap(MetricData::getName, m -> m));
        assertThat(byName).containsOnlyKeys("gen_ai.client.operation.duration", "gen_ai.client.token.usage");

        MetricData duration = byName.get("gen_ai.client.operation.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        List<HistogramPointData> calls = List.copyOf(duration.getHistogramData().getPoints());
        assertThat(calls).hasSize(2); // one series per try: the failed one carries error.type
        assertThat(calls).allSatisfy(p -> {
            assertThat(p.getCount()).isEqualTo(1);
            assertThat(p.getBoundaries()).containsExactlyElementsOf(GenAi.DURATION_BUCKETS);
            assertThat(p.getAttributes().get(GenAi.OPERATION_NAME)).isEqualTo("chat");
            assertThat(p.getAttributes().get(GenAi.PROVIDER_NAME)).isEqualTo("openai");
        });
        assertThat(calls).extracting(p -> p.getAttributes().get(GenAi.ERROR_TYPE))
                .containsExactlyInAnyOrder("overloaded", null);

        MetricData tokens = byName.get("gen_ai.client.token.usage");
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        assertThat(tokens.getHistogramData().getPoints()).hasSize(2).allSatisfy(p -> {
            assertThat(p.getBoundaries()).containsExactly(1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0,
                    262144.0, 1048576.0, 4194304.0, 16777216.0, 67108864.0);
            assertThat(p.getAttributes().get(GenAi.REQUEST_MODEL)).isEqualTo("gpt-4o");
            assertThat(p.getAttributes().get(GenAi.RESPONSE_MODEL)).isEqualTo(r.model());
        });
        assertThat(tokens.getHistogramData().getPoints())
                .extracting(p -> p.getAttributes().get(GenAi.TOKEN_TYPE) + "=" + (long) p.getSum())
                .containsExactlyInAnyOrder("input=" + r.usage().inputTokens(), "output=" + r.usage().outputTokens());
    }

    @Test
    void aStreamsSpansEndWhenItEndsWithUsageFinishReasonAndTimeToFirstChunk() {
        upstream.stubFor(post(PRIMARY).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        LlmProvider route = telemetry.route(switchboard(telemetry).route("default"));

        StringBuilder text = new StringBuilder();
        try (ChatStream s = route.stream(ChatRequest.of("Hello!"))) {
            while (s.hasNext()) {
                if (s.next() instanceof ChatEvent.TextDelta d) {
                    text.append(d.text());
                }
            }
        }

        assertThat(text).startsWith("I'm unable");
        List<SpanData> all = finished();
        assertThat(all).extracting(SpanData::getName).containsExactly("chat", "chat gpt-4o-mini");
        SpanData attempt = all.get(1);
        assertThat(attempt.getParentSpanId()).isEqualTo(all.get(0).getSpanId());
        assertThat(attempt.getAttributes().get(GenAi.REQUEST_STREAM)).isTrue();
        assertThat(attempt.getAttributes().get(GenAi.USAGE_INPUT_TOKENS)).isEqualTo(14L);
        assertThat(attempt.getAttributes().get(GenAi.USAGE_OUTPUT_TOKENS)).isEqualTo(47L);
        assertThat(attempt.getAttributes().get(GenAi.RESPONSE_FINISH_REASONS)).containsExactly("stop");
        assertThat(attempt.getAttributes().get(GenAi.RESPONSE_TIME_TO_FIRST_CHUNK)).isNotNull().isNotNegative();
    }

    @Test
    void aStreamClosedEarlyStillEndsItsSpansOnce() {
        upstream.stubFor(post(PRIMARY).willReturn(Sse.ok(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        LlmProvider route = telemetry.route(switchboard(telemetry).route("default"));

        try (ChatStream s = route.stream(ChatRequest.of("Hello!"))) {
            s.next();
            s.close();
        }

        assertThat(finished()).hasSize(2);
        assertThat(sb.leasedConnections()).isZero();
    }

    @Test
    void aRouteThatFailsWhollyIsAnErrorSpanWithTheTrail() {
        primaryFails();
        upstream.stubFor(post(BACKUP).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        LlmProvider route = telemetry.route(switchboard(telemetry).route("default"));

        assertThatThrownBy(() -> route.chat(ChatRequest.of("Hello!"))).isInstanceOf(LlmException.class);

        SpanData parent = finished().get(0);
        assertThat(parent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(parent.getAttributes().get(GenAi.ERROR_TYPE)).isNotNull();
        assertThat(parent.getAttributes().get(GenAi.ATTEMPT_OUTCOMES)).isEqualTo("primary:failed,backup:failed");
        assertThat(finished().get(2).getAttributes().get(GenAi.ERROR_TYPE)).isEqualTo("authentication");
    }

    @Test
    void contentIsRecordedOnlyWhenTheConfigurationTurnsItOn() {
        upstream.stubFor(post(PRIMARY).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);
        switchboard(telemetry, "telemetry.capture-content = true");

        telemetry.route(sb.route("default")).chat(ChatRequest.builder().system("Be brief.").user("Hello!").build());

        SpanData attempt = finished().get(1);
        assertThat(attempt.getAttributes().get(GenAi.SYSTEM_INSTRUCTIONS))
                .isEqualTo("[{\"type\":\"text\",\"content\":\"Be brief.\"}]");
        assertThat(attempt.getAttributes().get(GenAi.INPUT_MESSAGES))
                .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hello!\"}]}]");
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")))
                .contains("\"role\":\"assistant\"").contains("\"finish_reason\":\"stop\"");
    }

    @Test
    void aMistypedTelemetryKeyIsRefusedWithItsLine() {
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(otel);

        assertThatThrownBy(() -> switchboard(telemetry, "telemetry.capture-contents = true"))
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessageContaining("switchboard.telemetry.capture-contents: unknown key (known keys: capture-content)")
                .hasMessageContaining("text: 8: switchboard.telemetry");
    }

    @Test
    void withoutAnSdkTheCallsWorkAndRecordNothing() {
        upstream.stubFor(post(PRIMARY).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        SwitchboardTelemetry telemetry = SwitchboardTelemetry.create(io.opentelemetry.api.OpenTelemetry.noop());

        ChatResponse r = telemetry.route(switchboard(telemetry).route("default")).chat(ChatRequest.of("Hello!"));

        assertThat(r.text()).isNotEmpty();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
