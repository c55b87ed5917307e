package dev.switchboard.gateway.ui;

import dev.switchboard.api.Attempt;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the attempt trails said last about each provider: its last failure (the "why" next to a cooldown) and when a
 * target of it was last skipped because its rate limit had no room (the "limited" state). Thread-safe.
 */
public final class ProviderEvents {

    /**
     * A provider's last failure.
     *
     * @param at          when the call that saw it finished
     * @param kind        the error kind, lower case ({@code server}, {@code rate_limit}...)
     * @param description its one-line, redacted description
     */
    public record Failure(Instant at, String kind, String description) {}

    private final ConcurrentHashMap<String, Failure> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> limited = new ConcurrentHashMap<>();

    /** Reads one finished call's trail. */
    public void saw(Instant at, List<Attempt> trail) {
        for (Attempt a : trail) {
            switch (a.outcome()) {
                case FAILED, FAILED_MID_STREAM -> failures.put(a.provider(), new Failure(at,
                        a.errorKind().map(k -> k.name().toLowerCase(Locale.ROOT)).orElse("unknown"),
                        a.error().orElse("")));
                case SKIPPED_LOCAL_LIMIT -> limited.put(a.provider(), at);
                default -> { }
            }
        }
    }

    public Optional<Failure> lastFailure(String provider) {
        return Optional.ofNullable(failures.get(provider));
    }

    /** When a call last skipped {@code provider} for want of room in its rate limit. */
    public Optional<Instant> lastLimited(String provider) {
        return Optional.ofNullable(limited.get(provider));
    }
}
