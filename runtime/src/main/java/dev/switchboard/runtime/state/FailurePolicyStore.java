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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code switchboard.state.on-failure} around a store that can become unreachable (every backend but {@code memory}).
 * While the backend fails, a decision a call needs before it is sent (a budget reservation, a rate-limit take, a
 * cooldown permit, a budget or cooldown read) is, with {@link OnFailure#ALLOW}, granted uncounted, and with
 * {@link OnFailure#DENY} refused as an {@link ErrorKind#OVERLOADED} failure naming the backend and the key; what a call
 * reports after it ran (its usage, spending, bucket settlement, cooldown outcome) is dropped under both, since the
 * call has happened either way. The outage is logged once when it starts and once when it ends (recovery is by
 * itself: every call tries the backend again), and counted for {@code /metrics}. Administrative reads and resets
 * ({@link #usage}, {@link #resetBudget}) throw {@link StateUnavailableException} as they are. Thread-safe.
 */
public final class FailurePolicyStore implements StateStore {

    private static final System.Logger LOG = System.getLogger(FailurePolicyStore.class.getName());

    private final StateStore delegate;
    private final OnFailure onFailure;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong failedOperations = new AtomicLong();

    public FailurePolicyStore(StateStore delegate, OnFailure onFailure) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
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
        try {
            T result = operation.get();
            recovered();
            return result;
        } catch (StateUnavailableException e) {
            failed(e);
            if (onFailure == OnFailure.ALLOW) {
                return allowed;
            }
            throw LlmException.builder(ErrorKind.OVERLOADED, "switchboard").status(503).code("state_unavailable")
                    .retryable(false).message("the state backend " + delegate.backend() + " is unreachable, so calls"
                            + " are refused until it returns (switchboard.state.on-failure = deny)")
                    .cause(e).build();
        }
    }

    private void report(Runnable operation) {
        try {
            operation.run();
            recovered();
        } catch (StateUnavailableException e) {
            failed(e); // the call happened: with the backend away there is nowhere to count it
        }
    }

    private <T> T admin(Supplier<T> operation) {
        try {
            T result = operation.get();
            recovered();
            return result;
        } catch (StateUnavailableException e) {
            failed(e);
            throw e;
        }
    }

    private void failed(StateUnavailableException e) {
        failedOperations.incrementAndGet();
        if (down.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "the state backend " + delegate.backend() + " is unreachable ("
                    + e.getMessage() + "); until it returns calls are "
                    + (onFailure == OnFailure.ALLOW ? "let through uncounted" : "refused")
                    + " (switchboard.state.on-failure = " + onFailure.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }

    private void recovered() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.log(System.Logger.Level.INFO, "the state backend " + delegate.backend()
                    + " is reachable again; limits, budgets and usage are counted again");
        }
    }
}
