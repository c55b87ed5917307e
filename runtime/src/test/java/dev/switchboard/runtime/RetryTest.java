package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);

    private ProviderManager.Builder route(RetryPolicy retry) {
        return ProviderManager.builder(openai).fallback(groq).name("default").clock(clock).sleeper(sleeper)
                .random(() -> 1.0).retry(retry).cooldown(CooldownPolicy.disabled());
    }

    @Test
    void retriesARetryableFailureUpToMaxRetriesThenFallsBack() {
        openai.failing(ErrorKind.SERVER);
        groq.answering("from groq");

        ChatResponse r = route(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0)).build()
                .chat(ChatRequest.of("Hi"));

        assertThat(openai.calls()).isEqualTo(3);
        assertThat(r.attempts()).extracting(Attempt::provider).containsExactly("openai", "openai", "openai", "groq");
        assertThat(r.attempts()).extracting(a -> a.errorKind().orElse(null))
                .containsExactly(ErrorKind.SERVER, ErrorKind.SERVER, ErrorKind.SERVER, null);
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void aRetryThatSucceedsEndsTheCall() {
        openai.failing(ErrorKind.OVERLOADED).answering("second time lucky");

        ChatResponse r = route(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0)).build()
                .chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("second time lucky");
        assertThat(r.attempts()).extracting(a -> a.errorKind().orElse(null)).containsExactly(ErrorKind.OVERLOADED, null);
        assertThat(groq.calls()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorKind.class, names = "INVALID_REQUEST", mode = EnumSource.Mode.EXCLUDE)
    void retriesOnlyRetryableKinds(ErrorKind kind) {
        openai.failing(kind);
        groq.answering("ok");

        route(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(1), 2.0)).build().chat(ChatRequest.of("Hi"));

        assertThat(openai.calls()).isEqualTo(kind.isRetryable() ? 3 : 1);
        assertThat(sleeper.waits()).hasSize(kind.isRetryable() ? 2 : 0);
    }

    @Test
    void honoursTheProvidersRefusalToBeRetried() {
        // OpenAI's x-should-retry: false on a 429.
        openai.failing(LlmException.builder(ErrorKind.RATE_LIMIT, "openai").status(429).retryable(false).build());
        groq.answering("ok");

        route(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(1), 2.0)).build().chat(ChatRequest.of("Hi"));

        assertThat(openai.calls()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void honoursTheProvidersRequestToBeRetried() {
        // x-should-retry: true on an error whose kind alone would not be retried.
        openai.failing(LlmException.builder(ErrorKind.AUTHENTICATION, "openai").status(401).retryable(true).build())
                .answering("ok now");

        ChatResponse r = route(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(1), 2.0)).build()
                .chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("ok now");
        assertThat(openai.calls()).isEqualTo(2);
    }

    @Test
    void waitsAFullJitterFractionOfACapThatGrowsByTheMultiplierUpToMaxDelay() {
        Iterator<Double> randoms = List.of(1.0, 0.5, 1.0, 0.25, 1.0).iterator();
        openai.failing(ErrorKind.CONNECTION);
        groq.answering("ok");

        route(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(700), 3.0)).random(randoms::next).build()
                .chat(ChatRequest.of("Hi"));

        // caps: 100, 300, 700 (900 capped), 700, 700
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(150),
                Duration.ofMillis(700), Duration.ofMillis(175), Duration.ofMillis(700));
    }

    @Test
    void waitsExactlyTheProvidersRetryHint() {
        openai.then(ScriptedProvider.Step.fail(Errors.rateLimit("openai", Duration.ofMillis(1500)))).answering("ok");

        ChatResponse r = route(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0))
                .random(() -> 0.0).build().chat(ChatRequest.of("Hi"));

        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(1500));
        assertThat(r.attempts()).extracting(a -> a.errorKind().orElse(null)).containsExactly(ErrorKind.RATE_LIMIT, null);
    }

    @Test
    void waitsForAHintAsLongAsMaxDelay() {
        openai.then(ScriptedProvider.Step.fail(Errors.rateLimit("openai", Duration.ofSeconds(5)))).answering("ok");

        route(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0)).build().chat(ChatRequest.of("Hi"));

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void movesOnWithoutWaitingWhenTheHintIsLongerThanMaxDelay() {
        openai.then(ScriptedProvider.Step.fail(Errors.rateLimit("openai", Duration.ofSeconds(60)))).answering("never");
        groq.answering("from groq");

        ChatResponse r = route(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0)).build()
                .chat(ChatRequest.of("Hi"));

        assertThat(r.text()).isEqualTo("from groq");
        assertThat(openai.calls()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
        assertThat(clock.instant()).isEqualTo(ManualClock.START);
    }

    @Test
    void noRetriesWithTheNonePolicy() {
        openai.failing(ErrorKind.TIMEOUT);
        groq.answering("ok");

        route(RetryPolicy.none()).build().chat(ChatRequest.of("Hi"));

        assertThat(openai.calls()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void stopsWithTheInterruptFlagSetWhenInterruptedWhileWaiting() {
        openai.failing(ErrorKind.SERVER);
        groq.answering("never");
        ProviderManager route = route(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0))
                .sleeper(d -> {
                    throw new InterruptedException();
                }).build();

        try {
            LlmException e = catchThrowableOfType(LlmException.class, () -> route.chat(ChatRequest.of("Hi")));

            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(e.getMessage()).isEqualTo("default: interrupted while waiting to retry openai");
            assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
            assertThat(groq.calls()).isZero();
        } finally {
            Thread.interrupted();
        }
    }
}
