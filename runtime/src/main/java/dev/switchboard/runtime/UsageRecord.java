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
 * @param cost      what it cost, when the price is known
 * @param estimated whether Switchboard estimated some of the tokens because the provider did not report them (a
 *                  stream abandoned by its caller, or cut after content, before the provider's usage report):
 *                  input from the request, output from the text delivered, a quarter of their characters each
 */
public record UsageRecord(Instant at, String provider, String model, String route, String key, Usage usage, Cost cost,
                          boolean estimated) {

    /** A record whose tokens are all the provider's own counts. */
    public UsageRecord(Instant at, String provider, String model, String route, String key, Usage usage, Cost cost) {
        this(at, provider, model, route, key, usage, cost, false);
    }

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
