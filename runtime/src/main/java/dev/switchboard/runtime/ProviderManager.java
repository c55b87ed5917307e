package dev.switchboard.runtime;

import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A route: an {@link LlmProvider} that tries its targets in order with retries, backoff and cooldowns.
 * SKELETON: the public shape is settled; the fallback logic is being written (see the runtime-resilience work).
 */
public final class ProviderManager implements LlmProvider {

    /** One target of a route: a provider and, optionally, the model to use on it. */
    public record Target(LlmProvider provider, String model) {
        public Target {
            Objects.requireNonNull(provider, "provider");
        }

        public String label() {
            return model == null ? provider.name() : provider.name() + "/" + model;
        }
    }

    private final String name;
    private final List<Target> targets;
    private final RetryPolicy retry;
    private final CooldownPolicy cooldown;
    private final Clock clock;
    private final Sleeper sleeper;

    private ProviderManager(Builder b) {
        this.name = b.name;
        this.targets = List.copyOf(b.targets);
        this.retry = b.retry;
        this.cooldown = b.cooldown;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
    }

    public static Builder builder(LlmProvider primary) {
        return new Builder().fallback(primary);
    }

    public static Builder builder(LlmProvider primary, String model) {
        return new Builder().fallback(primary, model);
    }

    public List<Target> targets() {
        return targets;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "route";
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> all = EnumSet.noneOf(Capability.class);
        for (Target t : targets) {
            all.addAll(t.provider().capabilities());
        }
        return all;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        throw new UnsupportedOperationException("not yet written");
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** Builds a {@link ProviderManager}. Not thread-safe. */
    public static final class Builder {
        private String name = "route";
        private final List<Target> targets = new ArrayList<>();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private CooldownPolicy cooldown = CooldownPolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder() {}

        public Builder name(String name) { this.name = Objects.requireNonNull(name, "name"); return this; }
        public Builder fallback(LlmProvider provider) { targets.add(new Target(provider, null)); return this; }
        public Builder fallback(LlmProvider provider, String model) { targets.add(new Target(provider, model)); return this; }
        public Builder retry(RetryPolicy retry) { this.retry = Objects.requireNonNull(retry, "retry"); return this; }
        public Builder cooldown(CooldownPolicy cooldown) { this.cooldown = Objects.requireNonNull(cooldown, "cooldown"); return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock"); return this; }
        public Builder sleeper(Sleeper sleeper) { this.sleeper = Objects.requireNonNull(sleeper, "sleeper"); return this; }

        public ProviderManager build() {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a route needs at least one target");
            }
            return new ProviderManager(this);
        }
    }
}
