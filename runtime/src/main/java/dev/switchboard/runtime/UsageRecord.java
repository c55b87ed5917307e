package dev.switchboard.runtime;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.time.Instant;
import java.util.Objects;

/**
 * One answered call as the {@link UsageLedger} records it. Immutable.
 *
 * @param at       when the call ended
 * @param provider the configured name of the provider that answered
 * @param model    the model that answered (as the provider named it, else as asked); empty when neither is known
 * @param route    the route the call went through; empty for a direct call to the provider
 * @param key      the caller's key name (e.g. a gateway key); empty when none
 * @param usage    the tokens
 * @param cost     what it cost, when the price is known
 */
public record UsageRecord(Instant at, String provider, String model, String route, String key, Usage usage, Cost cost) {

    public UsageRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(provider, "provider");
        model = model == null ? "" : model;
        route = route == null ? "" : route;
        key = key == null ? "" : key;
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
    }
}
