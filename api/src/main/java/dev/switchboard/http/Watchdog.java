package dev.switchboard.http;

import dev.switchboard.spi.Timeouts;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Enforces the first-byte, idle and total timeouts of one exchange by cancelling its request, which makes a blocked
 * read fail at once. One scheduled task per exchange, re-armed at the next deadline: reads only store a timestamp.
 */
final class Watchdog implements Runnable {

    private final Cancellable request;
    private final ScheduledExecutorService scheduler;
    private final long firstByteNanos;
    private final long idleNanos;
    private final long totalNanos;
    private final long startNanos;
    private volatile long lastActivityNanos;
    private volatile boolean headersReceived;
    private volatile boolean stopped;
    private volatile String firedReason;
    private ScheduledFuture<?> task;
    private final CountDownLatch aborted = new CountDownLatch(1);

    Watchdog(Cancellable request, Timeouts timeouts, ScheduledExecutorService scheduler) {
        this.request = request;
        this.scheduler = scheduler;
        this.firstByteNanos = timeouts.firstByte().toNanos();
        this.idleNanos = timeouts.idle().toNanos();
        this.totalNanos = timeouts.total().toNanos();
        this.startNanos = System.nanoTime();
        this.lastActivityNanos = startNanos;
        arm(Math.min(firstByteNanos, totalNanos));
    }

    private synchronized void arm(long delayNanos) {
        if (!stopped) {
            task = scheduler.schedule(this, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        }
    }

    void headersReceived() {
        long now = System.nanoTime();
        lastActivityNanos = now;
        headersReceived = true;
        // the task sleeps until the first-byte deadline; an idle timeout shorter than what is left of it would
        // otherwise only be noticed then
        synchronized (this) {
            if (task != null && task.cancel(false)) {
                arm(Math.min(idleNanos, startNanos + totalNanos - now));
            }
        }
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Why the watchdog cancelled the exchange, or null if it did not. */
    String firedReason() {
        return firedReason;
    }

    /**
     * Stops watching. If the watchdog already fired, waits (briefly) until its abort has finished, so that the
     * connection is back in the pool when the caller goes on; otherwise the failure could reach the caller, and a
     * leak check, while the scheduler thread is still discarding the connection.
     */
    void stop() {
        synchronized (this) {
            stopped = true;
            if (task != null) {
                task.cancel(false);
            }
        }
        if (firedReason != null) {
            try {
                aborted.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long totalLeft = startNanos + totalNanos - now;
        long phaseLeft = headersReceived ? lastActivityNanos + idleNanos - now : startNanos + firstByteNanos - now;
        if (totalLeft <= 0) {
            fire("total timeout of " + millis(totalNanos) + " passed");
        } else if (phaseLeft <= 0) {
            fire(headersReceived
                    ? "no data for " + millis(idleNanos) + " (idle timeout)"
                    : "no response within " + millis(firstByteNanos) + " (first-byte timeout)");
        } else {
            arm(Math.min(totalLeft, phaseLeft));
        }
    }

    private void fire(String reason) {
        firedReason = reason;
        try {
            request.cancel();
        } finally {
            aborted.countDown();
        }
    }

    private static String millis(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
