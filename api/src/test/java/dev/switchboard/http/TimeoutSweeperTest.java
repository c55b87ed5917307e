package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.spi.Timeouts;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.core5.concurrent.Cancellable;
import org.junit.jupiter.api.Test;

/**
 * The sweeper sleeps until the next deadline, or without end when nothing is in flight, and is woken only when an
 * exchange's deadline comes before its planned wake-up. Driven by hand on a clock the test moves: no thread, no sleep.
 */
class TimeoutSweeperTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final TimeoutSweeper sweeper = new TimeoutSweeper(clock::get, wakeUps::incrementAndGet);

    /** A request that counts its cancellations. */
    private static final class Request implements Cancellable {
        final AtomicInteger cancels = new AtomicInteger();

        @Override
        public boolean cancel() {
            cancels.incrementAndGet();
            return true;
        }
    }

    private static Timeouts timeouts(int firstByteSeconds, int idleSeconds, int totalSeconds) {
        return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(firstByteSeconds), Duration.ofSeconds(idleSeconds),
                Duration.ofSeconds(totalSeconds));
    }

    private void after(long nanos) {
        clock.addAndGet(nanos);
    }

    /** One pass of the sweeper's thread: sweeps, plans its sleep, and says how long it would sleep. */
    private long sweepAndSleep() {
        long now = clock.get();
        return sweeper.planned(now, sweeper.sweep(now));
    }

    @Test
    void withNothingInFlightTheSweeperSleepsUntilWoken() {
        assertThat(sweepAndSleep()).isEqualTo(TimeoutSweeper.NONE);
        assertThat(sweepAndSleep()).isEqualTo(TimeoutSweeper.NONE);
        assertThat(wakeUps).hasValue(0);
    }

    @Test
    void theFirstExchangeAfterAQuietSpellWakesTheSweeperWhichThenSleepsUntilItsDeadline() {
        sweepAndSleep();

        new Watchdog(new Request(), timeouts(60, 30, 600), sweeper);

        assertThat(wakeUps).hasValue(1);
        assertThat(sweepAndSleep()).isEqualTo(60 * SECOND);
    }

    @Test
    void anExchangeWhoseDeadlineComesAfterThePlannedWakeUpDoesNotWakeTheSweeper() {
        sweepAndSleep();
        new Watchdog(new Request(), timeouts(60, 30, 600), sweeper);
        sweepAndSleep();
        after(SECOND);

        for (int i = 0; i < 100; i++) {
            new Watchdog(new Request(), timeouts(60, 30, 600), sweeper);
        }

        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void anExchangeWithAnEarlierDeadlineWakesTheSweeper() {
        sweepAndSleep();
        new Watchdog(new Request(), timeouts(60, 30, 600), sweeper);
        sweepAndSleep();

        new Watchdog(new Request(), timeouts(5, 30, 600), sweeper);

        assertThat(wakeUps).hasValue(2);
        assertThat(sweepAndSleep()).isEqualTo(5 * SECOND);
    }

    @Test
    void theHeadsArrivalReportsAnIdleDeadlineBeforeTheFirstByteOne() {
        sweepAndSleep();
        Watchdog watchdog = new Watchdog(new Request(), timeouts(60, 5, 600), sweeper);
        assertThat(sweepAndSleep()).isEqualTo(60 * SECOND);
        after(SECOND);

        watchdog.headersReceived();

        assertThat(wakeUps).hasValue(2);
        assertThat(sweepAndSleep()).isEqualTo(5 * SECOND);
    }

    @Test
    void aDeadlineFiresWhenItPassesAndNotBefore() {
        sweepAndSleep();
        Request request = new Request();
        Watchdog watchdog = new Watchdog(request, timeouts(60, 30, 600), sweeper);
        long sleep = sweepAndSleep();

        after(sleep - 1);
        assertThat(sweepAndSleep()).isEqualTo(1);
        assertThat(request.cancels).hasValue(0);

        after(1);
        assertThat(sweepAndSleep()).isEqualTo(TimeoutSweeper.NONE);
        assertThat(request.cancels).hasValue(1);
        assertThat(watchdog.firedReason()).contains("first-byte timeout");
    }

    @Test
    void readsMoveTheIdleDeadlineLaterWithoutWakingTheSweeper() {
        sweepAndSleep();
        Request request = new Request();
        Watchdog watchdog = new Watchdog(request, timeouts(60, 10, 600), sweeper);
        watchdog.headersReceived();
        assertThat(sweepAndSleep()).isEqualTo(10 * SECOND);
        int woken = wakeUps.get();

        after(8 * SECOND);
        watchdog.touch();
        after(2 * SECOND); // the planned wake-up: the read moved the deadline 8 s on

        assertThat(wakeUps).hasValue(woken);
        assertThat(sweepAndSleep()).isEqualTo(8 * SECOND);
        assertThat(request.cancels).hasValue(0);

        after(8 * SECOND);
        sweepAndSleep();
        assertThat(request.cancels).hasValue(1);
        assertThat(watchdog.firedReason()).contains("idle timeout");
    }

    @Test
    void anExchangeRegisteredWhileTheSweeperIsAwakeWakesIt() {
        // a fresh sweeper has not planned a sleep yet: it may be past the point where it would have seen the exchange
        new Watchdog(new Request(), timeouts(60, 30, 600), sweeper);

        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void aStoppedExchangeNoLongerCountsForTheNextDeadline() {
        sweepAndSleep();
        Watchdog soon = new Watchdog(new Request(), timeouts(5, 30, 600), sweeper);
        new Watchdog(new Request(), timeouts(60, 30, 600), sweeper);

        soon.stop();

        assertThat(sweepAndSleep()).isEqualTo(60 * SECOND);
    }
}
