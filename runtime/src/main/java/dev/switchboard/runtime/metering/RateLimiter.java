package dev.switchboard.runtime.metering;

import dev.switchboard.runtime.LocalRateLimitException;
import dev.switchboard.runtime.Sleeper;
import dev.switchboard.api.RateLimits;
import dev.switchboard.http.CancelScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token buckets for one provider (shared by every route that uses it) or one gateway key: one of requests and one of
 * tokens, each holding up to a minute's allowance and refilling continuously at that rate. A call first
 * {@linkplain #tryAcquire reserves} one request and an estimate of its tokens; when it ends the reservation is
 * {@linkplain #settle settled} against the tokens really used, or {@linkplain #release released} when it failed. The
 * provider's own signals ({@link #observe remaining-zero headers}, a 429's retry hint) {@linkplain #hold hold} the
 * limiter until their reset, whatever the buckets say.
 *
 * <p>A request estimated at more tokens than a whole minute's allowance is let through when the bucket is full (it
 * could never fit otherwise) and leaves the bucket in debt. Thread-safe; time comes from the injected clock only.
 */
public final class RateLimiter {

    private static final double NANOS_PER_MINUTE = 60e9;
    /** Slack for floating-point refill arithmetic, so a wait computed to the nanosecond is enough. */
    private static final double EPSILON = 1e-6;

    /** One call's claim on the buckets; settled or released once (later calls are ignored). */
    public static final class Reservation {
        private final long tokens;
        private final AtomicBoolean finished = new AtomicBoolean();

        private Reservation(long tokens) {
            this.tokens = tokens;
        }

        /** The tokens reserved (the estimate). */
        public long tokens() {
            return tokens;
        }

        boolean finish() {
            return finished.compareAndSet(false, true);
        }

        @Override
        public String toString() {
            return "Reservation[" + tokens + " tokens" + (finished.get() ? ", finished]" : "]");
        }
    }

    /**
     * What {@link #tryAcquire} decided: a reservation, or how long until there may be room and why there is none.
     */
    public record Decision(Reservation reservation, Duration retryAfter, String reason) {
        public boolean granted() {
            return reservation != null;
        }
    }

    /** The buckets as of now: what is available (may be negative after a settlement in debt) and any hold. */
    public record Snapshot(double requestsAvailable, double tokensAvailable, Instant heldUntil) {}

    private final String name;
    private final LimitPolicy policy;
    private final Clock clock;

    // Guarded by this.
    private double requests;
    private double tokens;
    private Instant last;
    private Instant heldUntil;
    private String heldWhy;

    /**
     * @param name   what is limited, for messages (a provider or key name)
     * @param policy the limits
     * @param clock  the only source of time
     */
    public RateLimiter(String name, LimitPolicy policy, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requests = policy.requestsPerMinute();
        this.tokens = policy.tokensPerMinute();
        this.last = clock.instant();
    }

    public String name() {
        return name;
    }

    public LimitPolicy policy() {
        return policy;
    }

    /** Reserves one request and {@code estimatedTokens} if there is room now; never waits. */
    public synchronized Decision tryAcquire(long estimatedTokens) {
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("a token estimate cannot be negative, was " + estimatedTokens);
        }
        Instant now = clock.instant();
        refill(now);
        if (heldUntil != null && now.isBefore(heldUntil)) {
            return new Decision(null, Duration.between(now, heldUntil), heldWhy);
        }
        long waitNanos = 0;
        String reason = null;
        if (policy.limitsRequests() && requests < 1 - EPSILON) {
            waitNanos = nanosFor(1 - requests, policy.requestsPerMinute());
            reason = "requests-per-minute " + policy.requestsPerMinute() + " reached";
        }
        if (policy.limitsTokens()) {
            double need = Math.min(estimatedTokens, policy.tokensPerMinute());
            if (tokens < need - EPSILON) {
                long w = nanosFor(need - tokens, policy.tokensPerMinute());
                if (w > waitNanos) {
                    waitNanos = w;
                    reason = "tokens-per-minute " + policy.tokensPerMinute() + " reached (this request is estimated at "
                            + estimatedTokens + " tokens)";
                }
            }
        }
        if (reason != null) {
            return new Decision(null, Duration.ofNanos(Math.max(1, waitNanos)), reason);
        }
        if (policy.limitsRequests()) {
            requests -= 1;
        }
        if (policy.limitsTokens()) {
            tokens -= estimatedTokens;
        }
        return new Decision(new Reservation(estimatedTokens), Duration.ZERO, null);
    }

    /**
     * Reserves, waiting with {@code sleeper} up to the policy's {@code max-wait} for room.
     *
     * @throws LocalRateLimitException when there is no room within {@code max-wait}: nothing may be sent
     */
    public Reservation acquire(long estimatedTokens, Sleeper sleeper) {
        Objects.requireNonNull(sleeper, "sleeper");
        Instant deadline = clock.instant().plus(policy.maxWait());
        while (true) {
            Decision d = tryAcquire(estimatedTokens);
            if (d.granted()) {
                return d.reservation();
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (d.retryAfter().compareTo(left) > 0) {
                throw LocalRateLimitException.refused(name, d.reason(), d.retryAfter());
            }
            try {
                sleep(sleeper, d.retryAfter());
            } catch (InterruptedException e) {
                if (!CancelScope.currentIsCancelled()) {
                    Thread.currentThread().interrupt();
                }
                throw LocalRateLimitException.interrupted(name, d.reason());
            }
        }
    }

    /** The call succeeded and used {@code actualTokens}: the difference to the estimate goes back (or is owed). */
    public void settle(Reservation reservation, long actualTokens) {
        if (!reservation.finish()) {
            return;
        }
        synchronized (this) {
            refill(clock.instant());
            if (policy.limitsTokens()) {
                tokens = Math.min(policy.tokensPerMinute(), tokens + reservation.tokens - Math.max(0, actualTokens));
            }
        }
    }

    /**
     * The call failed: its tokens go back. Its request goes back too unless {@code requestCounted}: a provider that
     * answered (even with an error) has counted the request against its own limit.
     */
    public void release(Reservation reservation, boolean requestCounted) {
        if (!reservation.finish()) {
            return;
        }
        synchronized (this) {
            refill(clock.instant());
            if (policy.limitsTokens()) {
                tokens = Math.min(policy.tokensPerMinute(), tokens + reservation.tokens);
            }
            if (!requestCounted && policy.limitsRequests()) {
                requests = Math.min(policy.requestsPerMinute(), requests + 1);
            }
        }
    }

    /** The call ended without a token count (e.g. a stream closed early): the estimate stands as spent. */
    public void keep(Reservation reservation) {
        reservation.finish();
    }

    /** Refuses every call until {@code until}; an earlier hold than one in force changes nothing. */
    public synchronized void holdUntil(Instant until, String why) {
        Objects.requireNonNull(until, "until");
        if (heldUntil == null || until.isAfter(heldUntil)) {
            heldUntil = until;
            heldWhy = why;
        }
    }

    /** Refuses every call for {@code duration} from now. */
    public void hold(Duration duration, String why) {
        holdUntil(clock.instant().plus(duration.isNegative() ? Duration.ZERO : duration), why);
    }

    /**
     * Reads a provider's rate-limit headers: no requests (or tokens) remaining with a reset time holds this limiter
     * until the reset.
     */
    public void observe(RateLimits limits) {
        Objects.requireNonNull(limits, "limits");
        if (limits.remainingRequests().isPresent() && limits.remainingRequests().getAsLong() <= 0
                && limits.resetRequests().isPresent()) {
            hold(limits.resetRequests().get(), "the provider reported no requests left until its reset");
        }
        if (limits.remainingTokens().isPresent() && limits.remainingTokens().getAsLong() <= 0
                && limits.resetTokens().isPresent()) {
            hold(limits.resetTokens().get(), "the provider reported no tokens left until its reset");
        }
    }

    public synchronized Snapshot snapshot() {
        Instant now = clock.instant();
        refill(now);
        return new Snapshot(requests, tokens, heldUntil != null && now.isBefore(heldUntil) ? heldUntil : null);
    }

    private void refill(Instant now) {
        long elapsed = Duration.between(last, now).toNanos();
        if (elapsed <= 0) {
            if (elapsed < 0) {
                last = now; // the clock went back: start counting from here, grant nothing extra
            }
            return;
        }
        if (policy.limitsRequests()) {
            requests = Math.min(policy.requestsPerMinute(), requests + elapsed * policy.requestsPerMinute() / NANOS_PER_MINUTE);
        }
        if (policy.limitsTokens()) {
            tokens = Math.min(policy.tokensPerMinute(), tokens + elapsed * (double) policy.tokensPerMinute() / NANOS_PER_MINUTE);
        }
        last = now;
    }

    private static long nanosFor(double missing, long perMinute) {
        return (long) Math.ceil(missing * NANOS_PER_MINUTE / perMinute);
    }

    private static void sleep(Sleeper sleeper, Duration wait) throws InterruptedException {
        CancelScope scope = CancelScope.current();
        if (scope == null) {
            sleeper.sleep(wait);
        } else {
            scope.interruptibly(() -> sleeper.sleep(wait));
        }
    }

    @Override
    public String toString() {
        return "RateLimiter[" + name + ", " + policy + "]";
    }
}
