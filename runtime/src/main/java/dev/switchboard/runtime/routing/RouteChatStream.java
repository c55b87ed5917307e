package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.metering.MeteredStream;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.spi.AbstractChatStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's answer stream: first the events the route buffered while it made sure the target was answering (up to
 * and including the first content event), then the target's live stream. Once content has reached the caller a
 * failure of the live stream goes to the caller, unless the {@link StreamResumer} continues the answer with another
 * target: then the caller keeps pulling this one stream, the continuation's own {@link ChatEvent.Started} is dropped
 * (the answer keeps the id and model it announced) and the trail grows by the failure and the tries that followed.
 * A continuation's usage reports carry the whole answer's usage: what the ledger recorded for each target that broke
 * off before it (its part, estimated where it reported no counts) plus what the continuation reports, so a caller
 * sees the tokens every provider of the answer spent, not the last one's alone.
 *
 * <p>{@link #collect()} folds everything, buffered events included, and carries the route's attempt trail and the
 * answering target's cost (when its provider is metered, as a {@code Switchboard}'s are).
 * {@link #close()} closes the live target stream; it is idempotent. One thread pulls the stream, like every
 * {@link ChatStream}; {@link #close()} may also come from another thread (e.g. a server noticing its client left)
 * while the puller is blocked: the live stream is then aborted and no continuation is started.
 */
public final class RouteChatStream extends AbstractChatStream {

    private final ArrayDeque<ChatEvent> replay;
    private final String model;
    private final List<Attempt> attempts;
    private final StreamResumer resumer;
    private final Object lock = new Object();
    /** Guarded by lock for writes; read by the pulling thread. */
    private volatile ChatStream live;
    private volatile boolean released;
    private String answering;
    private boolean liveEnded;
    private boolean resumed;
    /** The caller has whitespace the resume prefix left out: drop the continuation's until its first other text. */
    private boolean skipLeadingSpace;
    /** The usage of the targets that broke off before the one answering now, as their metering recorded it. */
    private Usage earlier = Usage.NONE;

    /**
     * @param opened   the answering target's stream, pulled up to its first content event
     * @param model    the model asked for (the answer's own model, when the provider names it, wins)
     * @param attempts the route's trail, the successful try last
     */
    public RouteChatStream(OpenedStream opened, String model, List<Attempt> attempts, StreamResumer resumer) {
        super(opened.live().provider(), model);
        this.replay = new ArrayDeque<>(opened.buffered());
        this.live = opened.live();
        this.liveEnded = opened.ended();
        this.answering = opened.live().provider();
        this.model = model;
        this.attempts = new ArrayList<>(attempts);
        this.resumer = resumer;
    }

    @Override
    protected boolean fetch() {
        while (!replay.isEmpty()) {
            if (emitContinued(replay.poll())) {
                return true;
            }
        }
        if (liveEnded) {
            return false;
        }
        ChatStream current = live;
        try {
            while (current.hasNext()) {
                ChatEvent event = current.next();
                if (resumed && event instanceof ChatEvent.Started) {
                    continue; // the caller already has the answer's id and model
                }
                if (emitContinued(event)) {
                    return true;
                }
            }
            liveEnded = true;
            return false;
        } catch (RuntimeException e) {
            LlmException failure = Failures.of(answering, e);
            if (released) {
                throw failure; // closed by the caller: nothing to continue
            }
            StreamResumer.Continuation next = resumer.resume(failure, accumulated());
            if (next == null) {
                throw failure;
            }
            attempts.addAll(next.attempts());
            skipLeadingSpace = next.skipLeadingSpace();
            switchTo(next.opened(), current, failure);
            return true;
        }
    }

    /** Emits {@code event} unless it is only leading whitespace to skip; false when nothing was emitted. */
    private boolean emitContinued(ChatEvent event) {
        if (skipLeadingSpace) {
            if (event instanceof ChatEvent.TextDelta t) {
                String text = t.text().stripLeading();
                if (text.isEmpty()) {
                    return false;
                }
                skipLeadingSpace = false;
                emit(text.length() == t.text().length() ? event : new ChatEvent.TextDelta(text));
                return true;
            }
            if (!(event instanceof ChatEvent.UsageReport) && !(event instanceof ChatEvent.ReasoningDelta)
                    && !(event instanceof ChatEvent.ReasoningBlockEnd)) {
                skipLeadingSpace = false; // a tool call or the end: nothing to join
            }
        }
        emit(withEarlierUsage(event));
        return true;
    }

    /** A continuation's usage report with the earlier targets' usage added; any other event as it is. */
    private ChatEvent withEarlierUsage(ChatEvent event) {
        return event instanceof ChatEvent.UsageReport u && !earlier.equals(Usage.NONE)
                ? new ChatEvent.UsageReport(earlier.plus(u.usage())) : event;
    }

    /** What the ledger recorded for a target's stream that has ended (none when the target is not metered). */
    private static Usage recorded(ChatStream ended) {
        ChatStream target = ended instanceof CountedStream c ? c.counted() : ended;
        return target instanceof MeteredStream m ? m.recorded() : Usage.NONE;
    }

    private void switchTo(OpenedStream next, ChatStream failed, LlmException failure) {
        synchronized (lock) {
            if (released) {
                Failures.closeQuietly(next.live(), next.live().provider());
                throw failure;
            }
            live = next.live();
        }
        Failures.closeQuietly(failed, answering); // its metering records its part in the ledger as it closes
        earlier = earlier.plus(recorded(failed));
        answering = next.live().provider();
        liveEnded = next.ended();
        resumed = true;
        for (ChatEvent e : next.buffered()) {
            if (!(e instanceof ChatEvent.Started)) {
                replay.add(e);
            }
        }
    }

    @Override
    protected void release(boolean completed) {
        ChatStream toClose;
        synchronized (lock) {
            released = true;
            toClose = live;
        }
        Failures.closeQuietly(toClose, toClose.provider());
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
        ChatStream current = live;
        ChatStream target = current instanceof CountedStream c ? c.counted() : current;
        Cost cost = target instanceof MeteredStream m ? m.cost() : Cost.UNKNOWN;
        return accumulated().toResponse(answering, model, rateLimits(), attempts).toBuilder().cost(cost).build();
    }

    /** Why a failure of this stream was not resumed, when it was not (to explain the failure the caller sees). */
    public java.util.Optional<String> notResumedBecause() {
        return resumer.notResumedBecause();
    }

    /** The provider answering now. */
    @Override
    public String provider() {
        return answering;
    }

    /** The route's trail so far: the tries before the stream started and, after a resumption, those that followed. */
    @Override
    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }
}
