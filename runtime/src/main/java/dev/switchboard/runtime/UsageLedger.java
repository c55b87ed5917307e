package dev.switchboard.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Requests, tokens and cost of every answered call, added up per provider, per {@code provider/model}, per route and
 * per caller key ({@link UsageScope}), in memory since the ledger was made. A {@code Switchboard} keeps one for all
 * its providers (read it with {@code Switchboard.ledger().snapshot()}); the routes' and keys' {@link Budget}s are fed
 * from it. Thread-safe.
 */
public final class UsageLedger {

    /** What a budget counts. */
    public enum Dimension { PROVIDER, MODEL, ROUTE, KEY }

    private record Tracked(Dimension dimension, String name, Budget budget) {}

    private final Object lock = new Object();
    private final Map<String, UsageTotals> providers = new ConcurrentHashMap<>();
    private final Map<String, UsageTotals> models = new ConcurrentHashMap<>();
    private final Map<String, UsageTotals> routes = new ConcurrentHashMap<>();
    private final Map<String, UsageTotals> keys = new ConcurrentHashMap<>();
    private final List<Tracked> budgets = new CopyOnWriteArrayList<>();
    // Guarded by lock.
    private UsageTotals total = UsageTotals.ZERO;

    /** Adds one answered call. */
    public void record(UsageRecord r) {
        Objects.requireNonNull(r, "r");
        synchronized (lock) { // one lock: a snapshot sees each call in every map or in none
            total = total.plus(r);
            providers.merge(r.provider(), UsageTotals.ZERO.plus(r), (a, b) -> a.plus(r));
            models.merge(modelKey(r), UsageTotals.ZERO.plus(r), (a, b) -> a.plus(r));
            if (!r.route().isEmpty()) {
                routes.merge(r.route(), UsageTotals.ZERO.plus(r), (a, b) -> a.plus(r));
            }
            if (!r.key().isEmpty()) {
                keys.merge(r.key(), UsageTotals.ZERO.plus(r), (a, b) -> a.plus(r));
            }
        }
        for (Tracked t : budgets) {
            if (t.name().equals(nameIn(t.dimension(), r))) {
                t.budget().add(r.at(), r.cost());
            }
        }
    }

    /** Feeds {@code budget} with the cost of every call recorded from now on under {@code name} in {@code dimension}. */
    public void track(Dimension dimension, String name, Budget budget) {
        budgets.add(new Tracked(Objects.requireNonNull(dimension, "dimension"), Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(budget, "budget")));
    }

    public UsageSnapshot snapshot() {
        synchronized (lock) {
            return new UsageSnapshot(total, providers, models, routes, keys);
        }
    }

    /** {@code provider/model}, or the provider alone when the model is unknown. */
    static String modelKey(UsageRecord r) {
        return r.model().isEmpty() ? r.provider() : r.provider() + "/" + r.model();
    }

    private static String nameIn(Dimension d, UsageRecord r) {
        return switch (d) {
            case PROVIDER -> r.provider();
            case MODEL -> modelKey(r);
            case ROUTE -> r.route();
            case KEY -> r.key();
        };
    }
}
