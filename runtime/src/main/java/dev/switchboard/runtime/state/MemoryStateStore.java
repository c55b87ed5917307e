package dev.switchboard.runtime.state;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageSnapshot;
import dev.switchboard.runtime.UsageTotals;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state in this process's memory: {@code switchboard.state.backend = memory}, and the working copy of the
 * {@code embedded} backend, which gives it a {@link StateJournal} that writes every change to a file and
 * {@linkplain #restore restores} them at start. Each entry (a budget, a bucket pair, a cooldown) has its own lock;
 * the ledger's totals one lock for all, so a snapshot sees each call in every total or in none. Thread-safe.
 */
public class MemoryStateStore implements StateStore {

    private static final double NANOS_PER_MINUTE = 60e9;
    /** Slack for floating-point refill arithmetic, so a wait computed to the nanosecond is enough. */
    private static final double EPSILON = 1e-6;

    private final String backend;
    private final StateJournal journal;
    private final Map<String, BudgetWindow> budgets = new ConcurrentHashMap<>();
    private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();
    private final Map<String, Cooldown> cooldowns = new ConcurrentHashMap<>();
    private final UsageTable usage = new UsageTable(true);

    /** The {@code memory} backend: nothing outlives the process. */
    public MemoryStateStore() {
        this("memory", StateJournal.NONE);
    }

    /**
     * @param backend the backend's name, as {@link #backend()} reports it
     * @param journal where every durable change is written; closed with this store
     */
    public MemoryStateStore(String backend, StateJournal journal) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    @Override
    public String backend() {
        return backend;
    }

    /** True: every entry lives in this process's memory (a journal only writes the changes down). */
    @Override
    public boolean answersFromThisProcess() {
        return true;
    }

    /** True without a journal ({@code memory}); with one ({@code embedded}) a change returns once it is written. */
    @Override
    public boolean changesWithoutWaiting() {
        return journal == StateJournal.NONE;
    }

    /** Puts back one change read from a journal; for a durable backend at start, before any call. */
    public void restore(StateChange change) {
        if (change instanceof StateChange.BudgetSpent s) {
            BudgetWindow b = budgets.computeIfAbsent(s.budget(), k -> new BudgetWindow());
            synchronized (b) {
                if (s.window() >= b.window) {
                    b.window = s.window();
                    b.spent = s.spent();
                }
            }
        } else if (change instanceof StateChange.BucketChanged c) {
            Buckets b = buckets.computeIfAbsent(c.bucket(), k -> new Buckets());
            synchronized (b) {
                b.started = true;
                b.requests = c.requests();
                b.tokens = c.tokens();
                b.last = c.at();
                b.heldUntil = c.heldUntil();
                b.heldWhy = c.heldWhy();
            }
        } else if (change instanceof StateChange.CooldownChanged c) {
            Cooldown t = cooldowns.computeIfAbsent(c.target(), k -> new Cooldown());
            synchronized (t) {
                t.failures = c.failures();
                t.openUntil = c.openUntil();
                t.lastFailure = c.lastFailure();
            }
        } else if (change instanceof StateChange.UsageRecorded u) {
            usage.add(u.record());
        } else if (change instanceof StateChange.UsageRestored u) {
            usage.add(u.provider(), u.model(), u.route(), u.key(), u.totals());
        }
    }

    // ------------------------------------------------------------------------------------------- budgets

    private static final class BudgetWindow {
        long window = Long.MIN_VALUE;
        BigDecimal spent = BigDecimal.ZERO;
        BigDecimal reserved = BigDecimal.ZERO;
        int inFlight;

        void roll(long w) {
            if (w > window) {
                window = w;
                spent = BigDecimal.ZERO;
            }
        }
    }

    @Override
    public BudgetDecision reserveBudget(String budget, String hold, long window, BigDecimal amount,
                                        BigDecimal estimate) {
        BudgetWindow b = budgets.computeIfAbsent(budget, k -> new BudgetWindow());
        synchronized (b) {
            b.roll(window);
            BigDecimal committed = b.spent.add(b.reserved);
            boolean covered = committed.compareTo(amount) < 0 && committed.add(estimate).compareTo(amount) <= 0;
            boolean aloneOnAnUntouchedBudget = b.spent.signum() == 0 && b.inFlight == 0;
            if (covered || aloneOnAnUntouchedBudget) {
                b.reserved = b.reserved.add(estimate);
                b.inFlight++;
                return new BudgetDecision(true, b.spent, b.reserved);
            }
            return new BudgetDecision(false, b.spent, b.reserved);
        }
    }

    @Override
    public void settleBudget(String budget, String hold, BigDecimal estimate, long window, BigDecimal cost) {
        BudgetWindow b = budgets.computeIfAbsent(budget, k -> new BudgetWindow());
        long sequence = -1;
        synchronized (b) {
            if (!hold.isEmpty()) {
                b.reserved = b.reserved.subtract(estimate);
                b.inFlight--;
            }
            if (cost.signum() != 0 && window >= b.window) { // a call that ended in a closed window adds nothing
                b.roll(window);
                b.spent = b.spent.add(cost);
                sequence = journal.append(new StateChange.BudgetSpent(budget, b.window, b.spent));
            }
        }
        durable(sequence);
    }

    @Override
    public BudgetView budget(String budget, long window) {
        BudgetWindow b = budgets.get(budget);
        if (b == null) {
            return BudgetView.EMPTY;
        }
        synchronized (b) {
            return new BudgetView(window > b.window ? BigDecimal.ZERO : b.spent, b.reserved, b.inFlight);
        }
    }

    @Override
    public void resetBudget(String budget, long window) {
        BudgetWindow b = budgets.computeIfAbsent(budget, k -> new BudgetWindow());
        long sequence;
        synchronized (b) {
            b.roll(window);
            b.spent = BigDecimal.ZERO;
            sequence = journal.append(new StateChange.BudgetSpent(budget, b.window, b.spent));
        }
        durable(sequence);
    }

    // ------------------------------------------------------------------------------------------- rate limits

    private static final class Buckets {
        boolean started;
        double requests;
        double tokens;
        Instant last;
        Instant heldUntil;
        String heldWhy;

        /** Starts full at the first use, then refills for the time since the last one. */
        void refill(BucketLimits limits, Instant now) {
            if (!started) {
                started = true;
                requests = limits.requestsPerMinute();
                tokens = limits.tokensPerMinute();
                last = now;
                return;
            }
            long elapsed = Duration.between(last, now).toNanos();
            if (elapsed <= 0) {
                if (elapsed < 0) {
                    last = now; // the clock went back: start counting from here, grant nothing extra
                }
                return;
            }
            if (limits.limitsRequests()) {
                requests = Math.min(limits.requestsPerMinute(),
                        requests + elapsed * limits.requestsPerMinute() / NANOS_PER_MINUTE);
            }
            if (limits.limitsTokens()) {
                tokens = Math.min(limits.tokensPerMinute(),
                        tokens + elapsed * (double) limits.tokensPerMinute() / NANOS_PER_MINUTE);
            }
            last = now;
        }

        StateChange.BucketChanged change(String name) {
            return new StateChange.BucketChanged(name, requests, tokens, last, heldUntil, heldWhy);
        }
    }

    private Buckets buckets(String bucket) {
        return buckets.computeIfAbsent(bucket, k -> new Buckets());
    }

    @Override
    public BucketDecision takeFromBucket(String bucket, BucketLimits limits, long tokens, Instant now) {
        Buckets b = buckets(bucket);
        long sequence;
        synchronized (b) {
            b.refill(limits, now);
            if (b.heldUntil != null && now.isBefore(b.heldUntil)) {
                return BucketDecision.refused(Duration.between(now, b.heldUntil), b.heldWhy);
            }
            long waitNanos = 0;
            String reason = null;
            if (limits.limitsRequests() && b.requests < 1 - EPSILON) {
                waitNanos = nanosFor(1 - b.requests, limits.requestsPerMinute());
                reason = "requests-per-minute " + limits.requestsPerMinute() + " reached";
            }
            if (limits.limitsTokens()) {
                double need = Math.min(tokens, limits.tokensPerMinute());
                if (b.tokens < need - EPSILON) {
                    long w = nanosFor(need - b.tokens, limits.tokensPerMinute());
                    if (w > waitNanos) {
                        waitNanos = w;
                        reason = "tokens-per-minute " + limits.tokensPerMinute()
                                + " reached (this request is estimated at " + tokens + " tokens)";
                    }
                }
            }
            if (reason != null) {
                return BucketDecision.refused(Duration.ofNanos(Math.max(1, waitNanos)), reason);
            }
            if (limits.limitsRequests()) {
                b.requests -= 1;
            }
            if (limits.limitsTokens()) {
                b.tokens -= tokens;
            }
            // Without limits a take changes nothing worth keeping (only a hold could refuse, and holds are written
            // when set): most providers have no limits, and their calls need not wait for the disk.
            sequence = limits.limitsRequests() || limits.limitsTokens() ? journal.append(b.change(bucket)) : -1;
        }
        durable(sequence);
        return BucketDecision.GRANTED;
    }

    @Override
    public void returnToBucket(String bucket, BucketLimits limits, long tokens, boolean request, Instant now) {
        Buckets b = buckets(bucket);
        long sequence;
        synchronized (b) {
            b.refill(limits, now);
            if (limits.limitsTokens()) {
                b.tokens = Math.min(limits.tokensPerMinute(), b.tokens + tokens);
            }
            if (request && limits.limitsRequests()) {
                b.requests = Math.min(limits.requestsPerMinute(), b.requests + 1);
            }
            sequence = journal.append(b.change(bucket));
        }
        durable(sequence);
    }

    @Override
    public void holdBucket(String bucket, BucketLimits limits, Instant until, String why, Instant now) {
        Buckets b = buckets(bucket);
        long sequence;
        synchronized (b) {
            b.refill(limits, now);
            if (b.heldUntil != null && !until.isAfter(b.heldUntil)) {
                return;
            }
            b.heldUntil = until;
            b.heldWhy = why;
            sequence = journal.append(b.change(bucket));
        }
        durable(sequence);
    }

    @Override
    public BucketView bucket(String bucket, BucketLimits limits, Instant now) {
        Buckets b = buckets(bucket);
        synchronized (b) {
            b.refill(limits, now);
            boolean held = b.heldUntil != null && now.isBefore(b.heldUntil);
            return new BucketView(b.requests, b.tokens, held ? b.heldUntil : null, held ? b.heldWhy : null);
        }
    }

    private static long nanosFor(double missing, long perMinute) {
        return (long) Math.ceil(missing * NANOS_PER_MINUTE / perMinute);
    }

    // ------------------------------------------------------------------------------------------- cooldowns

    private static final class Cooldown {
        int failures;
        Instant openUntil;
        boolean probeInFlight;
        ErrorKind lastFailure;

        StateChange.CooldownChanged change(String target) {
            return new StateChange.CooldownChanged(target, failures, openUntil, lastFailure);
        }
    }

    private Cooldown cooldownOf(String target) {
        return cooldowns.computeIfAbsent(target, k -> new Cooldown());
    }

    @Override
    public CooldownPermit acquireCooldown(String target, Instant now) {
        Cooldown c = cooldownOf(target);
        synchronized (c) {
            if (c.openUntil == null) {
                return CooldownPermit.CALL;
            }
            if (now.isBefore(c.openUntil) || c.probeInFlight) {
                return CooldownPermit.REJECTED;
            }
            c.probeInFlight = true;
            return CooldownPermit.PROBE;
        }
    }

    @Override
    public void cooldownSucceeded(String target, CooldownPermit permit) {
        Cooldown c = cooldownOf(target);
        long sequence = -1;
        synchronized (c) {
            boolean changed = c.failures != 0 || c.openUntil != null;
            c.failures = 0;
            c.openUntil = null;
            if (permit == CooldownPermit.PROBE) {
                c.probeInFlight = false;
            }
            if (changed) {
                sequence = journal.append(c.change(target));
            }
        }
        durable(sequence);
    }

    @Override
    public boolean cooldownFailed(String target, CooldownPermit permit, ErrorKind kind, int threshold,
                                  Duration duration, Instant now) {
        Cooldown c = cooldownOf(target);
        long sequence;
        boolean opened = false;
        synchronized (c) {
            if (c.failures < Integer.MAX_VALUE) {
                c.failures++;
            }
            c.lastFailure = kind;
            if (permit == CooldownPermit.PROBE) {
                c.probeInFlight = false;
                c.openUntil = now.plus(duration);
                opened = true;
            } else if (c.openUntil == null && c.failures >= threshold) {
                // A call admitted while closed that fails after the target opened must not extend the cooldown.
                c.openUntil = now.plus(duration);
                opened = true;
            }
            sequence = journal.append(c.change(target));
        }
        durable(sequence);
        return opened;
    }

    @Override
    public void cooldownReleased(String target, CooldownPermit permit) {
        if (permit != CooldownPermit.PROBE) {
            return;
        }
        Cooldown c = cooldownOf(target);
        synchronized (c) {
            c.probeInFlight = false;
        }
    }

    @Override
    public CooldownView cooldown(String target) {
        Cooldown c = cooldowns.get(target);
        if (c == null) {
            return CooldownView.CLOSED;
        }
        synchronized (c) {
            return new CooldownView(c.failures, c.openUntil, c.probeInFlight, c.lastFailure);
        }
    }

    // ------------------------------------------------------------------------------------------- ledger

    /**
     * Counts the call at once and queues its record for the journal without waiting for it to be written: a usage
     * record decides no later call (budgets and limits are settled by their own, awaited, changes), so the request
     * need not wait for the disk. The journal's queue is bounded: a journal whose queue is full drops the call's log
     * row (counting it) rather than make the call wait, and still writes its totals; a kill loses at most the records
     * queued since the last commit.
     */
    @Override
    public void recordUsage(UsageRecord record) {
        synchronized (usage) {
            usage.add(record);
            journal.append(new StateChange.UsageRecorded(record));
        }
    }

    /** True: the totals are this process's, and a journal only queues a usage record (see {@link #recordUsage}). */
    @Override
    public boolean recordsUsageWithoutWaiting() {
        return true;
    }

    /** Queues the call for the journal's log (the embedded backend's); the totals do not count it. */
    @Override
    public void recordUnanswered(UsageRecord record) {
        journal.append(new StateChange.CallUnanswered(record));
    }

    @Override
    public UsageSnapshot usage() {
        return usage.snapshot();
    }

    @Override
    public UsageSnapshot usageOfKey(String key) {
        return usage.snapshotOfKey(key);
    }

    /** The journal's, when it keeps one (the embedded backend's does). */
    @Override
    public Optional<UsageLog> usageLog() {
        return journal instanceof UsageLog log ? Optional.of(log) : Optional.empty();
    }

    @Override
    public void close() {
        journal.close();
    }

    private void durable(long sequence) {
        if (sequence >= 0) {
            journal.awaitDurable(sequence);
        }
    }

    /**
     * The ledger's totals: overall, per provider, model, route and key, and each key's own. Guarded by itself. A call
     * adds to running {@link UsageTally tallies} in place (no totals object, decimal sum or map key made per call);
     * {@link UsageTotals} are made when the totals are read.
     */
    private static final class UsageTable {
        private final UsageTally total = new UsageTally();
        private final Map<String, UsageTally> providers = new HashMap<>();
        /** By provider, then model ("" when unknown): read as "provider/model", or the provider alone. */
        private final Map<String, Map<String, UsageTally>> models = new HashMap<>();
        private final Map<String, UsageTally> routes = new HashMap<>();
        private final Map<String, UsageTally> keys = new HashMap<>();
        /** Each key's own calls, so a key can be shown its usage and nobody else's; null in such a table itself. */
        private final Map<String, UsageTable> perKey;

        UsageTable(boolean splitByKey) {
            this.perKey = splitByKey ? new HashMap<>() : null;
        }

        synchronized void add(UsageRecord r) {
            long picos = UsageTally.picosOf(r); // once for every tally the record counts in
            total.add(r, picos);
            tally(providers, r.provider()).add(r, picos);
            tally(models.computeIfAbsent(r.provider(), p -> new HashMap<>()), r.model()).add(r, picos);
            if (!r.route().isEmpty()) {
                tally(routes, r.route()).add(r, picos);
            }
            if (!r.key().isEmpty()) {
                tally(keys, r.key()).add(r, picos);
                if (perKey != null) {
                    perKey.computeIfAbsent(r.key(), k -> new UsageTable(false)).add(r);
                }
            }
        }

        synchronized void add(String provider, String model, String route, String key, UsageTotals t) {
            total.add(t);
            tally(providers, provider).add(t);
            tally(models.computeIfAbsent(provider, p -> new HashMap<>()), model).add(t);
            if (!route.isEmpty()) {
                tally(routes, route).add(t);
            }
            if (!key.isEmpty()) {
                tally(keys, key).add(t);
                if (perKey != null) {
                    perKey.computeIfAbsent(key, k -> new UsageTable(false)).add(provider, model, route, key, t);
                }
            }
        }

        private static UsageTally tally(Map<String, UsageTally> byName, String name) {
            UsageTally t = byName.get(name);
            if (t == null) {
                t = new UsageTally();
                byName.put(name, t);
            }
            return t;
        }

        synchronized UsageSnapshot snapshot() {
            Map<String, UsageTotals> byModel = new HashMap<>();
            models.forEach((provider, byName) -> byName.forEach((model, t) ->
                    byModel.merge(model.isEmpty() ? provider : provider + "/" + model, t.totals(), UsageTotals::plus)));
            return new UsageSnapshot(total.totals(), totals(providers), byModel, totals(routes), totals(keys));
        }

        private static Map<String, UsageTotals> totals(Map<String, UsageTally> byName) {
            Map<String, UsageTotals> out = new HashMap<>();
            byName.forEach((name, t) -> out.put(name, t.totals()));
            return out;
        }

        synchronized UsageSnapshot snapshotOfKey(String key) {
            UsageTable own = perKey == null ? null : perKey.get(key);
            return own != null ? own.snapshot()
                    : new UsageSnapshot(UsageTotals.ZERO, Map.of(), Map.of(), Map.of(), Map.of());
        }
    }
}
