package dev.switchboard.runtime.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a route knows about one of its targets for picking among a group: the calls in flight from this route and an
 * exponentially weighted time to first token (the whole answer's time for a call that is not streamed). Kept per
 * process. Thread-safe.
 */
public final class TargetStats {

    /** How much one new measurement moves the average: a few slow answers are enough to notice a slow member. */
    static final double ALPHA = 0.3;

    private final AtomicInteger inFlight = new AtomicInteger();
    private long samples;
    private double averageNanos;

    /** A call to the target starts; pair with {@link #exit()}. */
    public void enter() {
        inFlight.incrementAndGet();
    }

    /** A call to the target ended (answered, failed or, for a stream, closed or drained). */
    public void exit() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Records the time to the first token of an answer the target gave. */
    public synchronized void recordLatency(Duration firstToken) {
        double nanos = Math.max(0, firstToken.toNanos());
        averageNanos = samples == 0 ? nanos : averageNanos + ALPHA * (nanos - averageNanos);
        samples++;
    }

    /** The number of answers measured. */
    public synchronized long samples() {
        return samples;
    }

    /** The weighted average time to first token; zero before any answer was measured. */
    public synchronized Duration latency() {
        return Duration.ofNanos(Math.round(averageNanos));
    }

    synchronized double averageNanos() {
        return averageNanos;
    }
}
