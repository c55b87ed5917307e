package dev.switchboard.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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

    /**
     * Starts a chat call that holds no thread while the provider answers, when this provider can make one; empty when
     * it cannot (the default, and whenever a step before the request is sent may have to wait, such as a rate limit
     * or a state store across the network). The caller then calls {@link #chat} on a thread that may block, as
     * before: an empty answer changes nothing.
     *
     * <p>This method never blocks. What needs no waiting (checks, picking a target, writing the request) runs on the
     * calling thread, inside whatever scopes it has open; what follows may run on an I/O thread of the provider's
     * HTTP client, so whoever adds callbacks to the future must not block in them either. A step that has to wait
     * (a retry after its delay, a fallback to another target, a write to a remote store) runs on {@code blocking},
     * which runs it in the caller's scopes. The future completes with what {@link #chat} would have returned, or
     * exceptionally with what it would have thrown. Cancelling it abandons the call: the request is aborted and its
     * connection closed.
     *
     * @param blocking where steps that wait run; the caller's own executor (it re-enters the caller's scopes)
     */
    default Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request, Executor blocking) {
        return Optional.empty();
    }

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
