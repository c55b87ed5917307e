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

/**
 * The spending of a route or a key against its {@link BudgetLimit}, fed by the {@link UsageLedger}. Periods are fixed
 * windows aligned to the epoch (1970-01-01T00:00Z) in whole periods: {@code 1h} runs from one full UTC hour to the
 * next, {@code 1d} from UTC midnight to UTC midnight, {@code 30d} in 30-day blocks counted from the epoch. At the
 * end of a window the spent amount starts again at zero. Only known costs count: a call whose price is unknown spends
 * nothing here (the ledger counts it as unpriced). Spending lives in memory: a restart starts every window at zero.
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

    /** One call's claim on a budget: its estimated cost, held from {@link #reserve} until settled or released once. */
    public static final class Hold {
        private final BigDecimal usd;
        private final AtomicBoolean finished = new AtomicBoolean();

        private Hold(BigDecimal usd) {
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

    // Guarded by this.
    private long window = Long.MIN_VALUE;
    private BigDecimal spent = BigDecimal.ZERO;
    private BigDecimal reserved = BigDecimal.ZERO;
    private int inFlight;

    /**
     * @param what  whose budget, for messages, e.g. {@code route default} or {@code key team-a}
     * @param limit the amount per period
     * @param clock the only source of time
     */
    public Budget(String what, BudgetLimit limit, Clock clock) {
        this.what = Objects.requireNonNull(what, "what");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public BudgetLimit limit() {
        return limit;
    }

    /** Adds a call's cost, in the window of {@code at}; an unknown cost adds nothing. */
    public synchronized void add(Instant at, Cost cost) {
        if (!cost.isKnown()) {
            return;
        }
        long w = windowOf(at);
        if (w < window) {
            return; // a call that ended in a window already closed
        }
        roll(w);
        spent = spent.add(cost.usd().orElseThrow());
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
        BigDecimal s;
        BigDecimal r;
        synchronized (this) {
            roll(windowOf(clock.instant()));
            s = spent;
            r = reserved;
            boolean covered = s.add(r).compareTo(limit.amount()) < 0
                    && s.add(r).add(estimateUsd).compareTo(limit.amount()) <= 0;
            boolean aloneOnAnUntouchedBudget = s.signum() == 0 && inFlight == 0;
            if (covered || aloneOnAnUntouchedBudget) {
                reserved = reserved.add(estimateUsd);
                inFlight++;
                return new Hold(estimateUsd);
            }
        }
        throw refusal(provider, s, r, estimateUsd);
    }

    /** The call held by {@code hold} ended costing {@code cost} (added in the window of {@code at}); once. */
    public void settle(Hold hold, Instant at, Cost cost) {
        if (!hold.finished.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            unhold(hold);
            add(at, cost);
        }
    }

    /** The call held by {@code hold} failed or was refused elsewhere: its estimate is no longer held; once. */
    public void release(Hold hold) {
        if (hold.finished.compareAndSet(false, true)) {
            synchronized (this) {
                unhold(hold);
            }
        }
    }

    private void unhold(Hold hold) {
        reserved = reserved.subtract(hold.usd);
        inFlight--;
    }

    /** The estimates held by the calls in flight. */
    public synchronized BigDecimal reserved() {
        return reserved;
    }

    /** Spent in the current window. */
    public synchronized BigDecimal spent() {
        roll(windowOf(clock.instant()));
        return spent;
    }

    /** When the current window ends and the spent amount starts again at zero. */
    public Instant resetsAt() {
        long p = limit.period().toMillis();
        return Instant.ofEpochMilli((windowOf(clock.instant()) + 1) * p);
    }

    /** Whether the current window's spending has reached the amount. */
    public boolean exceeded() {
        return spent().compareTo(limit.amount()) >= 0;
    }

    /**
     * Refuses a call early, before its cost can be estimated, when the budget is spent or wholly held by calls in
     * flight; {@link #reserve} decides with the call's estimate.
     *
     * @param provider the name the failure is reported under (the route, or the key)
     * @throws BudgetExceededException when the current window's spending and reservations have reached the amount
     */
    public void check(String provider) {
        BigDecimal s;
        BigDecimal r;
        synchronized (this) {
            roll(windowOf(clock.instant()));
            s = spent;
            r = reserved;
        }
        if (s.add(r).compareTo(limit.amount()) >= 0) {
            throw refusal(provider, s, r, null);
        }
    }

    /** Spent (and held, when that is the reason) of the amount, with the call's estimate when it was known. */
    private BudgetExceededException refusal(String provider, BigDecimal s, BigDecimal r, BigDecimal estimate) {
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

    private void roll(long w) {
        if (w > window) {
            window = w;
            spent = BigDecimal.ZERO;
        }
    }

    @Override
    public String toString() {
        return "Budget[" + what + ", " + limit.amount().toPlainString() + " USD per " + limit.period() + "]";
    }
}
