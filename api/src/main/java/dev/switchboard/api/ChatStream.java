package dev.switchboard.api;

import java.util.Iterator;
import java.util.List;

/**
 * A streamed answer, pulled one {@link ChatEvent} at a time. Not thread-safe: one consumer pulls it.
 *
 * <p>{@code hasNext()} and {@code next()} block until the provider sends more; a failure surfaces from them as an
 * {@link LlmException}. {@link #close()} aborts the HTTP exchange if it is still open; it is idempotent and
 * must be called (try-with-resources) unless the stream was drained or {@link #collect() collected}.
 */
public interface ChatStream extends Iterator<ChatEvent>, AutoCloseable {

    /** Drains the stream and folds it into the same {@link ChatResponse} a non-streaming call returns; closes it. */
    ChatResponse collect();

    /** The configured name of the provider this stream comes from (for a route: the one answering now). */
    String provider();

    /** What the provider said about its rate limits on this stream's response; none by default. */
    default RateLimits rateLimits() {
        return RateLimits.NONE;
    }

    /** The tries made so far, for a route; a plain provider's stream has none until it is collected. */
    default List<Attempt> attempts() {
        return List.of();
    }

    @Override
    void close();
}
