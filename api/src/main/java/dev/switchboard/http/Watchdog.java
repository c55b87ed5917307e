package dev.switchboard.http;

import dev.switchboard.spi.Timeouts;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Enforces the first-byte, idle and total timeouts of one exchange by cancelling its request, which makes a blocked
 * read fail at once (on the blocking client) or closes the exchange's connection (on the non-blocking one). The {@link TimeoutSweeper} checks it at its deadlines; reads only store a timestamp.
 */
final class Watchdog {

    private final Cancellable request;
    private final TimeoutSweeper sweeper;
    private final long firstByteNanos;
    private final long idleNanos;
    private final long totalNanos;
    private final long startNanos;
    private volatile long lastActivityNanos;
    private volatile boolean headersReceived;
    private volatile String firedReason;
    /** Made when the watchdog fires (before {@link #firedReason} is set), counted down once its abort is done. */
    private volatile CountDownLatch aborted;
    private final CancelScope scope;
    private final boolean abortWhenClosed;

    /** An exchange of the blocking client: closing the transport ends it (its blocked read fails). */
    Watchdog(Cancellable request, Timeouts timeouts, TimeoutSweeper sweeper) {
        this(request, timeouts, sweeper, false);
    }

    /**
     * @param abortWhenClosed whether closing the transport aborts the exchange through this watchdog: an exchange of
     *                        the non-blocking client, which would otherwise hear of nothing more (HttpCore closes its
     *                        connections at once, without telling their exchanges) and wait without end
     */
    Watchdog(Cancellable request, Timeouts timeouts, TimeoutSweeper sweeper, boolean abortWhenClosed) {
        this.abortWhenClosed = abortWhenClosed;
        this.request = request;
        this.sweeper = sweeper;
        this.firstByteNanos = timeouts.firstByte().toNanos();
        this.idleNanos = timeouts.idle().toNanos();
        this.totalNanos = timeouts.total().toNanos();
        this.startNanos = sweeper.now();
        this.lastActivityNanos = startNanos;
        sweeper.register(this);
        this.scope = CancelScope.current();
        if (scope != null) {
            scope.register(this);
        }
    }

    void headersReceived() {
        long now = sweeper.now();
        lastActivityNanos = now;
        headersReceived = true;
        sweeper.deadlineAt(deadline(now)); // the idle deadline may come before the first-byte one
    }

    void touch() {
        lastActivityNanos = sweeper.now();
    }

    /**
     * Nanoseconds from {@code now} until the first deadline that would fire, at most 0 once one has passed, or
     * {@link TimeoutSweeper#NONE} once the watchdog has fired.
     */
    long nanosLeft(long now) {
        if (firedReason != null) {
            return TimeoutSweeper.NONE;
        }
        long total = totalNanos - (now - startNanos);
        long phase = headersReceived ? idleNanos - (now - lastActivityNanos) : firstByteNanos - (now - startNanos);
        return Math.min(total, phase);
    }

    /** When, on the sweeper's clock, the first deadline comes: {@code now} plus what is left, capped at an hour. */
    long deadline(long now) {
        return now + Math.min(nanosLeft(now), TimeoutSweeper.MAX_SLEEP_NANOS);
    }

    /** Why the watchdog cancelled the exchange, or null if it did not. */
    String firedReason() {
        return firedReason;
    }

    /**
     * Stops watching. If the watchdog already fired, waits (briefly) until its abort has finished, so that the
     * connection is back in the pool when the caller goes on; otherwise the failure could reach the caller, and a
     * leak check, while the sweeper thread is still discarding the connection.
     */
    void stop() {
        stopWithoutWaiting();
        if (firedReason != null) {
            try {
                aborted.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops watching without waiting for an abort in progress: for an exchange of the non-blocking client, which ends
     * on one of its I/O threads (that must not wait) after the client has already dealt with the connection.
     */
    void stopWithoutWaiting() {
        sweeper.unregister(this);
        if (scope != null) {
            scope.unregister(this);
        }
    }

    /** The caller gave the exchange up ({@link CancelScope#cancel()}): abort it like a timeout would. */
    void cancelByCaller() {
        if (firedReason == null) {
            fire("cancelled by the caller");
        }
    }

    /** Called by the sweeper as the transport closes with this exchange in flight. */
    void transportClosed() {
        if (abortWhenClosed && firedReason == null) {
            fire("the HTTP transport was closed");
        }
    }

    /** Called by the sweeper: cancels the exchange when a deadline has passed. */
    void check(long now) {
        if (firedReason != null) {
            return;
        }
        if (now - startNanos >= totalNanos) {
            fire("total timeout of " + readable(totalNanos) + " passed");
        } else if (headersReceived ? now - lastActivityNanos >= idleNanos : now - startNanos >= firstByteNanos) {
            fire(headersReceived
                    ? "no data for " + readable(idleNanos) + " (idle timeout)"
                    : "no response within " + readable(firstByteNanos) + " (first-byte timeout)");
        }
    }

    private void fire(String reason) {
        CountDownLatch done = new CountDownLatch(1);
        aborted = done;
        firedReason = reason;
        sweeper.unregister(this);
        try {
            request.cancel();
        } finally {
            done.countDown();
        }
    }

    private static String readable(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
