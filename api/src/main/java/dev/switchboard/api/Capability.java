package dev.switchboard.api;

/** What a provider can do; a route uses it to skip targets that lack a feature a request needs. */
public enum Capability {
    CHAT,
    STREAMING,
    TOOLS,
    VISION,
    JSON_OUTPUT,
    JSON_SCHEMA_OUTPUT,
    EMBEDDINGS,
    MODEL_LISTING,
    /**
     * Embeddings of token arrays ({@link EmbeddingRequest#tokenInputs()}): token ids passed to the provider's API as
     * they are, as OpenAI's embeddings API accepts them. A route skips targets that do not declare it for such a
     * request, so a provider that does not declare it never receives one.
     */
    EMBEDDING_TOKEN_INPUT
}
