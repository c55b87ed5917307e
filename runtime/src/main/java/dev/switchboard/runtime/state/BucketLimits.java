package dev.switchboard.runtime.state;

/**
 * The allowance of a pair of token buckets: requests and tokens per minute, each bucket holding up to a minute's
 * worth and refilling continuously; 0 for no limit on that bucket. Immutable.
 */
public record BucketLimits(int requestsPerMinute, long tokensPerMinute) {

    public BucketLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("limits cannot be negative: " + requestsPerMinute + " requests, "
                    + tokensPerMinute + " tokens per minute");
        }
    }

    public boolean limitsRequests() {
        return requestsPerMinute > 0;
    }

    public boolean limitsTokens() {
        return tokensPerMinute > 0;
    }
}
