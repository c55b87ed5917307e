package dev.switchboard.runtime.metering;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one provider ({@code switchboard.providers.<name>.limits}) or one gateway key. Immutable.
 *
 * @param requestsPerMinute   requests allowed per minute; 0 for no limit
 * @param tokensPerMinute     tokens (input plus output) allowed per minute; 0 for no limit
 * @param maxWait             how long a call may wait for room before it is refused (a route then moves on to its
 *                            next target); zero refuses at once
 * @param defaultOutputTokens the output a request that sets no maximum is assumed to produce, for its reservation
 */
public record LimitPolicy(int requestsPerMinute, long tokensPerMinute, Duration maxWait, int defaultOutputTokens) {

    /** The output assumed for a request without a maximum, unless configured otherwise. */
    public static final int DEFAULT_OUTPUT_TOKENS = 256;

    /** No limits (the provider's own signals still hold it after a 429). */
    public static final LimitPolicy NONE = new LimitPolicy(0, 0, Duration.ZERO, DEFAULT_OUTPUT_TOKENS);

    public LimitPolicy {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requests-per-minute cannot be negative, was " + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new IllegalArgumentException("tokens-per-minute cannot be negative, was " + tokensPerMinute);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max-wait cannot be negative, was " + maxWait);
        }
        if (defaultOutputTokens < 1) {
            throw new IllegalArgumentException("default-output-tokens must be at least 1, was " + defaultOutputTokens);
        }
    }

    /** Limits of requests and tokens per minute, refusing at once when there is no room. */
    public static LimitPolicy perMinute(int requests, long tokens) {
        return new LimitPolicy(requests, tokens, Duration.ZERO, DEFAULT_OUTPUT_TOKENS);
    }

    public LimitPolicy withMaxWait(Duration wait) {
        return new LimitPolicy(requestsPerMinute, tokensPerMinute, wait, defaultOutputTokens);
    }

    public boolean limitsRequests() {
        return requestsPerMinute > 0;
    }

    public boolean limitsTokens() {
        return tokensPerMinute > 0;
    }
}
