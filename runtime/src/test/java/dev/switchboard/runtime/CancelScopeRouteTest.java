package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.CancelScope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A route whose caller cancelled its thread's {@link CancelScope} stops at once and blames no target. */
@Timeout(10)
class CancelScopeRouteTest {

    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);

    @Test
    void aCancelledCallNeitherRetriesNorFallsBackNorCoolsTheTargetDown() {
        ProviderManager route = ProviderManager.builder(openai).fallback(groq).sleeper(new RecordingSleeper(clock))
                .clock(clock).retry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1), 2.0))
                .cooldown(new CooldownPolicy(1, Duration.ofMinutes(1))).build();
        groq.answering("never");
        try (CancelScope scope = CancelScope.open()) {
            // given: the caller leaves while openai is being asked, which then fails as an aborted exchange does
            openai.onCall(scope::cancel).failing(ErrorKind.TIMEOUT);

            // when
            LlmException e = catchThrowableOfType(LlmException.class, () -> route.chat(ChatRequest.of("Hi")));

            // then
            assertThat(e.getMessage()).contains("cancelled by the caller");
            assertThat(openai.calls()).isEqualTo(1);
            assertThat(groq.calls()).isZero();
            assertThat(route.targetStates()).allSatisfy(s -> assertThat(s.state()).isEqualTo(CircuitState.CLOSED));
        }
    }

    @Test
    void cancellingCutsABackoffWaitShort() throws Exception {
        ProviderManager route = ProviderManager.builder(openai).clock(clock).sleeper(Sleeper.SYSTEM)
                .random(() -> 1.0).retry(new RetryPolicy(1, Duration.ofSeconds(30), Duration.ofSeconds(30), 2.0))
                .build();
        CountDownLatch failedOnce = new CountDownLatch(1);
        openai.onCall(failedOnce::countDown).failing(ErrorKind.OVERLOADED);
        CompletableFuture<CancelScope> scopes = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try (CancelScope scope = CancelScope.open()) {
                scopes.complete(scope);
                route.chat(ChatRequest.of("Hi"));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(failedOnce.await(5, TimeUnit.SECONDS)).isTrue();

        // when: the caller leaves during the 30 s wait before the retry
        scopes.get().cancel();

        // then: the wait ends with the scope (the bound is far below the 30 s wait), and no retry is sent
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(LlmException.class).hasMessageContaining("cancelled by the caller");
        assertThat(openai.calls()).isEqualTo(1);
    }
}
