package dev.switchboard.runtime.metering;

import dev.switchboard.runtime.RecordingSleeper;
import dev.switchboard.runtime.ManualClock;
import dev.switchboard.runtime.LocalRateLimitException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RateLimiterTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    private RateLimiter limiter(int rpm, long tpm) {
        return new RateLimiter("openai", LimitPolicy.perMinute(rpm, tpm), clock);
    }

    @Test
    void grantsAMinutesRequestsThenRefusesSayingWhenTheNextOneFits() {
        RateLimiter l = limiter(3, 0);

        List<Boolean> granted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            granted.add(l.tryAcquire(10).granted());
        }
        RateLimiter.Decision fourth = l.tryAcquire(10);

        assertThat(granted).containsExactly(true, true, true);
        assertThat(fourth.granted()).isFalse();
        assertThat(fourth.retryAfter()).isEqualTo(Duration.ofSeconds(20)); // 3 per minute: one every 20 s
        assertThat(fourth.reason()).isEqualTo("requests-per-minute 3 reached");
    }

    @Test
    void refillsContinuouslyButNeverBeyondOneMinutesAllowance() {
        RateLimiter l = limiter(3, 0);
        for (int i = 0; i < 3; i++) {
            l.tryAcquire(0);
        }

        clock.advance(Duration.ofSeconds(19));
        boolean before = l.tryAcquire(0).granted();
        clock.advance(Duration.ofSeconds(1));
        boolean after = l.tryAcquire(0).granted();
        clock.advance(Duration.ofMinutes(10));
        int grantedAfterLongIdle = 0;
        while (l.tryAcquire(0).granted()) {
            grantedAfterLongIdle++;
        }

        assertThat(before).isFalse();
        assertThat(after).isTrue();
        assertThat(grantedAfterLongIdle).isEqualTo(3);
    }

    @Test
    void reservesTheEstimateAndSettlesTheDifferenceWithTheRealUsage() {
        RateLimiter l = limiter(0, 1000);

        RateLimiter.Reservation r = l.tryAcquire(600).reservation();
        double afterReserving = l.snapshot().tokensAvailable();
        l.settle(r, 100);
        double afterSettling = l.snapshot().tokensAvailable();
        l.settle(r, 0); // a second settlement changes nothing

        assertThat(afterReserving).isEqualTo(400);
        assertThat(afterSettling).isEqualTo(900);
        assertThat(l.snapshot().tokensAvailable()).isEqualTo(900);
    }

    @Test
    void usingMoreThanTheEstimateLeavesADebtThatDelaysTheNextCall() {
        RateLimiter l = limiter(0, 1000);
        RateLimiter.Reservation r = l.tryAcquire(500).reservation();

        l.settle(r, 1500);
        RateLimiter.Decision next = l.tryAcquire(100);

        assertThat(l.snapshot().tokensAvailable()).isEqualTo(-500);
        assertThat(next.granted()).isFalse();
        // 600 tokens missing at 1000 per minute: 36 s.
        assertThat(next.retryAfter()).isEqualTo(Duration.ofSeconds(36));
        assertThat(next.reason()).startsWith("tokens-per-minute 1000 reached");
    }

    @Test
    void releasingAFailedCallGivesBackItsTokensAndItsRequestOnlyWhenTheProviderNeverSawIt() {
        RateLimiter l = limiter(2, 1000);
        RateLimiter.Reservation unseen = l.tryAcquire(300).reservation();
        RateLimiter.Reservation answered = l.tryAcquire(300).reservation();

        l.release(unseen, false);
        l.release(answered, true);

        assertThat(l.snapshot().tokensAvailable()).isEqualTo(1000);
        assertThat(l.snapshot().requestsAvailable()).isEqualTo(1);
    }

    @Test
    void aRequestLargerThanAMinutesTokensWaitsForAFullBucketThenGoesThroughInDebt() {
        RateLimiter l = limiter(0, 1000);
        l.settle(l.tryAcquire(500).reservation(), 500);

        RateLimiter.Decision refused = l.tryAcquire(5000);
        clock.advance(Duration.ofSeconds(30));
        RateLimiter.Decision granted = l.tryAcquire(5000);

        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(30)); // until the bucket is full, not forever
        assertThat(granted.granted()).isTrue();
        assertThat(l.snapshot().tokensAvailable()).isEqualTo(-4000);
    }

    @Test
    void acquireWaitsWithTheSleeperWhenRoomComesWithinMaxWait() {
        RateLimiter l = new RateLimiter("groq", new LimitPolicy(1, 0, Duration.ofSeconds(90), 256), clock);
        l.acquire(1, sleeper);

        RateLimiter.Reservation r = l.acquire(1, sleeper);

        assertThat(r).isNotNull();
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(60));
    }

    @Test
    void acquireRefusesAtOnceWhenRoomComesLaterThanMaxWait() {
        RateLimiter l = new RateLimiter("groq", new LimitPolicy(1, 0, Duration.ofSeconds(30), 256), clock);
        l.acquire(1, sleeper);

        LocalRateLimitException e = catchThrowableOfType(() -> l.acquire(1, sleeper), LocalRateLimitException.class);

        assertThat(sleeper.waits()).isEmpty();
        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(60));
        assertThat(e.getMessage()).isEqualTo("groq: skipped: local rate limit, no request was sent:"
                + " requests-per-minute 1 reached; room again in 1m");
    }

    @Test
    void aProviderReportingNothingLeftHoldsTheLimiterUntilItsReset() {
        RateLimiter l = limiter(0, 0);
        RateLimits none = RateLimits.builder()
                .limitRequests(100)
                .remainingRequests(0)
                .resetRequests(Duration.ofSeconds(7))
                .build();

        l.observe(none);
        RateLimiter.Decision during = l.tryAcquire(1);
        clock.advance(Duration.ofSeconds(7));
        RateLimiter.Decision after = l.tryAcquire(1);

        assertThat(during.granted()).isFalse();
        assertThat(during.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(during.reason()).contains("no requests left");
        assertThat(after.granted()).isTrue();
    }

    @Test
    void onlyNothingLeftWithAResetTimeHolds() {
        RateLimiter tokensOut = limiter(0, 0);
        RateLimiter someLeft = limiter(0, 0);
        RateLimiter noReset = limiter(0, 0);

        tokensOut.observe(RateLimits.builder()
                .limitTokens(1000)
                .remainingTokens(0)
                .resetTokens(Duration.ofMillis(1500))
                .build());
        someLeft.observe(RateLimits.builder()
                .limitRequests(100)
                .remainingRequests(5)
                .resetRequests(Duration.ofSeconds(7))
                .build());
        noReset.observe(RateLimits.builder().limitRequests(100).remainingRequests(0).build());

        assertThat(tokensOut.tryAcquire(1).retryAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(someLeft.tryAcquire(1).granted()).isTrue();
        assertThat(noReset.tryAcquire(1).granted()).isTrue();
    }

    @Test
    void aShorterHoldDoesNotCutALongerOneShort() {
        RateLimiter l = limiter(0, 0);

        l.hold(Duration.ofSeconds(30), "429");
        l.hold(Duration.ofSeconds(5), "headers");

        assertThat(l.tryAcquire(1).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(l.snapshot().heldUntil()).isEqualTo(ManualClock.START.plusSeconds(30));
    }

    @Test
    @Timeout(20)
    void concurrentCallersNeverGetMoreThanTheLimit() throws Exception {
        RateLimiter requests = limiter(50, 0);
        RateLimiter tokens = limiter(0, 10_000);
        int threads = 32;
        int triesEach = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int[] granted = new int[2];
                    for (int i = 0; i < triesEach; i++) {
                        granted[0] += requests.tryAcquire(1).granted() ? 1 : 0;
                        granted[1] += tokens.tryAcquire(7).granted() ? 1 : 0;
                    }
                    return granted;
                }));
            }
            start.countDown();
            int grantedRequests = 0;
            int grantedTokenCalls = 0;
            for (Future<int[]> f : results) {
                int[] g = f.get(10, TimeUnit.SECONDS);
                grantedRequests += g[0];
                grantedTokenCalls += g[1];
            }

            assertThat(grantedRequests).isEqualTo(50);
            assertThat(grantedTokenCalls).isEqualTo(10_000 / 7);
        } finally {
            pool.shutdownNow();
        }
    }
}
