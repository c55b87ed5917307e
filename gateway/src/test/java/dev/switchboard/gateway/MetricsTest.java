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

    @Test
    void readsRetriesFallbacksResumptionsAndSkipsFromATrail() {
        List<Attempt> trail = List.of(
                Attempt.failure("openai", null, Duration.ZERO, ErrorKind.RATE_LIMIT, "skipped: cooling down until later"),
                Attempt.failure("groq", null, Duration.ofMillis(5), ErrorKind.SERVER, "HTTP 500"),
                Attempt.failure("groq", null, Duration.ofMillis(5), ErrorKind.SERVER, "HTTP 500"),
                Attempt.success("together", null, Duration.ofMillis(9)),
                Attempt.failure("together", null, Duration.ofMillis(9), ErrorKind.STREAM_INTERRUPTED, "mid-stream: cut"),
                Attempt.success("ollama", null, Duration.ofMillis(9)));

        metrics.attempts("default", trail);
        String text = metrics.render(Map::of);

        assertThat(text).contains(
                "switchboard_gateway_cooldown_skips_total{route=\"default\",provider=\"openai\"} 1",
                "switchboard_gateway_fallbacks_total{route=\"default\",from=\"openai\",to=\"groq\"} 1",
                "switchboard_gateway_retries_total{route=\"default\",provider=\"groq\"} 1",
                "switchboard_gateway_fallbacks_total{route=\"default\",from=\"groq\",to=\"together\"} 1",
                "switchboard_gateway_stream_resumptions_total{route=\"default\",from=\"together\",to=\"ollama\"} 1");
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
}
