package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.RetryPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0);

    @Test
    void capGrowsByTheMultiplierUntilMaxDelay() {
        Backoff backoff = new Backoff(policy, () -> 1.0);

        assertThat(backoff.cap(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.cap(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.cap(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.cap(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.cap(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.cap(5000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void followsAFractionalMultiplier() {
        Backoff backoff = new Backoff(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 1.5), () -> 1.0);

        assertThat(backoff.cap(2)).isEqualTo(Duration.ofMillis(225));
    }

    @Test
    void delayIsTheRandomFractionOfTheCap() {
        assertThat(new Backoff(policy, () -> 0.0).delay(3)).isEqualTo(Duration.ZERO);
        assertThat(new Backoff(policy, () -> 0.25).delay(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(new Backoff(policy, () -> 1.0).delay(3)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void jitterStaysWithinZeroAndTheCapAndUsesTheWholeRange() {
        Random seeded = new Random(42);
        Backoff backoff = new Backoff(policy, seeded::nextDouble);
        Duration min = Duration.ofDays(1);
        Duration max = Duration.ZERO;

        for (int i = 0; i < 2_000; i++) {
            Duration d = backoff.delay(2);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(400));
            min = d.compareTo(min) < 0 ? d : min;
            max = d.compareTo(max) > 0 ? d : max;
        }

        // Full jitter: the waits spread over the whole interval, not just near the cap.
        assertThat(min).isLessThan(Duration.ofMillis(20));
        assertThat(max).isGreaterThan(Duration.ofMillis(380));
    }

    @Test
    void clampsRandomValuesOutsideTheUnitInterval() {
        assertThat(new Backoff(policy, () -> -3.0).delay(0)).isEqualTo(Duration.ZERO);
        assertThat(new Backoff(policy, () -> 7.0).delay(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(new Backoff(policy, () -> Double.NaN).delay(0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void hintsUpToMaxDelayAreWorthWaiting() {
        Backoff backoff = new Backoff(policy, () -> 0.5);

        assertThat(backoff.isWorthWaiting(Duration.ofSeconds(1))).isTrue();
        assertThat(backoff.isWorthWaiting(Duration.ofMillis(1001))).isFalse();
    }
}
