package dev.switchboard.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a provider said about its limits on a response ({@code x-ratelimit-*} headers). Any figure the provider did
 * not send is empty. Resets are durations from the moment the response arrived. Immutable and thread-safe.
 *
 * <p>Made with {@link #builder()}, not a constructor, so that a new figure (providers add some, e.g. per-day or
 * input/output token limits) does not change a constructor the plugins that read headers call.
 */
public final class RateLimits {

    public static final RateLimits NONE = builder().build();

    private final OptionalLong limitRequests;
    private final OptionalLong remainingRequests;
    private final Optional<Duration> resetRequests;
    private final OptionalLong limitTokens;
    private final OptionalLong remainingTokens;
    private final Optional<Duration> resetTokens;

    private RateLimits(Builder b) {
        this.limitRequests = b.limitRequests;
        this.remainingRequests = b.remainingRequests;
        this.resetRequests = b.resetRequests;
        this.limitTokens = b.limitTokens;
        this.remainingTokens = b.remainingTokens;
        this.resetTokens = b.resetTokens;
    }

    /** A builder with every figure empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these figures, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder().limitRequests(limitRequests).remainingRequests(remainingRequests)
                .resetRequests(resetRequests).limitTokens(limitTokens).remainingTokens(remainingTokens)
                .resetTokens(resetTokens);
    }

    /** Requests allowed per window. */
    public OptionalLong limitRequests() {
        return limitRequests;
    }

    /** Requests left in the window. */
    public OptionalLong remainingRequests() {
        return remainingRequests;
    }

    /** Time until the request window resets. */
    public Optional<Duration> resetRequests() {
        return resetRequests;
    }

    /** Tokens allowed per window. */
    public OptionalLong limitTokens() {
        return limitTokens;
    }

    /** Tokens left in the window. */
    public OptionalLong remainingTokens() {
        return remainingTokens;
    }

    /** Time until the token window resets. */
    public Optional<Duration> resetTokens() {
        return resetTokens;
    }

    /** Whether the provider sent no figure at all. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimits r && limitRequests.equals(r.limitRequests)
                && remainingRequests.equals(r.remainingRequests) && resetRequests.equals(r.resetRequests)
                && limitTokens.equals(r.limitTokens) && remainingTokens.equals(r.remainingTokens)
                && resetTokens.equals(r.resetTokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limitRequests, remainingRequests, resetRequests, limitTokens, remainingTokens, resetTokens);
    }

    @Override
    public String toString() {
        return "RateLimits[limitRequests=" + limitRequests + ", remainingRequests=" + remainingRequests
                + ", resetRequests=" + resetRequests + ", limitTokens=" + limitTokens + ", remainingTokens="
                + remainingTokens + ", resetTokens=" + resetTokens + "]";
    }

    /** Builds {@link RateLimits}; every figure starts empty. Not thread-safe. */
    public static final class Builder {
        private OptionalLong limitRequests = OptionalLong.empty();
        private OptionalLong remainingRequests = OptionalLong.empty();
        private Optional<Duration> resetRequests = Optional.empty();
        private OptionalLong limitTokens = OptionalLong.empty();
        private OptionalLong remainingTokens = OptionalLong.empty();
        private Optional<Duration> resetTokens = Optional.empty();

        private Builder() {}

        public Builder limitRequests(OptionalLong n) {
            this.limitRequests = Objects.requireNonNull(n, "limitRequests");
            return this;
        }

        public Builder limitRequests(long n) {
            return limitRequests(OptionalLong.of(n));
        }

        public Builder remainingRequests(OptionalLong n) {
            this.remainingRequests = Objects.requireNonNull(n, "remainingRequests");
            return this;
        }

        public Builder remainingRequests(long n) {
            return remainingRequests(OptionalLong.of(n));
        }

        public Builder resetRequests(Optional<Duration> d) {
            this.resetRequests = Objects.requireNonNull(d, "resetRequests");
            return this;
        }

        public Builder resetRequests(Duration d) {
            return resetRequests(Optional.of(d));
        }

        public Builder limitTokens(OptionalLong n) {
            this.limitTokens = Objects.requireNonNull(n, "limitTokens");
            return this;
        }

        public Builder limitTokens(long n) {
            return limitTokens(OptionalLong.of(n));
        }

        public Builder remainingTokens(OptionalLong n) {
            this.remainingTokens = Objects.requireNonNull(n, "remainingTokens");
            return this;
        }

        public Builder remainingTokens(long n) {
            return remainingTokens(OptionalLong.of(n));
        }

        public Builder resetTokens(Optional<Duration> d) {
            this.resetTokens = Objects.requireNonNull(d, "resetTokens");
            return this;
        }

        public Builder resetTokens(Duration d) {
            return resetTokens(Optional.of(d));
        }

        public RateLimits build() {
            return new RateLimits(this);
        }
    }
}
