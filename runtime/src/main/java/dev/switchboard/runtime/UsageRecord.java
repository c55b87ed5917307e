package dev.switchboard.runtime;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One call as the usage log keeps it: an answered one as the {@link UsageLedger} also counts it, or one that ended
 * without an answer ({@link #unanswered}), which only the log keeps. Immutable.
 *
 * @param at        when the call ended
 * @param provider  the configured name of the provider that answered; empty when none did (an unanswered call)
 * @param model     the model that answered (as the provider named it, else as asked); empty when neither is known
 * @param route     the route the call went through; empty for a direct call to the provider
 * @param key       the caller's key name (e.g. a gateway key); empty when none
 * @param usage     the tokens
 * @param cost      what it cost, when the price is known
 * @param estimated whether Switchboard estimated some of the tokens because the provider did not report them (a
 *                  stream abandoned by its caller, or cut after content, before the provider's usage report):
 *                  input from the request, output from the text delivered, a quarter of their characters each
 * @param requestId the request the call served (the gateway's request id, as its {@code x-request-id} header and
 *                  error answers give it); empty when none
 * @param latency   from the request's start (or the route call's, or the provider call's when neither is known) to
 *                  the record: a stream's lasts until it ended
 * @param outcome   how it ended
 * @param attempts  the providers tried for it, one per try (retries included, skipped targets not), the answering
 *                  one last; its size is the number of tries (none for a call refused or skipped before any try)
 */
public record UsageRecord(Instant at, String provider, String model, String route, String key, Usage usage, Cost cost,
                          boolean estimated, String requestId, Duration latency, CallOutcome outcome,
                          List<String> attempts) {

    /**
     * The provider name a response-cache hit is recorded under: a hit asks no provider, costs nothing and has no
     * tokens, so it shows in the totals as a request of this "provider" (and of its route and key) at zero cost. No
     * configured provider may take this name.
     */
    public static final String CACHE = "cache";

    /** A call answered from a response cache with what {@code model} had answered earlier: zero tokens, zero cost. */
    public static UsageRecord cacheHit(Instant at, String model, String route, String key) {
        return new UsageRecord(at, CACHE, model, route, key, Usage.NONE, Cost.ZERO, false);
    }

    /**
     * A call that ended without an answer: every target failed before any content or was skipped, a budget or a key
     * limit refused it, or no target supports it. No provider answered (empty), no tokens were counted and nothing
     * was billed; {@code attempts} are the providers tried (none when nothing was sent).
     */
    public static UsageRecord unanswered(Instant at, String model, String route, String key, String requestId,
                                         Duration latency, CallOutcome outcome, List<String> attempts) {
        if (outcome.answered()) {
            throw new IllegalArgumentException("an unanswered call cannot end " + outcome);
        }
        return new UsageRecord(at, "", model, route, key, Usage.NONE, Cost.ZERO, false, requestId, latency, outcome,
                attempts == null ? List.of() : attempts);
    }

    /** A record whose tokens are all the provider's own counts. */
    public UsageRecord(Instant at, String provider, String model, String route, String key, Usage usage, Cost cost) {
        this(at, provider, model, route, key, usage, cost, false);
    }

    /** A record of a first-try call answered in full, with no request id and no latency known. */
    public UsageRecord(Instant at, String provider, String model, String route, String key, Usage usage, Cost cost,
                       boolean estimated) {
        this(at, provider, model, route, key, usage, cost, estimated, "", Duration.ZERO, CallOutcome.OK,
                List.of(provider));
    }

    public UsageRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(provider, "provider");
        model = model == null ? "" : model;
        route = route == null ? "" : route;
        key = key == null ? "" : key;
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
        requestId = requestId == null ? "" : requestId;
        latency = latency == null || latency.isNegative() ? Duration.ZERO : latency;
        Objects.requireNonNull(outcome, "outcome");
        attempts = attempts != null && !attempts.isEmpty() ? List.copyOf(attempts)
                : provider.isEmpty() ? List.of() : List.of(provider);
    }

    /** Whether a provider answered it (the ledger counts it), as opposed to an {@linkplain #unanswered unanswered} call. */
    public boolean answered() {
        return !provider.isEmpty();
    }
}
