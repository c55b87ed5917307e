package dev.switchboard.runtime.state;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A state store whose calls are also written to a usage log of their own ({@code switchboard.usage-log.jdbc-url}):
 * every operation goes to the store, each recorded call is appended to the log as well, and usage queries read the
 * log. Thread-safe.
 */
public final class SeparateUsageLogStore implements StateStore {

    private final StateStore store;
    private final UsageLogWriter log;

    public SeparateUsageLogStore(StateStore store, UsageLogWriter log) {
        this.store = Objects.requireNonNull(store, "store");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The store the numbers live in. */
    public StateStore store() {
        return store;
    }

    @Override
    public String backend() {
        return store.backend();
    }

    @Override
    public BudgetDecision reserveBudget(String budget, String hold, long window, BigDecimal amount,
                                       BigDecimal estimate) {
        return store.reserveBudget(budget, hold, window, amount, estimate);
    }

    @Override
    public void settleBudget(String budget, String hold, BigDecimal estimate, long window, BigDecimal cost) {
        store.settleBudget(budget, hold, estimate, window, cost);
    }

    @Override
    public void addBudgetSpend(String budget, long window, BigDecimal cost) {
        store.addBudgetSpend(budget, window, cost);
    }

    @Override
    public BudgetView budget(String budget, long window) {
        return store.budget(budget, window);
    }

    @Override
    public void resetBudget(String budget, long window) {
        store.resetBudget(budget, window);
    }

    @Override
    public BucketDecision takeFromBucket(String bucket, BucketLimits limits, long tokens, Instant now) {
        return store.takeFromBucket(bucket, limits, tokens, now);
    }

    @Override
    public void returnToBucket(String bucket, BucketLimits limits, long tokens, boolean request, Instant now) {
        store.returnToBucket(bucket, limits, tokens, request, now);
    }

    @Override
    public void holdBucket(String bucket, BucketLimits limits, Instant until, String why, Instant now) {
        store.holdBucket(bucket, limits, until, why, now);
    }

    @Override
    public BucketView bucket(String bucket, BucketLimits limits, Instant now) {
        return store.bucket(bucket, limits, now);
    }

    @Override
    public CooldownPermit acquireCooldown(String target, Instant now) {
        return store.acquireCooldown(target, now);
    }

    @Override
    public void cooldownSucceeded(String target, CooldownPermit permit) {
        store.cooldownSucceeded(target, permit);
    }

    @Override
    public boolean cooldownFailed(String target, CooldownPermit permit, ErrorKind kind, int threshold,
                                  Duration duration, Instant now) {
        return store.cooldownFailed(target, permit, kind, threshold, duration, now);
    }

    @Override
    public void cooldownReleased(String target, CooldownPermit permit) {
        store.cooldownReleased(target, permit);
    }

    @Override
    public CooldownView cooldown(String target) {
        return store.cooldown(target);
    }

    /** Counts the call in the store, then queues it for the log (which never blocks). */
    @Override
    public void recordUsage(UsageRecord record) {
        try {
            store.recordUsage(record);
        } finally {
            log.append(record);
        }
    }

    /** The store's: the log only takes usage records. */
    @Override
    public boolean answersFromThisProcess() {
        return store.answersFromThisProcess();
    }

    /** The store's: the log only takes usage records, and its {@link UsageLogWriter#append} never blocks. */
    @Override
    public boolean changesWithoutWaiting() {
        return store.changesWithoutWaiting();
    }

    /** The store's: the log's {@link UsageLogWriter#append} never blocks. */
    @Override
    public boolean recordsUsageWithoutWaiting() {
        return store.recordsUsageWithoutWaiting();
    }

    /** Hands the call to the store (which may keep a log of its own), then queues it for the log. */
    @Override
    public void recordUnanswered(UsageRecord record) {
        try {
            store.recordUnanswered(record);
        } finally {
            log.append(record);
        }
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public UsageSnapshot usage() {
        return store.usage();
    }

    @Override
    public UsageSnapshot usageOfKey(String key) {
        return store.usageOfKey(key);
    }

    /** The separate log, not the store's. */
    @Override
    public Optional<UsageLog> usageLog() {
        return Optional.of(log);
    }

    @Override
    public Optional<ResponseStore> responses() {
        return store.responses();
    }

    @Override
    public void close() {
        try {
            log.close();
        } finally {
            store.close();
        }
    }
}
