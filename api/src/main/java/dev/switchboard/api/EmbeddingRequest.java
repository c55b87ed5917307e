package dev.switchboard.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Texts to embed. An unset (null) model means the provider's configured embedding model; {@code dimensions}, when
 * set, asks models that support it for shorter vectors.
 */
public record EmbeddingRequest(@Nullable String model, List<String> inputs, @Nullable Integer dimensions) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("an embedding request needs at least one input");
        }
        if (dimensions != null && dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, was " + dimensions);
        }
    }

    public static EmbeddingRequest of(String... inputs) {
        return new EmbeddingRequest(null, List.of(inputs), null);
    }

    public static EmbeddingRequest of(String model, List<String> inputs) {
        return new EmbeddingRequest(Objects.requireNonNull(model, "model"), inputs, null);
    }

    public EmbeddingRequest withModel(@Nullable String newModel) {
        return new EmbeddingRequest(newModel, inputs, dimensions);
    }
}
