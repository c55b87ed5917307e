package dev.switchboard.runtime;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The ledger's totals at one moment: overall and per provider, per {@code provider/model}, per route and per caller
 * key, each map ordered by name. Direct calls to a provider count under no route; calls without a key under no key.
 * Immutable.
 */
public record UsageSnapshot(UsageTotals total, Map<String, UsageTotals> providers, Map<String, UsageTotals> models,
                            Map<String, UsageTotals> routes, Map<String, UsageTotals> keys) {

    public UsageSnapshot {
        Objects.requireNonNull(total, "total");
        providers = sorted(providers);
        models = sorted(models);
        routes = sorted(routes);
        keys = sorted(keys);
    }

    private static Map<String, UsageTotals> sorted(Map<String, UsageTotals> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }

    /** The totals of provider {@code name}, zero when it answered nothing. */
    public UsageTotals provider(String name) {
        return providers.getOrDefault(name, UsageTotals.ZERO);
    }

    public UsageTotals model(String providerSlashModel) {
        return models.getOrDefault(providerSlashModel, UsageTotals.ZERO);
    }

    public UsageTotals route(String name) {
        return routes.getOrDefault(name, UsageTotals.ZERO);
    }

    public UsageTotals key(String name) {
        return keys.getOrDefault(name, UsageTotals.ZERO);
    }
}
