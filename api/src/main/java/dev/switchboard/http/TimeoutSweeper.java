package dev.switchboard.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One daemon thread that enforces the deadlines of every exchange in flight. It sleeps until the earliest deadline
 * of the exchanges it knows, or without end when there are none, so an idle process is never woken by it. Registering
 * an exchange is a set insertion that wakes the thread only when the exchange's deadline comes before the thread's
 * planned wake-up (the first exchange after a quiet spell, or one with shorter timeouts than those in flight): a
 * scheduled task per request would wake the thread on every call, which costs more than the rest of a loopback call's
 * overhead. A deadline that moves earlier (the idle timeout taking over from the first-byte timeout when the head
 * arrives) is reported the same way; one that moves later (a read) is found when the thread wakes.
 */
final class TimeoutSweeper {

    /** No deadline: the thread sleeps until an exchange registers. */
    static final long NONE = Long.MAX_VALUE;
    /** The thread is awake and may not have seen an exchange registered now: it must be woken to look again. */
    private static final long SWEEPING = Long.MIN_VALUE;
    /** The longest the thread sleeps at once, so that planned wake-ups stay far from overflowing a long. */
    static final long MAX_SLEEP_NANOS = TimeUnit.HOURS.toNanos(1);

    private final Set<Watchdog> active = ConcurrentHashMap.newKeySet();
    private final LongSupplier clock;
    private final Runnable wake;
    private final Thread thread;
    /** When the thread will wake (on {@link #clock}), {@link #NONE} while it sleeps without end, or SWEEPING. */
    private volatile long wakeAt = SWEEPING;
    private volatile boolean stopped;

    TimeoutSweeper() {
        this.clock = System::nanoTime;
        this.thread = new Thread(this::loop, "switchboard-http-timeouts");
        this.wake = () -> LockSupport.unpark(thread);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A sweeper without its thread, for tests: they call {@link #sweep} and {@link #planned} themselves, on their own
     * clock, and {@code wake} sees every wake-up the sweeper would ask of its thread.
     */
    TimeoutSweeper(LongSupplier clock, Runnable wake) {
        this.clock = clock;
        this.wake = wake;
        this.thread = null;
    }

    /** The sweeper's clock, in nanoseconds; watchdogs take their times from it. */
    long now() {
        return clock.getAsLong();
    }

    void register(Watchdog watchdog) {
        active.add(watchdog);
        deadlineAt(watchdog.deadline(now()));
    }

    void unregister(Watchdog watchdog) {
        active.remove(watchdog);
    }

    /** A watchdog's deadline is now {@code deadline}: wakes the thread if it would otherwise sleep past it. */
    void deadlineAt(long deadline) {
        long at = wakeAt;
        if (at == SWEEPING || deadline < at) {
            wake.run();
        }
    }

    /** Stops the thread; the exchanges still in flight hear that the transport closes (see {@link Watchdog}). */
    void stop() {
        stopped = true;
        for (Watchdog w : active) {
            w.transportClosed();
        }
        wake.run();
    }

    /**
     * Fires every watchdog whose deadline has passed at {@code now} and returns the nanoseconds until the earliest
     * deadline of the others, or {@link #NONE} when none is in flight.
     */
    long sweep(long now) {
        long next = NONE;
        for (Watchdog w : active) {
            w.check(now);
            next = Math.min(next, w.nanosLeft(now));
        }
        return next;
    }

    /**
     * Records when the thread, about to sleep at {@code now} with {@code left} nanoseconds to the next deadline, will
     * wake, and returns how long to sleep ({@link #NONE}: until woken).
     */
    long planned(long now, long left) {
        if (left == NONE) {
            wakeAt = NONE;
            return NONE;
        }
        long sleep = Math.max(0, Math.min(left, MAX_SLEEP_NANOS));
        wakeAt = now + sleep;
        return sleep;
    }

    private void loop() {
        while (!stopped) {
            wakeAt = SWEEPING; // from here on a registration wakes the thread, which may have missed it
            long now = now();
            long sleep = planned(now, sweep(now));
            if (stopped) {
                return;
            }
            if (sleep == NONE) {
                LockSupport.park(this);
            } else if (sleep > 0) {
                LockSupport.parkNanos(this, sleep);
            }
        }
    }
}
