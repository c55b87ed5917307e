package dev.switchboard.api;

import java.util.Objects;

/**
 * Token counts of one call. {@code cachedInputTokens} and {@code cacheWriteInputTokens} are parts of
 * {@code inputTokens}; {@code reasoningTokens} is part of {@code outputTokens}. A provider that does not report a count leaves it at zero. Immutable and
 * thread-safe.
 *
 * <p>Made with {@link #of} or {@link #builder()}, not a constructor: providers report ever more kinds of tokens
 * (cache writes, audio, ...), and a new count then gets a builder setter defaulting to zero instead of changing a
 * constructor every plugin calls.
 */
public final class Usage {

    public static final Usage NONE = builder().build();

    private final long inputTokens;
    private final long outputTokens;
    private final long cachedInputTokens;
    private final long reasoningTokens;
    private final long cacheWriteInputTokens;

    private Usage(Builder b) {
        if (b.inputTokens < 0 || b.outputTokens < 0 || b.cachedInputTokens < 0 || b.reasoningTokens < 0
                || b.cacheWriteInputTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative, were input " + b.inputTokens
                    + ", output " + b.outputTokens + ", cached input " + b.cachedInputTokens + ", reasoning "
                    + b.reasoningTokens + ", cache write input " + b.cacheWriteInputTokens);
        }
        this.inputTokens = b.inputTokens;
        this.outputTokens = b.outputTokens;
        this.cachedInputTokens = b.cachedInputTokens;
        this.reasoningTokens = b.reasoningTokens;
        this.cacheWriteInputTokens = b.cacheWriteInputTokens;
    }

    /** Input and output counts only. */
    public static Usage of(long inputTokens, long outputTokens) {
        return builder().inputTokens(inputTokens).outputTokens(outputTokens).build();
    }

    /** A builder with every count at zero. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these counts, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder().inputTokens(inputTokens).outputTokens(outputTokens).cachedInputTokens(cachedInputTokens)
                .reasoningTokens(reasoningTokens).cacheWriteInputTokens(cacheWriteInputTokens);
    }

    /** Tokens sent, cached ones included. */
    public long inputTokens() {
        return inputTokens;
    }

    /** Tokens generated, reasoning ones included. */
    public long outputTokens() {
        return outputTokens;
    }

    /** The part of {@link #inputTokens()} read from the provider's prompt cache. */
    public long cachedInputTokens() {
        return cachedInputTokens;
    }

    /** The part of {@link #outputTokens()} the model spent reasoning. */
    public long reasoningTokens() {
        return reasoningTokens;
    }

    /** The part of {@link #inputTokens()} written to the provider's prompt cache (priced apart by some providers). */
    public long cacheWriteInputTokens() {
        return cacheWriteInputTokens;
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage plus(Usage other) {
        return new Builder()
                .inputTokens(inputTokens + other.inputTokens)
                .outputTokens(outputTokens + other.outputTokens)
                .cachedInputTokens(cachedInputTokens + other.cachedInputTokens)
                .reasoningTokens(reasoningTokens + other.reasoningTokens)
                .cacheWriteInputTokens(cacheWriteInputTokens + other.cacheWriteInputTokens)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Usage u && inputTokens == u.inputTokens && outputTokens == u.outputTokens
                && cachedInputTokens == u.cachedInputTokens && reasoningTokens == u.reasoningTokens
                && cacheWriteInputTokens == u.cacheWriteInputTokens;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputTokens, outputTokens, cachedInputTokens, reasoningTokens, cacheWriteInputTokens);
    }

    @Override
    public String toString() {
        return "Usage[inputTokens=" + inputTokens + ", outputTokens=" + outputTokens + ", cachedInputTokens="
                + cachedInputTokens + ", reasoningTokens=" + reasoningTokens
                + (cacheWriteInputTokens == 0 ? "" : ", cacheWriteInputTokens=" + cacheWriteInputTokens) + "]";
    }

    /** Builds a {@link Usage}; every count starts at zero and none may be negative. Not thread-safe. */
    public static final class Builder {
        private long inputTokens;
        private long outputTokens;
        private long cachedInputTokens;
        private long reasoningTokens;
        private long cacheWriteInputTokens;

        private Builder() {}

        public Builder inputTokens(long n) {
            this.inputTokens = n;
            return this;
        }

        public Builder outputTokens(long n) {
            this.outputTokens = n;
            return this;
        }

        public Builder cachedInputTokens(long n) {
            this.cachedInputTokens = n;
            return this;
        }

        public Builder reasoningTokens(long n) {
            this.reasoningTokens = n;
            return this;
        }

        public Builder cacheWriteInputTokens(long n) {
            this.cacheWriteInputTokens = n;
            return this;
        }

        /** @throws IllegalArgumentException when a count is negative */
        public Usage build() {
            return new Usage(this);
        }
    }
}
