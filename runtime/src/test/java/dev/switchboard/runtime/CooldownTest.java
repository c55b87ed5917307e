package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CooldownTest {

    private static final Duration COOLDOWN = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);

    private ProviderManager route(int threshold) {
        return ProviderManager.builder(openai).fallback(groq).name("default").clock(clock).sleeper(sleeper)
                .retry(RetryPolicy.none()).cooldown(new CooldownPolicy(threshold, COOLDOWN)).build();
    }

    @Test
    void skipsATargetAfterThresholdConsecutiveFailures() {
        openai.failing(ErrorKind.SERVER);
        groq.answering("from groq");
        ProviderManager route = route(2);
        route.chat(ChatRequest.of("1"));
        route.chat(ChatRequest.of("2"));

        ChatResponse third = route.chat(ChatRequest.of("3"));

        assertThat(openai.calls()).isEqualTo(2);
        assertThat(third.text()).isEqualTo("from groq");
        Attempt skip = third.attempts().get(0);
        assertThat(skip.provider()).isEqualTo("openai");
        assertThat(skip.errorKind()).contains(ErrorKind.SERVER);
        assertThat(skip.latency()).isZero();
        assertThat(skip.error().orElseThrow()).isEqualTo("skipped: cooling down until 2025-03-01T12:00:30Z after 2 consecutive failures; "
                + "last failure: server from openai");
        assertThat(route.targetStates()).containsExactly(
                new TargetState("openai", CircuitState.OPEN, 2, ManualClock.START.plus(COOLDOWN)),
                new TargetState("groq", CircuitState.CLOSED, 0, null));
    }

    @Test
    void aTargetLackingItsKeyStillNamesTheVariableWhileCoolingDown() {
        openai.failing(dev.switchboard.api.LlmException.builder(ErrorKind.AUTHENTICATION, "openai")
                .message("no API key: set the environment variable OPENAI_API_KEY").build());
        groq.answering("from groq");
        ProviderManager route = route(3);
        for (int i = 0; i < 3; i++) {
            route.chat(ChatRequest.of("call " + i));
        }

        ChatResponse fourth = route.chat(ChatRequest.of("4"));

        assertThat(openai.calls()).isEqualTo(3);
        Attempt skip = fourth.attempts().get(0);
        assertThat(skip.outcome()).isEqualTo(Attempt.Outcome.SKIPPED_COOLDOWN);
        assertThat(skip.errorKind()).contains(ErrorKind.AUTHENTICATION);
        assertThat(skip.error().orElseThrow()).isEqualTo("skipped: cooling down until 2025-03-01T12:00:30Z after 3 "
                + "consecutive failures; last failure: no API key: set the environment variable OPENAI_API_KEY");
    }

    @Test
    void countsOnlyConsecutiveFailures() {
        openai.failing(ErrorKind.SERVER).answering("ok").failing(ErrorKind.SERVER);
        groq.answering("from groq");
        ProviderManager route = route(2);

        for (int i = 0; i < 3; i++) {
            route.chat(ChatRequest.of("Hi"));
        }

        assertThat(route.targetStates().get(0)).isEqualTo(new TargetState("openai", CircuitState.CLOSED, 1, null));
    }

    @Test
    void failuresCausedByTheRequestMoveOnWithoutCountingTowardsCooldown() {
        openai.failing(ErrorKind.UNSUPPORTED).failing(ErrorKind.CONTEXT_LENGTH).failing(ErrorKind.CONTENT_FILTER)
                .answering("plain answer");
        groq.answering("g1").answering("g2").answering("g3");
        ProviderManager route = route(1);

        for (int i = 0; i < 3; i++) {
            assertThat(route.chat(ChatRequest.of("needs a feature")).provider()).isEqualTo("groq");
        }
        ChatResponse plain = route.chat(ChatRequest.of("plain"));

        assertThat(plain.text()).isEqualTo("plain answer");
        assertThat(route.targetStates().get(0)).isEqualTo(new TargetState("openai", CircuitState.CLOSED, 0, null));
    }

    @Test
    void callerErrorsDoNotCount() {
        openai.failing(ErrorKind.INVALID_REQUEST);
        ProviderManager route = route(1);

        for (int i = 0; i < 3; i++) {
            catchThrowableOfType(RequestRejectedException.class, () -> route.chat(ChatRequest.of("Hi")));
        }

        assertThat(openai.calls()).isEqualTo(3);
        assertThat(route.targetStates().get(0).state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aFailureIsTheEndOfTheRetryLoopNotEachTry() {
        openai.failing(ErrorKind.SERVER);
        groq.answering("from groq");
        ProviderManager route = ProviderManager.builder(openai).fallback(groq).clock(clock).sleeper(sleeper)
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(10), 2.0))
                .cooldown(new CooldownPolicy(2, COOLDOWN)).build();

        route.chat(ChatRequest.of("Hi"));

        assertThat(openai.calls()).isEqualTo(3);
        assertThat(route.targetStates().get(0)).extracting(TargetState::state, TargetState::consecutiveFailures)
                .containsExactly(CircuitState.CLOSED, 1);
    }

    @Test
    void aProbeAfterTheCooldownThatSucceedsClosesTheTarget() {
        openai.failing(ErrorKind.SERVER).answering("recovered");
        groq.answering("from groq");
        ProviderManager route = route(1);
        route.chat(ChatRequest.of("1"));
        clock.advance(COOLDOWN);
        assertThat(route.targetStates().get(0).state()).isEqualTo(CircuitState.HALF_OPEN);

        ChatResponse probe = route.chat(ChatRequest.of("2"));

        assertThat(probe.text()).isEqualTo("recovered");
        assertThat(route.targetStates().get(0)).isEqualTo(new TargetState("openai", CircuitState.CLOSED, 0, null));
    }

    @Test
    void aProbeThatFailsReopensTheTargetForAnotherCooldown() {
        openai.failing(ErrorKind.SERVER);
        groq.answering("from groq");
        ProviderManager route = route(1);
        route.chat(ChatRequest.of("1"));
        clock.advance(COOLDOWN.plusSeconds(5));

        route.chat(ChatRequest.of("probe"));
        ChatResponse after = route.chat(ChatRequest.of("3"));

        assertThat(openai.calls()).isEqualTo(2);
        assertThat(after.attempts().get(0).error().orElseThrow()).startsWith("skipped: cooling down");
        assertThat(after.attempts().get(0).outcome()).isEqualTo(Attempt.Outcome.SKIPPED_COOLDOWN);
        assertThat(route.targetStates().get(0)).isEqualTo(
                new TargetState("openai", CircuitState.OPEN, 2, ManualClock.START.plus(COOLDOWN).plusSeconds(5).plus(COOLDOWN)));
    }

    @Test
    void halfOpenLetsExactlyOneConcurrentProbeThrough() throws Exception {
        int callers = 8;
        CountDownLatch probeEntered = new CountDownLatch(1);
        CountDownLatch releaseProbe = new CountDownLatch(1);
        openai.failing(ErrorKind.SERVER).answering("probe answer");
        groq.answering("from groq");
        ProviderManager route = route(1);
        route.chat(ChatRequest.of("opens it"));
        clock.advance(COOLDOWN);
        openai.onCall(() -> {
            probeEntered.countDown();
            await(releaseProbe);
        });
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            Future<ChatResponse> probe = pool.submit(() -> route.chat(ChatRequest.of("probe")));
            assertThat(probeEntered.await(5, TimeUnit.SECONDS)).isTrue();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ChatResponse>> others = new ArrayList<>();
            for (int i = 1; i < callers; i++) {
                others.add(pool.submit(() -> {
                    await(start);
                    return route.chat(ChatRequest.of("while probing"));
                }));
            }
            start.countDown();

            // Everyone else finishes on groq while the probe is still held inside openai.
            for (Future<ChatResponse> f : others) {
                ChatResponse r = f.get(5, TimeUnit.SECONDS);
                assertThat(r.provider()).isEqualTo("groq");
                assertThat(r.attempts().get(0).error().orElseThrow()).isEqualTo("skipped: cooling down, a probe request is in flight; "
                        + "last failure: server from openai");
            }
            assertThat(openai.calls()).isEqualTo(2);
            releaseProbe.countDown();

            assertThat(probe.get(5, TimeUnit.SECONDS).text()).isEqualTo("probe answer");
            assertThat(route.targetStates().get(0).state()).isEqualTo(CircuitState.CLOSED);
        } finally {
            releaseProbe.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void failsFastWithAClearErrorWhenEveryTargetIsCoolingDown() {
        openai.then(ScriptedProvider.Step.fail(Errors.rateLimit("openai", Duration.ofSeconds(2))));
        groq.then(ScriptedProvider.Step.fail(Errors.rateLimit("groq", null)));
        ProviderManager route = route(1);
        catchThrowableOfType(AllTargetsFailedException.class, () -> route.chat(ChatRequest.of("1")));
        clock.advance(Duration.ofSeconds(10));

        AllTargetsFailedException e = catchThrowableOfType(AllTargetsFailedException.class,
                () -> route.chat(ChatRequest.of("2")));

        assertThat(openai.calls()).isEqualTo(1);
        assertThat(groq.calls()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("route default: all targets failed: "
                + "openai (RATE_LIMIT: skipped: cooling down until 2025-03-01T12:00:30Z after 1 consecutive failures; "
                + "last failure: HTTP 429 slow down), "
                + "groq (RATE_LIMIT: skipped: cooling down until 2025-03-01T12:00:30Z after 1 consecutive failures; "
                + "last failure: HTTP 429 slow down)");
        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        // The route may work again when the first cooldown ends.
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(20));
        assertThat(e.attempts()).hasSize(2).allSatisfy(a -> assertThat(a.latency()).isZero());
    }

    @Test
    void keepsOneCooldownPerProviderAndModel() {
        openai.byModel(model -> model.equals("gpt-4o")
                ? ScriptedProvider.Step.fail(Errors.error(ErrorKind.MODEL_NOT_FOUND, "openai"))
                : ScriptedProvider.Step.answer("from " + model));
        ProviderManager route = ProviderManager.builder(openai, "gpt-4o").fallback(openai, "gpt-4o-mini").clock(clock)
                .sleeper(sleeper).retry(RetryPolicy.none()).cooldown(new CooldownPolicy(1, COOLDOWN)).build();
        route.chat(ChatRequest.of("1"));

        ChatResponse r = route.chat(ChatRequest.of("2"));

        assertThat(r.text()).isEqualTo("from gpt-4o-mini");
        assertThat(openai.requestedModels()).containsExactly("gpt-4o", "gpt-4o-mini", "gpt-4o-mini");
        assertThat(route.targetStates()).extracting(TargetState::label, TargetState::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("openai/gpt-4o", CircuitState.OPEN),
                org.assertj.core.groups.Tuple.tuple("openai/gpt-4o-mini", CircuitState.CLOSED));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
