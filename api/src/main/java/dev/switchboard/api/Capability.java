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
    MODEL_LISTING
}
