package dev.switchboard.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Texts, or token arrays, to embed. An unset (null) model means the provider's configured embedding model;
 * {@code dimensions}, when set, asks models that support it for shorter vectors.
 *
 * <p>A request holds either texts ({@link #inputs()}) or token arrays ({@link #tokenInputs()}: token ids of the
 * model's tokenizer, as OpenAI's embeddings API accepts them), never both. Token arrays go only to providers that
 * declare {@link Capability#EMBEDDING_TOKEN_INPUT}; {@link #inputs()} is then empty.
 *
 * @param tokenInputs the token arrays to embed, each non-empty; empty for a request of texts
 */
public record EmbeddingRequest(@Nullable String model, List<String> inputs, @Nullable Integer dimensions,
                               List<List<Integer>> tokenInputs) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
        List<List<Integer>> tokens = new ArrayList<>(tokenInputs.size());
        for (List<Integer> t : tokenInputs) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException("a token array to embed cannot be empty");
            }
            tokens.add(List.copyOf(t));
        }
        tokenInputs = List.copyOf(tokens);
        if (inputs.isEmpty() && tokenInputs.isEmpty()) {
            throw new IllegalArgumentException("an embedding request needs at least one input");
        }
        if (!inputs.isEmpty() && !tokenInputs.isEmpty()) {
            throw new IllegalArgumentException("an embedding request holds texts or token arrays, not both");
        }
        if (dimensions != null && dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, was " + dimensions);
        }
    }

    /** A request of texts. */
    public EmbeddingRequest(@Nullable String model, List<String> inputs, @Nullable Integer dimensions) {
        this(model, inputs, dimensions, List.of());
    }

    public static EmbeddingRequest of(String... inputs) {
        return new EmbeddingRequest(null, List.of(inputs), null);
    }

    public static EmbeddingRequest of(String model, List<String> inputs) {
        return new EmbeddingRequest(Objects.requireNonNull(model, "model"), inputs, null);
    }

    /** A request of token arrays, for the provider's configured embedding model. */
    public static EmbeddingRequest ofTokens(List<List<Integer>> tokenInputs) {
        return new EmbeddingRequest(null, List.of(), null, tokenInputs);
    }

    /** Whether it holds token arrays rather than texts. */
    public boolean hasTokenInputs() {
        return !tokenInputs.isEmpty();
    }

    /** How many inputs it holds (texts or token arrays). */
    public int size() {
        return hasTokenInputs() ? tokenInputs.size() : inputs.size();
    }

    public EmbeddingRequest withModel(@Nullable String newModel) {
        return new EmbeddingRequest(newModel, inputs, dimensions, tokenInputs);
    }
}
