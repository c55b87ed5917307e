package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    private static final int THREADS = 16;
    private static final int CALLS_PER_THREAD = 50;

    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groq = new ScriptedProvider("groq", clock);

    @Test
    void concurrentCallsKeepTheirOwnTrails() throws Exception {
        openai.byModel(model -> model.startsWith("even")
                ? ScriptedProvider.Step.fail(Errors.error(ErrorKind.SERVER, "openai"))
                : ScriptedProvider.Step.answer("openai answers " + model));
        groq.byModel(model -> ScriptedProvider.Step.answer("groq answers " + model));
        ProviderManager route = ProviderManager.builder(openai).fallback(groq).clock(clock)
                .sleeper(new RecordingSleeper(clock)).random(() -> 0.5).cooldown(CooldownPolicy.disabled())
                .retry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(100), 2.0)).build();

        List<ChatResponse> responses = runConcurrently(i -> route.chat(
                ChatRequest.builder().model((i % 2 == 0 ? "even-" : "odd-") + i).user("Hi").build()));

        int total = THREADS * CALLS_PER_THREAD;
        for (int i = 0; i < total; i++) {
            ChatResponse r = responses.get(i);
            String model = (i % 2 == 0 ? "even-" : "odd-") + i;
            if (i % 2 == 0) {
                assertThat(r.text()).isEqualTo("groq answers " + model);
                assertThat(r.attempts()).extracting(Attempt::provider).containsExactly("openai", "openai", "groq");
            } else {
                assertThat(r.text()).isEqualTo("openai answers " + model);
                assertThat(r.attempts()).extracting(Attempt::provider).containsExactly("openai");
            }
            assertThat(r.attempts()).allSatisfy(a -> assertThat(a.model()).contains(model));
        }
        assertThat(openai.calls()).isEqualTo(total / 2 * 2 + total / 2);
        assertThat(groq.calls()).isEqualTo(total / 2);
    }

    @Test
    void concurrentCallsThroughACoolingTargetLoseNoAttempt() throws Exception {
        openai.failing(ErrorKind.SERVER);
        groq.answering("groq");
        ProviderManager route = ProviderManager.builder(openai).fallback(groq).clock(clock)
                .sleeper(new RecordingSleeper(clock)).retry(RetryPolicy.none())
                .cooldown(new CooldownPolicy(3, Duration.ofMinutes(1))).build();

        List<ChatResponse> responses = runConcurrently(i -> route.chat(ChatRequest.of("Hi")));

        long sent = 0;
        for (ChatResponse r : responses) {
            assertThat(r.attempts()).hasSize(2);
            assertThat(r.attempts().get(0).provider()).isEqualTo("openai");
            assertThat(r.attempts().get(1)).isEqualTo(Attempt.answered("groq", null, Duration.ZERO));
            if (r.attempts().get(0).outcome() == Attempt.Outcome.FAILED) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(openai.calls()).isGreaterThanOrEqualTo(3);
        assertThat(groq.calls()).isEqualTo(THREADS * CALLS_PER_THREAD);
        assertThat(route.targetStates().get(0).state()).isEqualTo(CircuitState.OPEN);
    }

    private interface Call {
        ChatResponse run(int index);
    }

    private static List<ChatResponse> runConcurrently(Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ChatResponse>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                for (int c = 0; c < CALLS_PER_THREAD; c++) {
                    int index = thread * CALLS_PER_THREAD + c;
                    Callable<ChatResponse> task = () -> {
                        start.await();
                        return call.run(index);
                    };
                    futures.add(pool.submit(task));
                }
            }
            start.countDown();
            List<ChatResponse> out = new ArrayList<>();
            for (Future<ChatResponse> f : futures) {
                out.add(f.get(10, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
