package dev.switchboard.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Vectors in input order, with the model and provider that made them, and what they cost when the price is known
 * ({@link Cost#UNKNOWN} otherwise; a provider answers without one, the runtime prices it). Immutable and
 * thread-safe (the vectors are not copied: treat them as read-only).
 *
 * <p>Built with {@link #builder()} and copied with {@link #toBuilder()}, not constructed: like {@link ChatResponse}
 * it can then gain a part without breaking the plugins that build it.
 */
public final class EmbeddingResponse {

    private final List<Embedding> embeddings;
    private final String model;
    private final String provider;
    private final Usage usage;
    private final List<Attempt> attempts;
    private final Cost cost;

    private EmbeddingResponse(Builder b) {
        this.embeddings = b.embeddings;
        this.model = b.model;
        this.provider = Objects.requireNonNull(b.provider, "EmbeddingResponse.provider is required; set it on the builder");
        this.usage = b.usage;
        this.attempts = b.attempts;
        this.cost = b.cost;
    }

    /** A builder with no vectors and every optional part at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this response's parts, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.embeddings = embeddings;
        b.model = model;
        b.provider = provider;
        b.usage = usage;
        b.attempts = attempts;
        b.cost = cost;
        return b;
    }

    /** One vector per input, in input order. */
    public List<Embedding> embeddings() {
        return embeddings;
    }

    /** The model that made the vectors; empty when neither the provider nor the request named it. */
    public String model() {
        return model;
    }

    /** The configured name of the provider that made the vectors. */
    public String provider() {
        return provider;
    }

    /** Token counts ({@link Usage#NONE} when the provider reported none). */
    public Usage usage() {
        return usage;
    }

    /** Every try within the call, the successful one last (empty from a provider; a route fills it). */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** What the call cost, when its price is known ({@link Cost#UNKNOWN} otherwise). */
    public Cost cost() {
        return cost;
    }

    public float[] vector(int index) {
        return embeddings.get(index).vector();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingResponse r && embeddings.equals(r.embeddings) && model.equals(r.model)
                && provider.equals(r.provider) && usage.equals(r.usage) && attempts.equals(r.attempts)
                && cost.equals(r.cost);
    }

    @Override
    public int hashCode() {
        return Objects.hash(embeddings, model, provider, usage, attempts, cost);
    }

    @Override
    public String toString() {
        return "EmbeddingResponse[embeddings=" + embeddings + ", model=" + model + ", provider=" + provider + ", usage="
                + usage + ", attempts=" + attempts + ", cost=" + cost + "]";
    }

    /**
     * Builds an {@link EmbeddingResponse}. {@code provider} is required; every other part has a default. A null
     * argument means "not given" and keeps the default. Not thread-safe.
     */
    public static final class Builder {
        private List<Embedding> embeddings = List.of();
        private String model = "";
        private @Nullable String provider;
        private Usage usage = Usage.NONE;
        private List<Attempt> attempts = List.of();
        private Cost cost = Cost.UNKNOWN;

        private Builder() {}

        /** The vectors, one per input in input order (the list is copied, the vectors are not). */
        public Builder embeddings(@Nullable List<Embedding> embeddings) {
            this.embeddings = embeddings == null ? List.of() : List.copyOf(embeddings);
            return this;
        }

        /** The model that made the vectors; empty by default. */
        public Builder model(@Nullable String model) {
            this.model = model == null ? "" : model;
            return this;
        }

        /** The configured name of the provider; required. */
        public Builder provider(@Nullable String provider) {
            this.provider = provider;
            return this;
        }

        /** Token counts; {@link Usage#NONE} by default. */
        public Builder usage(@Nullable Usage usage) {
            this.usage = usage == null ? Usage.NONE : usage;
            return this;
        }

        /** The attempt trail (copied); empty by default. A provider leaves it empty: a route fills it. */
        public Builder attempts(@Nullable List<Attempt> attempts) {
            this.attempts = attempts == null ? List.of() : List.copyOf(attempts);
            return this;
        }

        /** The call's cost; {@link Cost#UNKNOWN} by default. A provider leaves it: the runtime prices the call. */
        public Builder cost(@Nullable Cost cost) {
            this.cost = cost == null ? Cost.UNKNOWN : cost;
            return this;
        }

        /** @throws NullPointerException when {@code provider} is missing */
        public EmbeddingResponse build() {
            return new EmbeddingResponse(this);
        }
    }
}
