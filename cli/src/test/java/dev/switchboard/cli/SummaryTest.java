package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.Cost;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Usage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static Attempt failed(String provider, String model, ErrorKind kind, String error) {
        return Attempt.failed(provider, model, Duration.ofMillis(3), Attempt.Outcome.FAILED, kind, error);
    }

    @Test
    void foldsRetriesOfOneTargetIntoOneFallbackLine() {
        // given
        List<Attempt> trail = List.of(
                failed("ollama", null, ErrorKind.CONNECTION, "connection refused"),
                failed("ollama", null, ErrorKind.CONNECTION, "connection refused again"),
                failed("groq", "llama", ErrorKind.RATE_LIMIT, "HTTP 429"),
                Attempt.answered("openai", null, Duration.ofMillis(9)));

        // then
        assertThat(Summary.fallbacks(trail)).containsExactly(
                "fallback: ollama failed after 2 tries: CONNECTION: connection refused again",
                "fallback: groq/llama failed: RATE_LIMIT: HTTP 429");
    }

    @Test
    void aTargetThatAnsweredAfterRetriesIsNoFallback() {
        // given
        List<Attempt> trail = List.of(failed("openai", null, ErrorKind.SERVER, "HTTP 500"),
                Attempt.answered("openai", null, Duration.ofMillis(9)));

        // then
        assertThat(Summary.fallbacks(trail)).containsExactly("retried: openai answered after 1 failed try: SERVER: HTTP 500");
    }

    @Test
    void saysWhoAnsweredAnUnusualStopAndTheCost() {
        assertThat(Summary.answered("groq", "llama", FinishReason.LENGTH, Usage.of(3, 4), Cost.usd("0.00000047")))
                .isEqualTo("answered by groq (llama), stopped: length; tokens: 3 in, 4 out; cost: $0.00000047");
        assertThat(Summary.answered("groq", "", FinishReason.STOP, Usage.NONE, Cost.UNKNOWN))
                .isEqualTo("answered by groq; tokens: not reported; cost unknown");
        assertThat(Summary.answered("ollama", "llama3.2", FinishReason.STOP, Usage.of(9, 9), Cost.ZERO))
                .endsWith("; cost: $0");
    }
}
