package dev.switchboard.runtime.state;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code switchboard.state.on-failure} around a store that can become unreachable (every backend but {@code memory}).
 * While the backend fails, a decision a call needs before it is sent (a budget reservation, a rate-limit take, a
 * cooldown permit, a budget or cooldown read) is, with {@link OnFailure#ALLOW}, granted uncounted, and with
 * {@link OnFailure#DENY} refused as an {@link ErrorKind#OVERLOADED} failure naming the backend and the key; what a call
 * reports after it ran (its usage, spending, bucket settlement, cooldown outcome) is dropped under both, since the
 * call has happened either way. Administrative reads and resets ({@link #usage}, {@link #resetBudget}) throw
 * {@link StateUnavailableException} as they are.
 *
 * <p>Once an operation has found the backend unreachable, this store is a circuit: until the backend answers again no
 * operation asks it (each fails at once, so a hung server that lets every command wait out its timeout costs one call
 * that wait, not every call each of its operations' waits). Instead, an operation arriving at least
 * {@link #PROBE_INTERVAL} after the last probe starts one {@link StateStore#ping ping} on a background thread, never
 * two at a time; when one answers, operations go to the backend again. The outage is logged once when it starts and
 * once when it ends, both as warnings, and counted for {@code /metrics}. Thread-safe.
 */
public final class FailurePolicyStore implements StateStore {

    private static final System.Logger LOG = System.getLogger(FailurePolicyStore.class.getName());

    private final StateStore delegate;
    private final OnFailure onFailure;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong failedOperations = new AtomicLong();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final LongSupplier ticker;
    private final Executor prober;
    private volatile long nextProbe;
    private volatile String lastFailure = "";

    /** How long after a failed probe the next one may start. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    public FailurePolicyStore(StateStore delegate, OnFailure onFailure) {
        this(delegate, onFailure, System::nanoTime);
    }

    /**
     * With {@code ticker} (nanoseconds, as {@link System#nanoTime}) timing the probes of an outage: a monotonic time,
     * not the configured clock, which a test or an application may have fixed.
     */
    public FailurePolicyStore(StateStore delegate, OnFailure onFailure, LongSupplier ticker) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.nextProbe = ticker.getAsLong();
        this.prober = command -> {
            Thread t = new Thread(command, "switchboard-state-probe");
            t.setDaemon(true); // a probe waiting on a hung server must not keep the process alive
            t.start();
        };
    }

    /** What {@code switchboard.state.on-failure} says to do while the backend is unreachable. */
    public OnFailure onFailure() {
        return onFailure;
    }

    /**
     * Asks the backend once, at start, whether it answers (a ping); when it does not, the outage starts now, logged
     * and handled as any other (the process starts either way, and recovers by itself when the backend comes).
     */
    public void checkAtStart() {
        guarded(() -> {
            delegate.ping();
            return null;
        }, e -> null);
    }

    /** The store this one guards. */
    public StateStore delegate() {
        return delegate;
    }

    /** Outages seen since start (each counted once, however many operations failed during it). */
    public long outages() {
        return outages.get();
    }

    /** Operations that found the backend unreachable since start. */
    public long failedOperations() {
        return failedOperations.get();
    }

    /**
     * Whether the backend is in use (no outage is on); during one, also starts a probe when one is due, so that a
     * readiness check alone finds the backend back on an instance that gets no calls.
     */
    public boolean available() {
        if (down.get()) {
            probeIfDue();
            return false;
        }
        return true;
    }

    /** Whether the last operation found the backend unreachable. */
    public boolean unavailable() {
        return down.get();
    }

    @Override
    public String backend() {
        return delegate.backend();
    }

    // ------------------------------------------------------------------------------------------- decisions

    @Override
    public BudgetDecision reserveBudget(String budget, String hold, long window, BigDecimal amount,
                                       BigDecimal estimate) {
        return decide(() -> delegate.reserveBudget(budget, hold, window, amount, estimate),
                new BudgetDecision(true, BigDecimal.ZERO, BigDecimal.ZERO));
    }

    @Override
    public BucketDecision takeFromBucket(String bucket, BucketLimits limits, long tokens, Instant now) {
        return decide(() -> delegate.takeFromBucket(bucket, limits, tokens, now), BucketDecision.GRANTED);
    }

    @Override
    public CooldownPermit acquireCooldown(String target, Instant now) {
        return decide(() -> delegate.acquireCooldown(target, now), CooldownPermit.CALL);
    }

    @Override
    public BudgetView budget(String budget, long window) {
        return decide(() -> delegate.budget(budget, window), BudgetView.EMPTY);
    }

    @Override
    public BucketView bucket(String bucket, BucketLimits limits, Instant now) {
        return decide(() -> delegate.bucket(bucket, limits, now),
                new BucketView(limits.requestsPerMinute(), limits.tokensPerMinute(), null, null));
    }

    @Override
    public CooldownView cooldown(String target) {
        return decide(() -> delegate.cooldown(target), CooldownView.CLOSED);
    }

    // ------------------------------------------------------------------------------------------- reports

    @Override
    public void settleBudget(String budget, String hold, BigDecimal estimate, long window, BigDecimal cost) {
        report(() -> delegate.settleBudget(budget, hold, estimate, window, cost));
    }

    @Override
    public void addBudgetSpend(String budget, long window, BigDecimal cost) {
        report(() -> delegate.addBudgetSpend(budget, window, cost));
    }

    @Override
    public void returnToBucket(String bucket, BucketLimits limits, long tokens, boolean request, Instant now) {
        report(() -> delegate.returnToBucket(bucket, limits, tokens, request, now));
    }

    @Override
    public void holdBucket(String bucket, BucketLimits limits, Instant until, String why, Instant now) {
        report(() -> delegate.holdBucket(bucket, limits, until, why, now));
    }

    @Override
    public void cooldownSucceeded(String target, CooldownPermit permit) {
        report(() -> delegate.cooldownSucceeded(target, permit));
    }

    @Override
    public boolean cooldownFailed(String target, CooldownPermit permit, ErrorKind kind, int threshold,
                                  Duration duration, Instant now) {
        boolean[] opened = {false};
        report(() -> opened[0] = delegate.cooldownFailed(target, permit, kind, threshold, duration, now));
        return opened[0];
    }

    @Override
    public void cooldownReleased(String target, CooldownPermit permit) {
        report(() -> delegate.cooldownReleased(target, permit));
    }

    @Override
    public void recordUsage(UsageRecord record) {
        report(() -> delegate.recordUsage(record));
    }

    /** The backend's: during an outage an operation fails or passes at once, which waits for nothing either. */
    @Override
    public boolean answersFromThisProcess() {
        return delegate.answersFromThisProcess();
    }

    /** The backend's, as {@link #answersFromThisProcess()}. */
    @Override
    public boolean changesWithoutWaiting() {
        return delegate.changesWithoutWaiting();
    }

    /** The backend's: during an outage a record is dropped at once, which waits for nothing either. */
    @Override
    public boolean recordsUsageWithoutWaiting() {
        return delegate.recordsUsageWithoutWaiting();
    }

    @Override
    public void recordUnanswered(UsageRecord record) {
        report(() -> delegate.recordUnanswered(record));
    }

    // ------------------------------------------------------------------------------------------- administration

    @Override
    public void resetBudget(String budget, long window) {
        admin(() -> {
            delegate.resetBudget(budget, window);
            return null;
        });
    }

    @Override
    public UsageSnapshot usage() {
        return admin(delegate::usage);
    }

    @Override
    public UsageSnapshot usageOfKey(String key) {
        return admin(() -> delegate.usageOfKey(key));
    }

    @Override
    public Optional<UsageLog> usageLog() {
        return delegate.usageLog();
    }

    @Override
    public Optional<ResponseStore> responses() {
        return delegate.responses(); // a cache that cannot be reached is a miss, whatever on-failure says
    }

    @Override
    public void close() {
        delegate.close();
    }

    // ------------------------------------------------------------------------------------------- policy

    private <T> T decide(Supplier<T> operation, T allowed) {
        return guarded(operation, e -> {
            if (onFailure == OnFailure.ALLOW) {
                return allowed;
            }
            throw LlmException.builder(ErrorKind.OVERLOADED, "switchboard").status(503).code("state_unavailable")
                    .retryable(false).retryAfter(PROBE_INTERVAL).message("the state backend " + delegate.backend()
                            + " is unreachable, so calls are refused until it returns"
                            + " (switchboard.state.on-failure = deny)")
                    .cause(e).build();
        });
    }

    private void report(Runnable operation) {
        guarded(() -> {
            operation.run();
            return null;
        }, e -> null); // the call happened: with the backend away there is nowhere to count it
    }

    private <T> T admin(Supplier<T> operation) {
        return guarded(operation, e -> {
            throw e;
        });
    }

    /**
     * Runs {@code operation} on the backend unless an outage is on (then {@code whenDown} answers at once, and a
     * probe may start); an operation that finds the backend unreachable starts the outage.
     */
    private <T> T guarded(Supplier<T> operation, Function<StateUnavailableException, T> whenDown) {
        if (down.get()) {
            failedOperations.incrementAndGet();
            probeIfDue();
            return whenDown.apply(new StateUnavailableException("the state backend " + delegate.backend()
                    + " is unreachable (" + lastFailure + "); it is not asked again until a probe finds it back",
                    null));
        }
        try {
            return operation.get();
        } catch (StateUnavailableException e) {
            failed(e);
            return whenDown.apply(e);
        }
    }

    /** Starts one background ping when none runs and the last one is {@link #PROBE_INTERVAL} old. */
    private void probeIfDue() {
        long now = ticker.getAsLong();
        if (now - nextProbe < 0 || !probing.compareAndSet(false, true)) {
            return;
        }
        nextProbe = now + PROBE_INTERVAL.toNanos();
        try {
            prober.execute(() -> {
                try {
                    delegate.ping();
                    recovered();
                } catch (StateUnavailableException e) {
                    lastFailure = e.getMessage();
                    nextProbe = ticker.getAsLong() + PROBE_INTERVAL.toNanos();
                } finally {
                    probing.set(false);
                }
            });
        } catch (RuntimeException | Error e) {
            probing.set(false); // no thread to be had now: the next operation tries again
        }
    }

    private void failed(StateUnavailableException e) {
        failedOperations.incrementAndGet();
        lastFailure = String.valueOf(e.getMessage());
        nextProbe = ticker.getAsLong() + PROBE_INTERVAL.toNanos();
        if (down.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "the state backend " + delegate.backend() + " is unreachable ("
                    + e.getMessage() + "); until it returns calls are "
                    + (onFailure == OnFailure.ALLOW ? "let through uncounted" : "refused")
                    + " (switchboard.state.on-failure = " + onFailure.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }

    private void recovered() {
        if (down.compareAndSet(true, false)) {
            // a warning, like the outage's start, so that both show at the default level
            LOG.log(System.Logger.Level.WARNING, "the state backend " + delegate.backend()
                    + " is reachable again; limits, budgets and usage are counted again");
        }
    }
}
