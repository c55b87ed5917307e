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
import dev.switchboard.runtime.state.BucketDecision;
import dev.switchboard.runtime.state.BucketLimits;
import dev.switchboard.runtime.state.BucketView;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateStore;

/**
 * Token buckets for one provider (shared by every route that uses it) or one gateway key: one of requests and one of
 * tokens, each holding up to a minute's allowance and refilling continuously at that rate. A call first
 * {@linkplain #tryAcquire reserves} one request and an estimate of its tokens; when it ends the reservation is
 * {@linkplain #settle settled} against the tokens really used, or {@linkplain #release released} when it failed. The
 * provider's own signals ({@link #observe remaining-zero headers}, a 429's retry hint) {@linkplain #hold hold} the
 * limiter until their reset, whatever the buckets say.
 *
 * <p>A request estimated at more tokens than a whole minute's allowance is let through when the bucket is full (it
 * could never fit otherwise) and leaves the bucket in debt. The buckets live in a {@link StateStore}: in memory by
 * default, in a file with the {@code embedded} backend (a restart does not refill them), or in Redis (every instance
 * takes from one pair). Thread-safe; time comes from the injected clock only.
 */
public final class RateLimiter {

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
    private final StateStore store;
    private final String id;
    private final BucketLimits limits;

    /**
     * A limiter whose buckets live in memory, its own.
     *
     * @param name   what is limited, for messages (a provider or key name)
     * @param policy the limits
     * @param clock  the only source of time
     */
    public RateLimiter(String name, LimitPolicy policy, Clock clock) {
        this(name, policy, clock, new MemoryStateStore(), "bucket");
    }

    /** A limiter whose buckets live in {@code store} under {@code id} ({@code provider:<name>}, {@code key:<name>}). */
    public RateLimiter(String name, LimitPolicy policy, Clock clock, StateStore store, String id) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = Objects.requireNonNull(store, "store");
        this.id = Objects.requireNonNull(id, "id");
        this.limits = new BucketLimits(policy.requestsPerMinute(), policy.tokensPerMinute());
    }

    public String name() {
        return name;
    }

    public LimitPolicy policy() {
        return policy;
    }

    /** Reserves one request and {@code estimatedTokens} if there is room now; never waits. */
    public Decision tryAcquire(long estimatedTokens) {
        BucketDecision d = take(estimatedTokens);
        if (!d.granted()) {
            return new Decision(null, d.retryAfter(), d.reason());
        }
        return new Decision(new Reservation(estimatedTokens), Duration.ZERO, null);
    }

    /**
     * Reserves if that waits for nothing: there is room now, and neither this take nor the call's settlement waits for
     * the store. Without limits that is every call not held back by a provider's signal, on a store that answers from
     * this process ({@link StateStore#answersFromThisProcess()}: a take then changes nothing worth writing); with
     * limits, only on a store whose changes wait for nothing ({@link StateStore#changesWithoutWaiting()}). Null
     * otherwise: the caller then {@linkplain #acquire acquires} on a thread that may wait.
     */
    public Reservation tryAcquireWithoutWaiting(long estimatedTokens) {
        boolean limited = policy.limitsRequests() || policy.limitsTokens();
        if (limited ? !store.changesWithoutWaiting() : !store.answersFromThisProcess()) {
            return null;
        }
        return take(estimatedTokens).granted() ? new Reservation(estimatedTokens) : null; // no Decision to drop
    }

    /** Takes one request and {@code estimatedTokens} from the buckets if there is room now. */
    private BucketDecision take(long estimatedTokens) {
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("a token estimate cannot be negative, was " + estimatedTokens);
        }
        return store.takeFromBucket(id, limits, estimatedTokens, clock.instant());
    }

    /**
     * Whether a change of this limiter's state (a {@linkplain #hold hold}, a settlement, a release) returns without
     * waiting for its store.
     */
    public boolean changesWithoutWaiting() {
        return store.changesWithoutWaiting();
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
        if (reservation.finish() && policy.limitsTokens()) {
            store.returnToBucket(id, limits, reservation.tokens - Math.max(0, actualTokens), false, clock.instant());
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
        boolean requestBack = !requestCounted && policy.limitsRequests();
        if (requestBack || policy.limitsTokens()) {
            store.returnToBucket(id, limits, reservation.tokens, requestBack, clock.instant());
        }
    }

    /** The call ended without a token count (e.g. a stream closed early): the estimate stands as spent. */
    public void keep(Reservation reservation) {
        reservation.finish();
    }

    /** Refuses every call until {@code until}; an earlier hold than one in force changes nothing. */
    public void holdUntil(Instant until, String why) {
        Objects.requireNonNull(until, "until");
        store.holdBucket(id, limits, until, why, clock.instant());
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
        if (noRequestsLeft(limits)) {
            hold(limits.resetRequests().get(), "the provider reported no requests left until its reset");
        }
        if (noTokensLeft(limits)) {
            hold(limits.resetTokens().get(), "the provider reported no tokens left until its reset");
        }
    }

    /** Whether {@link #observe} holds this limiter for {@code limits}: a change of its state. */
    public static boolean holdsFor(RateLimits limits) {
        return noRequestsLeft(limits) || noTokensLeft(limits);
    }

    private static boolean noRequestsLeft(RateLimits limits) {
        return limits.remainingRequests().isPresent() && limits.remainingRequests().getAsLong() <= 0
                && limits.resetRequests().isPresent();
    }

    private static boolean noTokensLeft(RateLimits limits) {
        return limits.remainingTokens().isPresent() && limits.remainingTokens().getAsLong() <= 0
                && limits.resetTokens().isPresent();
    }

    public Snapshot snapshot() {
        BucketView v = store.bucket(id, limits, clock.instant());
        return new Snapshot(v.requestsAvailable(), v.tokensAvailable(), v.heldUntil());
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
