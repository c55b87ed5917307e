package dev.switchboard.runtime.metering;

import dev.switchboard.runtime.BudgetExceededException;
import dev.switchboard.runtime.UsageLedger;
import dev.switchboard.api.Cost;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import dev.switchboard.runtime.state.BudgetDecision;
import dev.switchboard.runtime.state.BudgetView;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateStore;

/**
 * The spending of a route or a key against its {@link BudgetLimit}, fed by the {@link UsageLedger}. Periods are fixed
 * windows aligned to the epoch (1970-01-01T00:00Z) in whole periods: {@code 1h} runs from one full UTC hour to the
 * next, {@code 1d} from UTC midnight to UTC midnight, {@code 30d} in 30-day blocks counted from the epoch. At the
 * end of a window the spent amount starts again at zero. Only known costs count: a call whose price is unknown spends
 * nothing here (the ledger counts it as unpriced). The numbers live in a {@link StateStore}: in memory by default, in a
 * file with the {@code embedded} backend (a restart keeps the window's spending) or in Redis (every instance sees
 * one spending).
 *
 * <p>A call {@linkplain #reserve reserves} its estimated cost before anything is sent and is refused when the spent
 * amount, the reservations of the calls in flight and its own estimate together exceed the amount. When it ends the
 * reservation is {@linkplain #settle settled} with the real cost (or {@linkplain #release released} when the call
 * failed). Concurrent calls can therefore take the spending past the amount by at most the sum, over the calls in
 * flight, of their actual cost minus their estimate. One exception keeps a budget usable for calls estimated above
 * its whole amount: such a call goes through when nothing is spent in the window and no other call is in flight
 * (like a rate limiter letting an oversized request through a full bucket); its overshoot is then below its own
 * estimation error too. Reservations outlive a window's end: a call counts in the window it ends in. Thread-safe.
 */
public final class Budget {

    /** Names holds uniquely for this process's lifetime, so a shared store can tell them apart. */
    private static final AtomicLong HOLDS = new AtomicLong();
    private static final String PROCESS = Long.toString(ProcessHandle.current().pid(), 36) + "-"
            + Long.toString(System.nanoTime() & 0xffffffL, 36);

    /** One call's claim on a budget: its estimated cost, held from {@link #reserve} until settled or released once. */
    public static final class Hold {
        private final String name;
        private final BigDecimal usd;
        private final AtomicBoolean finished = new AtomicBoolean();

        private Hold(String name, BigDecimal usd) {
            this.name = name;
            this.usd = usd;
        }

        /** The estimate held, in US dollars. */
        public BigDecimal usd() {
            return usd;
        }

        @Override
        public String toString() {
            return "Hold[$" + usd.toPlainString() + (finished.get() ? ", finished]" : "]");
        }
    }

    private final String what;
    private final BudgetLimit limit;
    private final Clock clock;
    private final StateStore store;
    private final String id;

    /**
     * A budget whose spending lives in memory, its own.
     *
     * @param what  whose budget, for messages, e.g. {@code route default} or {@code key team-a}
     * @param limit the amount per period
     * @param clock the only source of time
     */
    public Budget(String what, BudgetLimit limit, Clock clock) {
        this(what, limit, clock, new MemoryStateStore(), "budget");
    }

    /**
     * A budget whose spending lives in {@code store} under {@code id} ({@code route:<name>}, {@code key:<name>}).
     */
    public Budget(String what, BudgetLimit limit, Clock clock, StateStore store, String id) {
        this.what = Objects.requireNonNull(what, "what");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = Objects.requireNonNull(store, "store");
        this.id = Objects.requireNonNull(id, "id");
    }

    public BudgetLimit limit() {
        return limit;
    }

    /**
     * Whether checking, reserving and settling wait for nothing: the spending lives in this process's memory alone
     * ({@link StateStore#changesWithoutWaiting()}), not in a file a settlement is written to first nor on a server.
     */
    public boolean waitsForNothing() {
        return store.changesWithoutWaiting();
    }

    /**
     * Adds a call's cost, in the window of {@code at}; an unknown cost adds nothing. Nor does a zero cost (a cache
     * hit): it changes no window in any store, so the store is not asked (a round trip to a shared one, a lock in
     * memory).
     */
    public void add(Instant at, Cost cost) {
        if (cost.isKnown() && cost.usd().orElseThrow().signum() != 0) {
            store.addBudgetSpend(id, windowOf(at), cost.usd().orElseThrow());
        }
    }

