package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.api.Cost;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Requests, tokens and cost of every answered call, added up per provider, per {@code provider/model}, per route and
 * per caller key ({@link UsageScope}), in a {@link StateStore} (memory since the ledger was made, a file that keeps them
 * across restarts, or a server many instances share). A {@code Switchboard} keeps one for all
 * its providers (read it with {@code Switchboard.ledger().snapshot()}); the routes' and keys' {@link Budget}s are fed
 * from it: a call {@linkplain #reserve reserves} its estimated cost in every budget it counts in before it is sent,
 * and {@linkplain #record(UsageRecord, Reservation) its record} settles those reservations with the real cost.
 * {@linkplain #listen Listeners} see every record as it is added (e.g. a server's metrics). Thread-safe.
 */
public final class UsageLedger {

    private static final System.Logger LOG = System.getLogger(UsageLedger.class.getName());

    /** What a budget counts. */
    public enum Dimension { PROVIDER, MODEL, ROUTE, KEY }

    private record Tracked(Dimension dimension, String name, Budget budget) {}

    private record Held(Budget budget, Budget.Hold hold) {}

    /**
     * One call's holds on the budgets it counts in, from {@link #reserve} until its record settles them or
     * {@link #release} gives them back (whichever comes first; later ones do nothing).
     */
    public static final class Reservation {
        /** Holds nothing: for a call that counts in no budget. */
        public static final Reservation NONE = new Reservation(List.of());

        private final List<Held> holds;

        private Reservation(List<Held> holds) {
            this.holds = holds;
        }
    }

    private final StateStore store;
    private final List<Tracked> budgets = new CopyOnWriteArrayList<>();
    /**
     * The listeners, replaced whole when one comes or goes (under {@link #listenersLock}): every record reads them
     * by index, with neither an iterator nor a lock.
     */
    private volatile List<Consumer<UsageRecord>> listeners = List.of();
    private final Object listenersLock = new Object();

    /** A ledger whose totals live in memory, its own. */
    public UsageLedger() {
        this(new MemoryStateStore());
    }

    /** A ledger whose totals live in {@code store}. */
    public UsageLedger(StateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Holds {@code estimate} in every tracked budget a call of {@code provider}/{@code model} through {@code route}
     * for {@code key} counts in, or refuses the call holding nothing. An unknown estimate (no price for the model)
     * holds zero: such a call is refused only when a budget is already spent or wholly held.
     *
     * @param route empty for a direct call
     * @param key   empty for none
     * @throws BudgetExceededException naming the first budget that cannot cover the call
     */
    public Reservation reserve(String provider, String model, String route, String key, Cost estimate) {
        Objects.requireNonNull(estimate, "estimate");
        String modelKey = model == null || model.isEmpty() ? provider : provider + "/" + model;
        BigDecimal usd = estimate.usd().orElse(BigDecimal.ZERO);
        List<Held> holds = new ArrayList<>(2);
        try {
            for (Tracked t : budgets) {
                if (t.name().equals(nameIn(t.dimension(), provider, modelKey, route, key))) {
                    holds.add(new Held(t.budget(), t.budget().reserve(t.name(), usd)));
                }
            }
        } catch (RuntimeException e) {
            holds.forEach(h -> h.budget().release(h.hold()));
            throw e;
        }
        return holds.isEmpty() ? Reservation.NONE : new Reservation(List.copyOf(holds));
    }

    /**
     * Whether any budget is fed from this ledger: when none is, {@link #reserve} holds nothing whatever it is given,
     * so a caller need not estimate the call's cost.
     */
    public boolean tracksBudgets() {
        return !budgets.isEmpty();
    }

    /**
     * Whether {@linkplain #record(UsageRecord) recording} a call that cost nothing (a response-cache hit) returns
     * without waiting for any I/O, so that a thread which must never block may record it: the store keeps its totals
     * in this process and at most queues the record for a log ({@link StateStore#recordUsage} of {@code memory} and
     * {@code embedded}; {@code redis} makes a round trip for each record), and a zero cost asks no budget's store
     * ({@link Budget#add}). The listeners are called as for any record: they must be quick, as {@link #listen} asks.
     */
    public boolean recordsFreeCallsWithoutWaiting() {
        return store.recordsUsageWithoutWaiting();
    }

    /**
     * Whether {@linkplain #reserve reserving} for a call and {@linkplain #record(UsageRecord, Reservation) recording}
     * it, whatever it cost, return without waiting for any I/O, so that a call which holds no thread while its
     * provider answers may do both on the threads that must not block: the store records without waiting (as for
     * {@link #recordsFreeCallsWithoutWaiting()}) and every budget fed from this ledger {@linkplain Budget#waitsForNothing
     * waits for nothing} (a budget's settlement is written to disk first with the {@code embedded} backend, and asks
     * the server with {@code redis}). The listeners are called as for any record: they must be quick.
     */
    public boolean recordsWithoutWaiting() {
        if (!store.recordsUsageWithoutWaiting()) {
            return false;
        }
        if (budgets.isEmpty()) {
            return true; // the usual case, without an iterator
        }
        for (Tracked t : budgets) {
            if (!t.budget().waitsForNothing()) {
                return false;
            }
        }
        return true;
    }

    /** The call holding {@code reservation} failed before costing anything: its holds are given back. */
    public void release(Reservation reservation) {
        List<Held> holds = reservation.holds;
        for (int i = 0; i < holds.size(); i++) { // by index: most calls hold nothing, and need no iterator for it
            holds.get(i).budget().release(holds.get(i).hold());
        }
    }

    /** Adds one answered call that reserved nothing. */
    public void record(UsageRecord r) {
        record(r, Reservation.NONE);
    }

    /**
     * Adds one answered call and settles its reservation: each budget it counts in gets its cost in place of the
     * estimate it held; holds it no longer counts in (e.g. a model budget when another model answered) are given
     * back.
     */
    public void record(UsageRecord r, Reservation reservation) {
        Objects.requireNonNull(r, "r");
        Objects.requireNonNull(reservation, "reservation");
        store.recordUsage(r);
        if (!budgets.isEmpty()) { // the usual case, without an iterator
            settle(r, reservation);
        }
        release(reservation); // what the record did not settle
        List<Consumer<UsageRecord>> ls = listeners;
        for (int i = 0; i < ls.size(); i++) {
            try {
                ls.get(i).accept(r);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a usage listener failed; the call stays recorded", e);
            }
        }
    }

    /**
     * Keeps a call that ended without an answer in the usage log (when the store keeps one): not in the totals, the
     * budgets or the listeners, which count answered calls.
     */
    public void recordUnanswered(UsageRecord r) {
        Objects.requireNonNull(r, "r");
        if (r.answered()) {
            throw new IllegalArgumentException("an answered call is recorded with record(), not recordUnanswered()");
        }
        store.recordUnanswered(r);
    }

    /** Each budget {@code r} counts in gets its cost, in place of what {@code reservation} held there. */
    private void settle(UsageRecord r, Reservation reservation) {
        for (Tracked t : budgets) {
            if (t.name().equals(nameIn(t.dimension(), r))) {
                Budget.Hold hold = holdOn(reservation, t.budget());
                if (hold == null) {
                    t.budget().add(r.at(), r.cost());
                } else {
                    t.budget().settle(hold, r.at(), r.cost());
                }
            }
        }
    }

    private static Budget.Hold holdOn(Reservation reservation, Budget budget) {
        for (Held h : reservation.holds) {
            if (h.budget() == budget) {
                return h.hold();
            }
        }
        return null;
    }

    /**
     * Calls {@code listener} with every record added from now on, on the thread that adds it, after the totals and
     * budgets have it. A listener must be quick and must not throw (a failure is logged and ignored).
     *
     * @return stops the listening
     */
    public Runnable listen(Consumer<UsageRecord> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (listenersLock) {
            List<Consumer<UsageRecord>> more = new ArrayList<>(listeners);
            more.add(listener);
            listeners = List.copyOf(more);
        }
        return () -> {
            synchronized (listenersLock) {
                List<Consumer<UsageRecord>> fewer = new ArrayList<>(listeners);
                fewer.remove(listener);
                listeners = List.copyOf(fewer);
            }
        };
    }

    /** Feeds {@code budget} with the cost of every call recorded from now on under {@code name} in {@code dimension}. */
    public void track(Dimension dimension, String name, Budget budget) {
        budgets.add(new Tracked(Objects.requireNonNull(dimension, "dimension"), Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(budget, "budget")));
    }

    public UsageSnapshot snapshot() {
        return store.usage();
    }

    /**
     * The calls made with key {@code name} alone: its totals, and per provider, model and route; the other keys and
     * the calls without a key are left out. All zero when the key made no call yet.
     */
    public UsageSnapshot snapshotOfKey(String name) {
        Objects.requireNonNull(name, "name");
        return store.usageOfKey(name);
    }

    /** {@code provider/model}, or the provider alone when the model is unknown. */
    static String modelKey(UsageRecord r) {
        return r.model().isEmpty() ? r.provider() : r.provider() + "/" + r.model();
    }

    private static String nameIn(Dimension d, UsageRecord r) {
        return nameIn(d, r.provider(), modelKey(r), r.route(), r.key());
    }

    private static String nameIn(Dimension d, String provider, String modelKey, String route, String key) {
        return switch (d) {
            case PROVIDER -> provider;
            case MODEL -> modelKey;
            case ROUTE -> route == null ? "" : route;
            case KEY -> key == null ? "" : key;
        };
    }
}
