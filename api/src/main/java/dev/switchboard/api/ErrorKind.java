package dev.switchboard.api;

/** What went wrong, in the terms a router decides on. */
public enum ErrorKind {
    AUTHENTICATION(false, true),
    RATE_LIMIT(true, true),
    /** Billing or hard quota: waiting does not help, another provider may. */
    QUOTA(false, true),
    SERVER(true, true),
    OVERLOADED(true, true),
    TIMEOUT(true, true),
    CONNECTION(true, true),
    /** The request itself is wrong; no provider will accept it. */
    INVALID_REQUEST(false, false),
    MODEL_NOT_FOUND(false, true),
    CONTEXT_LENGTH(false, true),
    CONTENT_FILTER(false, true),
    UNSUPPORTED(false, true),
    /** A stream ended or broke before its end marker. */
    STREAM_INTERRUPTED(true, true);

    private final boolean retryable;
    private final boolean fallbackWorthy;

    ErrorKind(boolean retryable, boolean fallbackWorthy) {
        this.retryable = retryable;
        this.fallbackWorthy = fallbackWorthy;
    }

    /** Whether trying the same provider again may succeed. */
    public boolean isRetryable() {
        return retryable;
    }

    /** Whether another provider may succeed where this one failed. */
    public boolean isFallbackWorthy() {
        return fallbackWorthy;
    }
}
