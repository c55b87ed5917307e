package dev.switchboard.api;

/** Who wrote a {@link Message}. OpenAI's {@code developer} role is read as {@link #SYSTEM}. */
public enum Role {
    SYSTEM,
    USER,
    ASSISTANT,
    /** The result of a tool call, sent back to the model. */
    TOOL
}
