package dev.switchboard.api;

import java.util.List;
import java.util.Set;

/**
 * A configured provider, or a route over several (a route is itself an {@code LlmProvider}). Implementations are
 * thread-safe: one instance serves concurrent calls.
 */
public interface LlmProvider extends AutoCloseable {

    /** The configured name, e.g. {@code groq-fast}. */
    String name();

    /** The provider type, e.g. {@code groq}; for a route, {@code route}. */
    String type();

    Set<Capability> capabilities();

    ChatResponse chat(ChatRequest request);

    ChatStream stream(ChatRequest request);

    default EmbeddingResponse embed(EmbeddingRequest request) {
        throw LlmException.unsupported(name(), "embeddings (provider type " + type() + ")");
    }

    default List<ModelInfo> listModels() {
        throw LlmException.unsupported(name(), "model listing (provider type " + type() + ")");
    }

    /** Whether {@code model} is offered; by default, whether {@link #listModels()} names it. */
    default boolean isModelAvailable(String model) {
        for (ModelInfo m : listModels()) {
            if (m.id().equals(model)) {
                return true;
            }
        }
        return false;
    }

    /** Releases what this provider holds of its own; shared resources belong to whoever made them. */
    @Override
    default void close() {}
}
