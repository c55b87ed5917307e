package dev.switchboard.runtime.state;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The state Switchboard keeps between calls, behind one interface so that it can live in this process
 * ({@code memory}), in a file that survives restarts ({@code embedded}) or in a server that many instances share
 * ({@code redis}). Every method is one atomic step on the store: a budget reservation checks and holds in one go, a
 * bucket take refills, checks and takes in one go, so N processes on one store enforce one limit. The callers
 * ({@link dev.switchboard.runtime.metering.Budget}, {@link dev.switchboard.runtime.metering.RateLimiter}, the
 * routes' cooldowns, {@link dev.switchboard.runtime.UsageLedger}) keep the policy; the store keeps the numbers.
 *
 * <p>Names: budgets are {@code route:<name>} or {@code key:<name>}, buckets {@code provider:<name>} or
 * {@code key:<name>}, cooldowns {@code target:<target label>} (one per provider and model, whatever the route; a
 * route built alone in code uses {@code <route>:<target label>}). Budget windows are numbered: the window of an instant
 * is {@code floor(epochMillis / periodMillis)}. Implementations are thread-safe. A method whose backend cannot be
 * reached throws {@link StateUnavailableException}; what the call then does is the caller's
 * {@code switchboard.state.on-failure}.
 */
public interface StateStore extends AutoCloseable {

    /** The backend's name as {@code switchboard.state.backend} spells it: {@code memory}, {@code embedded}... */
    String backend();

    /**
     * Asks the backend whether it answers now, changing nothing (how an outage's end is found).
     *
     * @throws StateUnavailableException when it does not
     */
    default void ping() {
        usage();
    }

    /**
     * Whether every read and every decision that writes nothing (a cooldown permit, a bucket take of a limiter without
     * limits, a budget reservation) is answered from this process's memory, without waiting for any I/O: true for
     * {@code memory} and {@code embedded}; false unless a store says so ({@code redis} makes a round trip for each).
     * A change may still wait to be written: see {@link #changesWithoutWaiting()}.
     */
    default boolean answersFromThisProcess() {
        return false;
    }

    /**
     * Whether every operation, changes included, returns without waiting for any I/O: true for {@code memory} alone
     * ({@code embedded} returns from a change once it is on disk; {@code redis} after a round trip). Implies
     * {@link #answersFromThisProcess()}.
     */
    default boolean changesWithoutWaiting() {
        return false;
    }

    // ------------------------------------------------------------------------------------------- budgets

    /**
     * Holds {@code estimate} in budget {@code budget} for a call about to be sent, if the window's spending, the
     * holds of the calls in flight and this estimate stay within {@code amount} (or nothing is spent in the window
     * and no call holds anything: a call estimated above the whole amount still goes through alone).
     *
     * @param hold   a name for this hold, unique for the process's lifetime; a shared store keeps holds by it so that
     *               those of a process that died can expire
     * @param window the window of now
     */
    BudgetDecision reserveBudget(String budget, String hold, long window, BigDecimal amount, BigDecimal estimate);

    /**
     * Gives back hold {@code hold} of {@code estimate} and adds {@code cost} (zero for nothing) to the window
     * {@code window} (the window the call ended in), in one step; a cost in a window older than the budget's current
     * one adds nothing.
     */
    void settleBudget(String budget, String hold, BigDecimal estimate, long window, BigDecimal cost);

    /** Adds {@code cost} to window {@code window} of {@code budget}, without any hold (a call that reserved none). */
    default void addBudgetSpend(String budget, long window, BigDecimal cost) {
        settleBudget(budget, "", BigDecimal.ZERO, window, cost);
    }

    /** The spending in window {@code window} (zero when the budget's window is older) and the holds in flight. */
    BudgetView budget(String budget, long window);

    /** Starts window {@code window}'s spending of {@code budget} again at zero (an administrator's reset). */
    void resetBudget(String budget, long window);

    // ------------------------------------------------------------------------------------------- rate limits

    /**
     * Refills bucket {@code bucket} up to {@code now} at {@code limits}' rate, then takes one request and
     * {@code tokens} if there is room and no hold is in force, or says how long until there may be.
     */
    BucketDecision takeFromBucket(String bucket, BucketLimits limits, long tokens, Instant now);

    /**
     * Puts back {@code tokens} (negative: takes more, e.g. a call that used more than it reserved) and, when
     * {@code request}, one request; never above a minute's allowance.
     */
    void returnToBucket(String bucket, BucketLimits limits, long tokens, boolean request, Instant now);

    /** Refuses every take until {@code until}; an earlier hold than one in force changes nothing. */
    void holdBucket(String bucket, BucketLimits limits, Instant until, String why, Instant now);

    /** The bucket as of {@code now}. */
    BucketView bucket(String bucket, BucketLimits limits, Instant now);

    // ------------------------------------------------------------------------------------------- cooldowns

    /**
     * Whether a call may go to a target: {@link CooldownPermit#CALL} when it is closed, {@link CooldownPermit#PROBE}
     * for the one call let through once its cooldown is over, else {@link CooldownPermit#REJECTED}.
     */
    CooldownPermit acquireCooldown(String target, Instant now);

    /** The call succeeded: the target is closed again. */
    void cooldownSucceeded(String target, CooldownPermit permit);

    /**
     * The target failed a call; after {@code threshold} consecutive failures (or a failed probe) it opens for
     * {@code duration}.
     *
     * @return whether this failure opened it
     */
    boolean cooldownFailed(String target, CooldownPermit permit, ErrorKind kind, int threshold, Duration duration,
                           Instant now);

    /** The call ended saying nothing about the target's health; a probe permit is given back. */
    void cooldownReleased(String target, CooldownPermit permit);

    /** The target's cooldown as it stands. */
    CooldownView cooldown(String target);

    // ------------------------------------------------------------------------------------------- ledger

    /** Adds one answered call to the totals. */
    void recordUsage(UsageRecord record);

    /**
     * Whether {@link #recordUsage} returns without waiting for any I/O: the totals are kept in this process and a
     * record is at most queued for a log written by a thread of its own. A server may then record a call from a thread
     * that must never block (an I/O thread answering from a cache). False unless a store says so: a store on another
     * server ({@code redis}) makes a round trip per record.
     */
    default boolean recordsUsageWithoutWaiting() {
        return false;
    }

    /**
     * Keeps a call that ended without an answer ({@link UsageRecord#answered()} false: every target failed or was
     * skipped, a budget or a key limit refused it, no target supports it) in the usage log, so the log holds one
     * record per call; the totals and budgets do not count it, as nothing was answered. Never blocks for the log.
     * The default keeps nothing: a backend without a usage log ({@code memory}, {@code redis}).
     */
    default void recordUnanswered(UsageRecord record) {}

    /** Every call's totals: overall, per provider, {@code provider/model}, route and key. */
    UsageSnapshot usage();

    /** The totals of the calls made with key {@code key} alone. */
    UsageSnapshot usageOfKey(String key);

    /** The record of every call, when the backend keeps one ({@code embedded} does; {@code memory} does not). */
    default Optional<UsageLog> usageLog() {
        return Optional.empty();
    }

    /**
     * Where a response cache shared by every instance on this store keeps its answers, when the backend has such a
     * place ({@code redis} does; {@code memory} and {@code embedded} do not: their instances do not share).
     */
    default Optional<ResponseStore> responses() {
        return Optional.empty();
    }

    /** Releases what the store holds (files, connections). */
    @Override
    void close();
}
