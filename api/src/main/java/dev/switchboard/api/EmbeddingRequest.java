package dev.switchboard.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Texts to embed. An unset model means the provider's configured embedding model; {@code dimensions} asks models
 * that support it for shorter vectors.
 */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions) {

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

    public Optional<String> modelOptional() {
        return Optional.ofNullable(model);
    }

    public OptionalInt dimensionsOptional() {
        return dimensions == null ? OptionalInt.empty() : OptionalInt.of(dimensions);
    }

    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, inputs, dimensions);
    }
}
