package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ErrorKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private final Metrics metrics = new Metrics();

    private static Attempt step(String provider, Attempt.Outcome outcome, ErrorKind kind, String error) {
        return Attempt.failed(provider, null, Duration.ofMillis(5), outcome, kind, error);
    }

    @Test
    void readsRetriesFallbacksResumptionsAndSkipsFromATrail() {
        List<Attempt> trail = List.of(
                step("openai", Attempt.Outcome.SKIPPED_COOLDOWN, ErrorKind.RATE_LIMIT, "skipped: cooling down until later"),
                step("groq", Attempt.Outcome.FAILED, ErrorKind.SERVER, "HTTP 500"),
                step("groq", Attempt.Outcome.FAILED, ErrorKind.SERVER, "HTTP 500"),
                Attempt.answered("together", null, Duration.ofMillis(9)),
                step("together", Attempt.Outcome.FAILED_MID_STREAM, ErrorKind.STREAM_INTERRUPTED, "mid-stream: cut"),
                Attempt.builder("ollama", Attempt.Outcome.RESUMED).latency(Duration.ofMillis(9)).build());

        metrics.attempts("default", trail);
        String text = metrics.render(Map::of);

        assertThat(text).contains(
                "switchboard_gateway_cooldown_skips_total{route=\"default\",provider=\"openai\"} 1",
                "switchboard_gateway_fallbacks_total{route=\"default\",from=\"openai\",to=\"groq\"} 1",
                "switchboard_gateway_retries_total{route=\"default\",provider=\"groq\"} 1",
                "switchboard_gateway_fallbacks_total{route=\"default\",from=\"groq\",to=\"together\"} 1",
                "switchboard_gateway_stream_resumptions_total{route=\"default\",from=\"together\",to=\"ollama\"} 1");
        assertThat(text).doesNotContain("fallbacks_total{route=\"default\",from=\"together\"");
    }

    @Test
    void countsByOutcomeNotByTheWordingOfTheDescription() {
        // given: a failure whose text looks like a skip, and skips and a resumption whose texts say nothing
        List<Attempt> trail = List.of(
                step("openai", Attempt.Outcome.FAILED, ErrorKind.SERVER, "skipped: cooling down, says the upstream"),
                step("groq", Attempt.Outcome.SKIPPED_LOCAL_LIMIT, ErrorKind.RATE_LIMIT, "no room"),
                step("groq", Attempt.Outcome.SKIPPED_COOLDOWN, ErrorKind.SERVER, null),
                step("together", Attempt.Outcome.FAILED_MID_STREAM, ErrorKind.TIMEOUT, "read timed out"),
                step("ollama", Attempt.Outcome.FAILED, ErrorKind.CONNECTION, "refused"),
                Attempt.builder("mistral", Attempt.Outcome.RESUMED).build());

        // when
        metrics.attempts("r", trail);
        String text = metrics.render(Map::of);

        // then
        assertThat(text).contains(
                "switchboard_gateway_rate_limit_skips_total{route=\"r\",provider=\"groq\"} 1",
                "switchboard_gateway_cooldown_skips_total{route=\"r\",provider=\"groq\"} 1",
                "switchboard_gateway_fallbacks_total{route=\"r\",from=\"openai\",to=\"groq\"} 1",
                "switchboard_gateway_fallbacks_total{route=\"r\",from=\"ollama\",to=\"mistral\"} 1",
                "switchboard_gateway_stream_resumptions_total{route=\"r\",from=\"together\",to=\"mistral\"} 1");
        assertThat(text).doesNotContain("cooldown_skips_total{route=\"r\",provider=\"openai\"}")
                .doesNotContain("retries_total{route=\"r\"");
    }

    @Test
    void countsTriesWithoutTheSkippedTargets() {
        List<Attempt> trail = List.of(
                step("openai", Attempt.Outcome.SKIPPED_COOLDOWN, ErrorKind.SERVER, "skipped: cooling down"),
                step("groq", Attempt.Outcome.SKIPPED_UNSUPPORTED, ErrorKind.UNSUPPORTED, "embeddings is not supported"),
                step("together", Attempt.Outcome.SKIPPED_LOCAL_LIMIT, ErrorKind.RATE_LIMIT, "no room"),
                step("ollama", Attempt.Outcome.FAILED, ErrorKind.SERVER, "skipped: by the upstream's own words"),
                Attempt.answered("mistral", null, Duration.ZERO));

        assertThat(ChatCall.tries(trail)).isEqualTo(2);
    }

    @Test
    void bucketsLatenciesCumulativelyAndEscapesLabels() {
        metrics.started();
        metrics.finished("chat", "a\"b", "p", 200, Duration.ofMillis(30).toNanos());

        String text = metrics.render(Map::of);

        assertThat(text).contains(
                "switchboard_gateway_request_duration_seconds_bucket{endpoint=\"chat\",route=\"a\\\"b\",le=\"0.025\"} 0",
                "switchboard_gateway_request_duration_seconds_bucket{endpoint=\"chat\",route=\"a\\\"b\",le=\"0.05\"} 1",
                "switchboard_gateway_request_duration_seconds_bucket{endpoint=\"chat\",route=\"a\\\"b\",le=\"+Inf\"} 1",
                "switchboard_gateway_requests_in_flight 0");
    }

    @Test
    void writesDollarTotalsAsPlainDecimalsWithoutTheSumsBinaryNoise() {
        assertThat(Metrics.dollars(0.00017 + 0.0)).isEqualTo("0.00017");
        assertThat(Metrics.dollars(0.1 + 0.2)).isEqualTo("0.3"); // 0.30000000000000004 as a double
        assertThat(Metrics.dollars(1.7000000000000004E-4)).isEqualTo("0.00017");
        assertThat(Metrics.dollars(12345.678901)).isEqualTo("12345.678901");
        assertThat(Metrics.dollars(0)).isEqualTo("0");
    }
}
