package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.RateLimiter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A route over metered providers: local limits move calls on without sending, provider signals hold a provider. */
class RouteRateLimitTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider primaryRaw = new ScriptedProvider("primary", clock);
    private final ScriptedProvider backupRaw = new ScriptedProvider("backup", clock);

    private MeteredProvider metered(ScriptedProvider p, LimitPolicy limits) {
        return MeteredProvider.builder(p).limiter(new RateLimiter(p.name(), limits, clock)).clock(clock).sleeper(sleeper)
                .build();
    }

    private ProviderManager route(MeteredProvider... targets) {
        ProviderManager.Builder b = ProviderManager.builder(targets[0]).name("default").clock(clock).sleeper(sleeper)
                .random(() -> 0.5).retry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0))
                .cooldown(new CooldownPolicy(1, Duration.ofMinutes(5)));
        for (int i = 1; i < targets.length; i++) {
            b.fallback(targets[i]);
        }
        return b.build();
    }

    @Test
    void aFirstProviderLimitedToNRequestsPerMinuteGetsExactlyNAndTheNextTargetTheRest() {
        primaryRaw.answering("from primary");
        backupRaw.answering("from backup");
        ProviderManager route = route(metered(primaryRaw, LimitPolicy.perMinute(3, 0)), metered(backupRaw, LimitPolicy.NONE));

        List<String> answeredBy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answeredBy.add(route.chat(ChatRequest.of("Hi " + i)).provider());
        }

        assertThat(primaryRaw.calls()).isEqualTo(3);
        assertThat(backupRaw.calls()).isEqualTo(7);
        assertThat(answeredBy).containsExactly("primary", "primary", "primary", "backup", "backup", "backup", "backup",
                "backup", "backup", "backup");
        assertThat(sleeper.waits()).as("no retries, no waiting").isEmpty();
        assertThat(route.targetStates()).extracting(TargetState::state).containsOnly(CircuitState.CLOSED);
    }

    @Test
    void theTrailRecordsTheLocalRefusalAsARateLimitThatSentNothing() {
        primaryRaw.answering("from primary");
        backupRaw.answering("from backup");
        ProviderManager route = route(metered(primaryRaw, LimitPolicy.perMinute(1, 0)), metered(backupRaw, LimitPolicy.NONE));
        route.chat(ChatRequest.of("first"));

        ChatResponse r = route.chat(ChatRequest.of("second"));

        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("primary", ErrorKind.RATE_LIMIT), tuple("backup", null));
        assertThat(r.attempts().get(0).error().orElseThrow()).isEqualTo("skipped: local rate limit, no request was sent:"
                + " requests-per-minute 1 reached; room again in 1m");
        assertThat(r.attempts().get(0).latency()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theFirstProviderIsUsedAgainOnceItsBucketRefills() {
        primaryRaw.answering("from primary");
        backupRaw.answering("from backup");
        ProviderManager route = route(metered(primaryRaw, LimitPolicy.perMinute(2, 0)), metered(backupRaw, LimitPolicy.NONE));
        route.chat(ChatRequest.of("1"));
        route.chat(ChatRequest.of("2"));

        String whileEmpty = route.chat(ChatRequest.of("3")).provider();
        clock.advance(Duration.ofSeconds(30));
        String afterRefill = route.chat(ChatRequest.of("4")).provider();

        assertThat(whileEmpty).isEqualTo("backup");
        assertThat(afterRefill).isEqualTo("primary");
    }

    @Test
    void waitsForRoomUpToMaxWaitInsteadOfMovingOn() {
        primaryRaw.answering("from primary");
        backupRaw.answering("from backup");
        LimitPolicy patient = new LimitPolicy(1, 0, Duration.ofMinutes(2), LimitPolicy.DEFAULT_OUTPUT_TOKENS);
        ProviderManager route = route(metered(primaryRaw, patient), metered(backupRaw, LimitPolicy.NONE));
        route.chat(ChatRequest.of("1"));

        ChatResponse r = route.chat(ChatRequest.of("2"));

        assertThat(r.provider()).isEqualTo("primary");
        assertThat(sleeper.waits()).containsExactly(Duration.ofMinutes(1));
        assertThat(backupRaw.calls()).isZero();
        assertThat(r.attempts()).extracting(Attempt::latency).containsExactly(Duration.ofMinutes(1));
    }

    @Test
    void whenEveryTargetIsLimitedTheRouteFailsAsARateLimitSayingWhenRoomComesFirst() {
        primaryRaw.answering("from primary");
        backupRaw.answering("from backup");
        ProviderManager route = route(metered(primaryRaw, LimitPolicy.perMinute(1, 0)),
                metered(backupRaw, LimitPolicy.perMinute(4, 0)));
        route.chat(ChatRequest.of("1")); // primary
        route.chat(ChatRequest.of("2")); // backup
        clock.advance(Duration.ofSeconds(5));
        backupRaw.answering("again");
        for (int i = 0; i < 3; i++) {
            route.chat(ChatRequest.of("more"));
        }

        AllTargetsFailedException e = catchThrowableOfType(() -> route.chat(ChatRequest.of("too many")),
                AllTargetsFailedException.class);

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        // primary: one per minute, 5 s gone: 55 s; backup: 4 per minute, at 1/3 of a request after 5 s: 10 s.
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(10_000));
        assertThat(primaryRaw.calls() + backupRaw.calls()).isEqualTo(5);
    }

    @Test
    void aTokenLimitCountsTheEstimateAndSettlesWithTheReportedUsage() {
        primaryRaw.answering("ok"); // reports 5 in, 7 out
        backupRaw.answering("from backup");
        MeteredProvider primary = metered(primaryRaw, new LimitPolicy(0, 300, Duration.ZERO, 100));
        ProviderManager route = route(primary, metered(backupRaw, LimitPolicy.NONE));

        // "Hi" is 1 token by chars/4, plus max output 100: estimate 101, settled to 12.
        route.chat(ChatRequest.builder().user("Hi").maxOutputTokens(100).build());
        double afterFirst = primary.limiter().snapshot().tokensAvailable();
        // 800 chars: 200 tokens + 100 default output = 300 > 288 left: moves on.
        String second = route.chat(ChatRequest.of("x".repeat(800))).provider();

        assertThat(afterFirst).isEqualTo(288);
        assertThat(second).isEqualTo("backup");
        assertThat(primaryRaw.calls()).isEqualTo(1);
    }

    @Test
    void aRateLimitAnswerWithARetryHintHoldsTheProviderForEveryCaller() {
        primaryRaw.then(ScriptedProvider.Step.fail(Errors.rateLimit("primary", Duration.ofSeconds(30))),
                ScriptedProvider.Step.answer("from primary"));
        backupRaw.answering("from backup");
        ProviderManager route = ProviderManager.builder(metered(primaryRaw, LimitPolicy.NONE))
                .fallback(metered(backupRaw, LimitPolicy.NONE)).name("default").clock(clock).sleeper(sleeper)
                .retry(RetryPolicy.none()).cooldown(CooldownPolicy.disabled()).build();

        String first = route.chat(ChatRequest.of("1")).provider();
        ChatResponse second = route.chat(ChatRequest.of("2"));
        clock.advance(Duration.ofSeconds(30));
        String third = route.chat(ChatRequest.of("3")).provider();

        assertThat(first).isEqualTo("backup");
        assertThat(second.provider()).isEqualTo("backup");
        assertThat(second.attempts().get(0).outcome()).isEqualTo(Attempt.Outcome.SKIPPED_LOCAL_LIMIT);
        assertThat(second.attempts().get(0).error().orElseThrow()).startsWith("skipped: local rate limit, no request was sent:"
                + " the provider answered with a rate limit asking to wait 30s");
        assertThat(third).isEqualTo("primary");
        assertThat(primaryRaw.calls()).isEqualTo(2);
    }

    @Test
    void aStreamSettlesItsReservationWhenItEnds() {
        primaryRaw.answering("streamed");
        MeteredProvider primary = metered(primaryRaw, new LimitPolicy(0, 1000, Duration.ZERO, 100));
        ProviderManager route = route(primary);

        try (ChatStream s = route.stream(ChatRequest.of("Hi"))) {
            double during = primary.limiter().snapshot().tokensAvailable();
            while (s.hasNext()) {
                s.next();
            }
            assertThat(during).isEqualTo(1000 - 101);
        }

        assertThat(primary.limiter().snapshot().tokensAvailable()).isEqualTo(1000 - 12);
    }

    @Test
    void aFailedCallGivesItsTokensBackAndKeepsTheRequestOnlyIfTheProviderAnswered() {
        LlmException withStatus = LlmException.builder(ErrorKind.SERVER, "primary").status(500).message("boom").build();
        primaryRaw.then(ScriptedProvider.Step.fail(withStatus), ScriptedProvider.Step.fail(Errors.error(ErrorKind.CONNECTION, "primary")));
        MeteredProvider primary = metered(primaryRaw, new LimitPolicy(10, 1000, Duration.ZERO, 100));

        catchThrowableOfType(() -> primary.chat(ChatRequest.of("Hi")), LlmException.class);
        RateLimiter.Snapshot afterServerError = primary.limiter().snapshot();
        catchThrowableOfType(() -> primary.chat(ChatRequest.of("Hi")), LlmException.class);
        RateLimiter.Snapshot afterConnectionError = primary.limiter().snapshot();

        assertThat(afterServerError.tokensAvailable()).isEqualTo(1000);
        assertThat(afterServerError.requestsAvailable()).isEqualTo(9);
        assertThat(afterConnectionError.requestsAvailable()).isEqualTo(9);
    }

    @Test
    void aDirectCallOverTheLimitIsRefusedWithoutSending() {
        primaryRaw.answering("ok");
        MeteredProvider primary = metered(primaryRaw, LimitPolicy.perMinute(1, 0));
        primary.chat(ChatRequest.of("1"));

        LocalRateLimitException e = catchThrowableOfType(() -> primary.chat(ChatRequest.of("2")),
                LocalRateLimitException.class);

        assertThat(e.retryAfter()).contains(Duration.ofMinutes(1));
        assertThat(primaryRaw.calls()).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void concurrentCallersThroughARouteSendExactlyTheLimitToTheFirstProvider() throws Exception {
        primaryRaw.answering("from primary");
        backupRaw.answering("from backup");
        ProviderManager route = route(metered(primaryRaw, LimitPolicy.perMinute(25, 0)), metered(backupRaw, LimitPolicy.NONE));
        int threads = 16;
        int callsEach = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> answeredByPrimary = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                answeredByPrimary.add(pool.submit(() -> {
                    start.await();
                    int n = 0;
                    for (int i = 0; i < callsEach; i++) {
                        n += route.chat(ChatRequest.of("Hi")).provider().equals("primary") ? 1 : 0;
                    }
                    return n;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : answeredByPrimary) {
                total += f.get(20, TimeUnit.SECONDS);
            }

            assertThat(total).isEqualTo(25);
            assertThat(primaryRaw.calls()).isEqualTo(25);
            assertThat(backupRaw.calls()).isEqualTo(threads * callsEach - 25);
        } finally {
            pool.shutdownNow();
        }
    }
}
