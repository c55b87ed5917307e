package dev.switchboard.api;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a provider said about its limits on a response ({@code x-ratelimit-*} headers). Any figure the provider did
 * not send is empty. Resets are durations from the moment the response arrived.
 */
public record RateLimits(
        OptionalLong limitRequests,
        OptionalLong remainingRequests,
        Optional<Duration> resetRequests,
        OptionalLong limitTokens,
        OptionalLong remainingTokens,
        Optional<Duration> resetTokens) {

    public static final RateLimits NONE = new RateLimits(
            OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Optional.empty());

    public boolean isEmpty() {
        return equals(NONE);
    }
}
