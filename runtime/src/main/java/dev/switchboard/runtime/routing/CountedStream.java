package dev.switchboard.runtime.routing;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.RateLimits;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A target's stream counted as a call in flight of the target ({@link TargetStats}) until it is closed, drained,
 * collected or fails: a caller may leave a drained stream unclosed, so its end counts too.
 */
final class CountedStream implements ChatStream {

    private final ChatStream stream;
    private final TargetStats stats;
    private final AtomicBoolean ended = new AtomicBoolean();

    /** Takes over a count {@code stats} already holds for this call ({@link TargetStats#enter()}). */
    CountedStream(ChatStream stream, TargetStats stats) {
        this.stream = stream;
        this.stats = stats;
    }

    /** The target's own stream (e.g. a metered one, whose cost the route reports). */
    ChatStream counted() {
        return stream;
    }

    @Override
    public boolean hasNext() {
        try {
            boolean more = stream.hasNext();
            if (!more) {
                end();
            }
            return more;
        } catch (RuntimeException | Error e) {
            end();
            throw e;
        }
    }

    @Override
    public ChatEvent next() {
        try {
            return stream.next();
        } catch (RuntimeException | Error e) {
            end();
            throw e;
        }
    }

    @Override
    public ChatResponse collect() {
        try {
            return stream.collect();
        } finally {
            end();
        }
    }

    @Override
    public String provider() {
        return stream.provider();
    }

    @Override
    public RateLimits rateLimits() {
        return stream.rateLimits();
    }

    @Override
    public List<Attempt> attempts() {
        return stream.attempts();
    }

    @Override
    public void close() {
        try {
            stream.close();
        } finally {
            end();
        }
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            stats.exit();
        }
    }
}
