package dev.switchboard.api;

import java.util.List;
import java.util.Objects;

/**
 * Vectors in input order, with the model and provider that made them, and what they cost when the price is known
 * ({@link Cost#UNKNOWN} otherwise; a provider answers without one, the runtime prices it).
 */
public record EmbeddingResponse(List<Embedding> embeddings, String model, String provider, Usage usage, List<Attempt> attempts,
                                Cost cost) {

    public EmbeddingResponse {
        embeddings = List.copyOf(embeddings);
        model = model == null ? "" : model;
        Objects.requireNonNull(provider, "provider");
        usage = usage == null ? Usage.NONE : usage;
        attempts = List.copyOf(attempts);
        cost = cost == null ? Cost.UNKNOWN : cost;
    }

    /** A response whose cost is not known yet (what a provider returns; the runtime adds the cost). */
    public EmbeddingResponse(List<Embedding> embeddings, String model, String provider, Usage usage, List<Attempt> attempts) {
        this(embeddings, model, provider, usage, attempts, Cost.UNKNOWN);
    }

    public float[] vector(int index) {
        return embeddings.get(index).vector();
    }

    public EmbeddingResponse withAttempts(List<Attempt> newAttempts) {
        return new EmbeddingResponse(embeddings, model, provider, usage, newAttempts, cost);
    }

    /** A copy with the cost replaced. */
    public EmbeddingResponse withCost(Cost newCost) {
        return new EmbeddingResponse(embeddings, model, provider, usage, attempts, newCost);
    }
}
