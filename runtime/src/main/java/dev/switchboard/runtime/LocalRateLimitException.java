package dev.switchboard.runtime;

import dev.switchboard.runtime.config.Durations;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Duration;

/**
 * A call refused by Switchboard's own rate limiter, before anything was sent: {@link ErrorKind#RATE_LIMIT}, not
 * retryable on the same provider (a route moves straight on to its next target), with the time until there may be
 * room as its retry hint. It says nothing about the provider's health, so it never counts towards a cooldown. Its
 * message starts with {@code skipped:} and says that no request was sent.
 */
public final class LocalRateLimitException extends LlmException {

    private static final long serialVersionUID = 1L;

    private LocalRateLimitException(Builder b) {
        super(b);
    }

    public static LocalRateLimitException refused(String provider, String reason, Duration wait) {
        return new LocalRateLimitException(LlmException.builder(ErrorKind.RATE_LIMIT, provider)
                .retryable(false)
                .retryAfter(wait)
                .message("skipped: local rate limit, no request was sent: " + reason + "; room again in "
                        + Durations.text(wait)));
    }

    public static LocalRateLimitException interrupted(String provider, String reason) {
        return new LocalRateLimitException(LlmException.builder(ErrorKind.RATE_LIMIT, provider)
                .retryable(false)
                .message("skipped: local rate limit, no request was sent: interrupted while waiting for room ("
                        + reason + ")"));
    }
}
