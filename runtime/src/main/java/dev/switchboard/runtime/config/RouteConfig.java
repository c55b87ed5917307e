package dev.switchboard.runtime.config;

import dev.switchboard.runtime.CooldownPolicy;
import dev.switchboard.runtime.RetryPolicy;
import dev.switchboard.runtime.StreamFailover;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.routing.RouteStrategy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One checked route block: its targets in order, its retry and cooldown policies, its stream failover (with the most
 * delivered text a resume request repeats) and its budget.
 */
public record RouteConfig(String name, List<Element> targets, RetryPolicy retry, CooldownPolicy cooldown,
                   StreamFailover streamFailover, int resumePrefixChars, Optional<BudgetLimit> budget,
                   Optional<CacheSettings> cache) {

    /**
     * {@code routes.<name>.cache} over {@code switchboard.cache}: how long and how many answers a route keeps, and
     * where ({@code switchboard.cache.backend}: {@code memory} in this process, {@code redis} in the state's Redis
     * server, shared; there an answer larger than {@code maxEntryBytes} is not kept).
     */
    public record CacheSettings(java.time.Duration ttl, long maxEntries, boolean allowSampling, String backend,
                                long maxEntryBytes) {
        /** The backend that keeps answers in this process. */
        public static final String MEMORY = "memory";
        /** The backend that keeps answers in the state's Redis server, for every instance. */
        public static final String REDIS = "redis";

        public CacheSettings {
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(backend, "backend");
        }

        /** In memory, entries of any size. */
        public CacheSettings(java.time.Duration ttl, long maxEntries, boolean allowSampling) {
            this(ttl, maxEntries, allowSampling, MEMORY, 1 << 20);
        }

        /** Whether the answers live where every instance on the same state store sees them. */
        public boolean shared() {
            return backend.equals(REDIS);
        }
    }

    public RouteConfig {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(name, "name");
        targets = List.copyOf(targets);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(streamFailover, "streamFailover");
        if (resumePrefixChars < 1) {
            throw new IllegalArgumentException("resume-prefix-chars must be at least 1, was " + resumePrefixChars);
        }
    }

    /** An element of {@code targets}: a single {@link Target} or a {@link Group}. */
    public sealed interface Element permits Target, Group {}

    /**
     * A target group: {@code { strategy = weighted | least-busy | latency, targets = [ { target = "azure-eu",
     * weight = 3 }, "azure-us" ] }}, one member answering each request.
     */
    public record Group(RouteStrategy strategy, List<Member> members) implements Element {
        public Group {
            Objects.requireNonNull(strategy, "strategy");
            members = List.copyOf(members);
        }
    }

    /** A member of a group and its weight: a number above 0, fractions included (1 unless set). */
    public record Member(Target target, double weight) {
        public Member {
            Objects.requireNonNull(target, "target");
        }
    }

    /** A target: a configured provider and, optionally, the model to ask it for ({@code null} for its default). */
    public record Target(String provider, String model) implements Element {

        public Target {
            Objects.requireNonNull(provider, "provider");
        }

        /**
         * Reads {@code "provider"} or {@code "provider/model"}. The split is at the first slash and only when the
         * part before it is a configured provider, because model names have slashes of their own:
         * {@code together/meta-llama/Llama-3-8b} is model {@code meta-llama/Llama-3-8b} on provider {@code together}.
         *
         * @throws IllegalArgumentException naming what is wrong, when no configured provider matches
         */
        static Target parse(String text, Set<String> providers) {
            String s = text.strip();
            if (providers.contains(s)) {
                return new Target(s, null);
            }
            int slash = s.indexOf('/');
            if (slash > 0 && providers.contains(s.substring(0, slash))) {
                String model = s.substring(slash + 1).strip();
                if (model.isEmpty()) {
                    throw new IllegalArgumentException("target '" + text + "' has no model after the '/'; write '"
                            + s.substring(0, slash) + "' for the provider's default model");
                }
                return new Target(s.substring(0, slash), model);
            }
            String named = slash > 0 ? s.substring(0, slash) : s;
            throw new IllegalArgumentException("target '" + text + "' names no configured provider"
                    + (slash > 0 ? " ('" + named + "' is none)" : "") + "; "
                    + (providers.isEmpty() ? "no providers are configured, add a block switchboard.providers.<name>"
                    : "configured providers: " + String.join(", ", providers)));
        }

        /** {@code provider} or {@code provider/model}, as written in config. */
        String label() {
            return model == null ? provider : provider + "/" + model;
        }
    }
}
