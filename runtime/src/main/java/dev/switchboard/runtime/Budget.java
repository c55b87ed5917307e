package dev.switchboard.runtime;

import dev.switchboard.api.Cost;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The spending of a route or a key against its {@link BudgetLimit}, fed by the {@link UsageLedger}. Periods are fixed
 * windows aligned to the epoch (1970-01-01T00:00Z) in whole periods: {@code 1h} runs from one full UTC hour to the
 * next, {@code 1d} from UTC midnight to UTC midnight, {@code 30d} in 30-day blocks counted from the epoch. At the
 * end of a window the spent amount starts again at zero. Only known costs count: a call whose price is unknown spends
 * nothing here (the ledger counts it as unpriced). Spending lives in memory: a restart starts every window at zero.
 *
 * <p>The check happens before a call, so calls already running when the amount is reached still finish and can take
 * the spending past it. Thread-safe.
 */
public final class Budget {

    private final String what;
    private final BudgetLimit limit;
    private final Clock clock;

    // Guarded by this.
    private long window = Long.MIN_VALUE;
    private BigDecimal spent = BigDecimal.ZERO;

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
     * Refuses a call when the budget is spent.
     *
     * @param provider the name the failure is reported under (the route, or the key)
     * @throws BudgetExceededException when the current window's spending has reached the amount
     */
    public void check(String provider) {
        BigDecimal s = spent();
        if (s.compareTo(limit.amount()) >= 0) {
            Instant reset = resetsAt();
            throw BudgetExceededException.of(provider, what, s, limit, reset,
                    java.time.Duration.between(clock.instant(), reset));
        }
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