    /**
     * Holds {@code estimateUsd} for a call about to be sent, or refuses it.
     *
     * @param provider    the name a refusal is reported under (the route, or the key)
     * @param estimateUsd the call's estimated cost; zero when its price is unknown
     * @throws BudgetExceededException when the amount is spent, or cannot cover this call on top of the calls in
     *                                 flight; nothing is held then
     */
    public Hold reserve(String provider, BigDecimal estimateUsd) {
        Objects.requireNonNull(estimateUsd, "estimateUsd");
        if (estimateUsd.signum() < 0) {
            throw new IllegalArgumentException("a cost estimate cannot be negative, was " + estimateUsd.toPlainString());
        }
        String name = PROCESS + "-" + HOLDS.incrementAndGet();
        BudgetDecision d = store.reserveBudget(id, name, windowOf(clock.instant()), limit.amount(), estimateUsd);
        if (d.granted()) {
            return new Hold(name, estimateUsd);
        }
        throw refusal(provider, d.spent(), d.reserved(), estimateUsd);
    }

    /** The call held by {@code hold} ended costing {@code cost} (added in the window of {@code at}); once. */
    public void settle(Hold hold, Instant at, Cost cost) {
        if (hold.finished.compareAndSet(false, true)) {
            store.settleBudget(id, hold.name, hold.usd, windowOf(at), cost.usd().orElse(BigDecimal.ZERO));
        }
    }

    /** The call held by {@code hold} failed or was refused elsewhere: its estimate is no longer held; once. */
    public void release(Hold hold) {
        if (hold.finished.compareAndSet(false, true)) {
            store.settleBudget(id, hold.name, hold.usd, windowOf(clock.instant()), BigDecimal.ZERO);
        }
    }

    /** The estimates held by the calls in flight. */
    public BigDecimal reserved() {
        return view().reserved();
    }

    /** Spent in the current window. */
    public BigDecimal spent() {
        return view().spent();
    }

    /** Starts the current window's spending again at zero, for every instance sharing the store. */
    public void reset() {
        refused = null;
        store.resetBudget(id, windowOf(clock.instant()));
    }

    private BudgetView view() {
        return store.budget(id, windowOf(clock.instant()));
    }

    /** When the current window ends and the spent amount starts again at zero. */
    public Instant resetsAt() {
        long p = limit.period().toMillis();
        return Instant.ofEpochMilli((windowOf(clock.instant()) + 1) * p);
    }

    /**
     * Whether the budget refuses calls now: the current window's spending has reached the amount, or this process
     * refused a call for it in the current window (what is left no longer covers a call's estimate). It stays so
     * until the window ends or the budget is reset.
     */
    public boolean exceeded() {
        return lastRefusal().isPresent() || spent().compareTo(limit.amount()) >= 0;
    }

    /** When this process last refused a call for this budget, if it did in the current window. */
    public java.util.Optional<Instant> lastRefusal() {
        Refusal r = refused;
        return r != null && r.window() == windowOf(clock.instant()) ? java.util.Optional.of(r.at())
                : java.util.Optional.empty();
    }

    private record Refusal(long window, Instant at) {}

    /** The last refusal; a reset forgets it. */
    private volatile Refusal refused;

    /**
     * Refuses a call early, before its cost can be estimated, when the budget is spent or wholly held by calls in
     * flight; {@link #reserve} decides with the call's estimate.
     *
     * @param provider the name the failure is reported under (the route, or the key)
     * @throws BudgetExceededException when the current window's spending and reservations have reached the amount
     */
    public void check(String provider) {
        BudgetView v = view();
        if (v.spent().add(v.reserved()).compareTo(limit.amount()) >= 0) {
            throw refusal(provider, v.spent(), v.reserved(), null);
        }
    }

    /** Spent (and held, when that is the reason) of the amount, with the call's estimate when it was known. */
    private BudgetExceededException refusal(String provider, BigDecimal s, BigDecimal r, BigDecimal estimate) {
        Instant now = clock.instant();
        refused = new Refusal(windowOf(now), now);
        Instant reset = resetsAt();
        Duration untilReset = Duration.between(clock.instant(), reset);
        if (s.compareTo(limit.amount()) >= 0) {
            return BudgetExceededException.of(provider, what, s, limit, reset, untilReset);
        }
        return BudgetExceededException.held(provider, what, s, r, estimate, limit, reset, untilReset);
    }

    private long windowOf(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), limit.period().toMillis());
    }

    @Override
    public String toString() {
        return "Budget[" + what + ", " + limit.amount().toPlainString() + " USD per " + limit.period() + "]";
    }
}
