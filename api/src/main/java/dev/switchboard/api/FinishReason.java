package dev.switchboard.api;

/** Why the model stopped, normalised across providers; the provider's own word is kept beside it. */
public enum FinishReason {
    /** A natural end or a stop sequence. */
    STOP,
    /** The output token limit was reached. */
    LENGTH,
    /** The model asked for tool calls. */
    TOOL_CALLS,
    /** The provider's safety system cut or refused the answer. */
    CONTENT_FILTER,
    /** The provider reported an error as the finish reason. */
    ERROR,
    /** Anything else; see the raw reason. */
    OTHER
}
