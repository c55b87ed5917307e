package dev.switchboard.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that checks the deadlines of every exchange in flight every {@link #TICK_NANOS}. Registering an
 * exchange is a set insertion, with no thread wake-up on the request path: a scheduled task per request would wake
 * the timer thread on every call, which costs more than the rest of a loopback call's overhead. The thread parks
 * after a second without exchanges. Deadlines are kept to within one tick, which is ample for timeouts in seconds.
 */
final class TimeoutSweeper {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Set<Watchdog> active = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean stopped;

    TimeoutSweeper() {
        thread = new Thread(this::loop, "switchboard-http-timeouts");
        thread.setDaemon(true);
        thread.start();
    }

    void register(Watchdog watchdog) {
        active.add(watchdog);
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    void unregister(Watchdog watchdog) {
        active.remove(watchdog);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        long lastBusy = System.nanoTime();
        while (!stopped) {
            long now = System.nanoTime();
            if (active.isEmpty()) {
                if (now - lastBusy > IDLE_PARK_NANOS) {
                    parked = true;
                    if (active.isEmpty() && !stopped) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    lastBusy = System.nanoTime();
                    continue;
                }
            } else {
                lastBusy = now;
                for (Watchdog w : active) {
                    w.check(now);
                }
            }
            LockSupport.parkNanos(this, TICK_NANOS);
        }
    }
}
