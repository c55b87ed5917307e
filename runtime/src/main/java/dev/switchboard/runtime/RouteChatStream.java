package dev.switchboard.runtime;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.spi.AbstractChatStream;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A route's answer stream: first the events the route buffered while it made sure the target was answering (up to
 * and including the first content event), then the target's live stream. Once content has reached the caller a
 * failure of the live stream goes to the caller (unless a {@link StreamResumer} continues the answer).
 *
 * <p>{@link #collect()} folds everything, buffered events included, and carries the route's attempt trail.
 * {@link #close()} closes the live target stream; it is idempotent. Not thread-safe, like every {@link ChatStream}.
 */
final class RouteChatStream extends AbstractChatStream {

    private final ArrayDeque<ChatEvent> replay;
    private final String model;
    private final List<Attempt> attempts;
    private final StreamResumer resumer;
    private ChatStream live;
    private String answering;
    private boolean liveEnded;

    /**
     * @param opened   the answering target's stream, pulled up to its first content event
     * @param model    the model asked for (the answer's own model, when the provider names it, wins)
     * @param attempts the route's trail, the successful try last
     */
    RouteChatStream(OpenedStream opened, String model, List<Attempt> attempts, StreamResumer resumer) {
        super(opened.live().provider(), model);
        this.replay = new ArrayDeque<>(opened.buffered());
        this.live = opened.live();
        this.liveEnded = opened.ended();
        this.answering = opened.live().provider();
        this.model = model;
        this.attempts = List.copyOf(attempts);
        this.resumer = resumer;
    }

    @Override
    protected boolean fetch() {
        if (!replay.isEmpty()) {
            emit(replay.poll());
            return true;
        }
        if (liveEnded) {
            return false;
        }
        try {
            if (live.hasNext()) {
                emit(live.next());
                return true;
            }
            liveEnded = true;
            return false;
        } catch (RuntimeException e) {
            LlmException failure = Failures.of(answering, e);
            ChatStream next = resumer.resume(failure, accumulated());
            if (next == null) {
                throw failure;
            }
            Failures.closeQuietly(live, answering);
            live = next;
            answering = next.provider();
            return true;
        }
    }

    @Override
    protected void release(boolean completed) {
        Failures.closeQuietly(live, answering);
    }

    /** The answering provider's rate-limit headers. */
    @Override
    public RateLimits rateLimits() {
        return live.rateLimits();
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
        return accumulated().toResponse(answering, model, rateLimits(), attempts);
    }

    /** The provider answering now. */
    @Override
    public String provider() {
        return answering;
    }

    @Override
    public List<Attempt> attempts() {
        return attempts;
    }
}
