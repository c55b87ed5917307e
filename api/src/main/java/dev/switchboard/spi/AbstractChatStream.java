package dev.switchboard.spi;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The base of a provider's {@link ChatStream}: subclasses decode their wire format in {@link #fetch()} and
 * {@link #emit} events; this class queues them, folds every event into a {@link ChatAccumulator} (so
 * {@link #collect()} gives the whole answer however much was already pulled), and closes the source on error,
 * on the end, and on {@link #close()}. One thread pulls; {@link #close()} may come from another, to cancel.
 */
public abstract class AbstractChatStream implements ChatStream {

    private final ArrayDeque<ChatEvent> pending = new ArrayDeque<>(4);
    private final ChatAccumulator accumulator = new ChatAccumulator();
    private final String provider;
    private final String model;
    private boolean ended;
    private volatile boolean completed;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by the caller's {@link #close()}: events fetched but not yet pulled are dropped with the rest. */
    private volatile boolean cancelled;

    protected AbstractChatStream(String provider, String model) {
        this.provider = provider;
        this.model = model;
    }

    /**
     * Reads from the source until at least one event was emitted or the stream ended.
     *
     * @return false when the source has properly ended (its end marker was seen)
     * @throws LlmException for any failure, an early end included
     */
    protected abstract boolean fetch();

    /**
     * Releases the source; called once.
     *
     * @param completed true when the source ended properly (its end marker was read), so its connection may be
     *                  reused; false when the stream failed or was closed early and the exchange must be aborted
     */
    protected abstract void release(boolean completed);

    /** The provider's rate-limit headers for this stream; override when the wire carries them. */
    @Override
    public RateLimits rateLimits() {
        return RateLimits.NONE;
    }

    protected final void emit(ChatEvent event) {
        pending.add(event);
    }

    @Override
    public final boolean hasNext() {
        if (cancelled) {
            return false; // a fetch may have queued several events; after close() none of them is delivered
        }
        while (pending.isEmpty() && !ended) {
            if (closed.get()) {
                return false;
            }
            boolean more;
            try {
                more = fetch();
            } catch (RuntimeException e) {
                ended = true;
                if (closed.get()) {
                    return false; // closed by another thread to cancel: the read failed because of it, not an error
                }
                releaseOnce();
                throw e;
            }
            if (!more) {
                ended = true;
                completed = true;
                releaseOnce(); // the events of the last fetch are still delivered
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public final ChatEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        ChatEvent e = pending.poll();
        accumulator.accept(e);
        return e;
    }

    @Override
    public ChatResponse collect() {
        try {
            while (hasNext()) {
                next();
            }
        } finally {
            close();
        }
        return accumulator.toResponse(provider, model, rateLimits(), List.of());
    }

    /** What has been pulled so far, e.g. the partial text to resume from. */
    public final ChatAccumulator accumulated() {
        return accumulator;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public List<Attempt> attempts() {
        return List.of();
    }

    /**
     * Ends the stream for the caller: the source is released once, whichever thread calls it, and events already
     * fetched but not pulled are dropped; a consumer blocked in {@link #hasNext()} then sees the end.
     */
    @Override
    public final void close() {
        cancelled = true;
        releaseOnce();
    }

    private void releaseOnce() {
        if (closed.compareAndSet(false, true)) {
            release(completed);
        }
    }
}
