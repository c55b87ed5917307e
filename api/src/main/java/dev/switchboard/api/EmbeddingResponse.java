package dev.switchboard.api;

import java.util.List;
import java.util.Objects;

/** Vectors in input order, with the model and provider that made them. */
public record EmbeddingResponse(List<Embedding> embeddings, String model, String provider, Usage usage, List<Attempt> attempts) {

    public EmbeddingResponse {
        embeddings = List.copyOf(embeddings);
        model = model == null ? "" : model;
        Objects.requireNonNull(provider, "provider");
        usage = usage == null ? Usage.NONE : usage;
        attempts = List.copyOf(attempts);
    }

    public float[] vector(int index) {
        return embeddings.get(index).vector();
    }

    public EmbeddingResponse withAttempts(List<Attempt> newAttempts) {
        return new EmbeddingResponse(embeddings, model, provider, usage, newAttempts);
    }
}
