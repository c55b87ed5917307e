package dev.switchboard.runtime.routing;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A target's stream pulled up to its first content event, so that a failure before any content reached the caller
 * counts as a failure of the target and the route can still fall back.
 *
 * @param live     the target's stream, positioned after {@code buffered}
 * @param buffered the events pulled so far, the first content event (if any) last
 * @param ended    whether the stream ended while buffering (an answer without content)
 */
public record OpenedStream(ChatStream live, List<ChatEvent> buffered, boolean ended) {

    public OpenedStream {
        Objects.requireNonNull(live, "live");
        buffered = List.copyOf(buffered);
    }

    /** Opens {@code provider}'s stream and pulls it up to the first content; closes it if that fails. */
    public static OpenedStream open(LlmProvider provider, ChatRequest request) {
        return pull(Objects.requireNonNull(provider.stream(request), "stream() returned null"), provider);
    }

    /**
     * {@link #open(LlmProvider, ChatRequest)}, the stream counted in flight of the target in {@code stats} from the
     * request on until it ends.
     */
    public static OpenedStream open(LlmProvider provider, ChatRequest request, TargetStats stats) {
        stats.enter();
        ChatStream stream;
        try {
            stream = Objects.requireNonNull(provider.stream(request), "stream() returned null");
        } catch (RuntimeException | Error e) {
            stats.exit();
            throw e;
        }
        return pull(new CountedStream(stream, stats), provider); // it ends the count when the stream ends
    }

    private static OpenedStream pull(ChatStream stream, LlmProvider provider) {
        List<ChatEvent> buffered = new ArrayList<>(4);
        try {
            while (stream.hasNext()) {
                ChatEvent event = Objects.requireNonNull(stream.next(), "the stream yielded a null event");
                buffered.add(event);
                if (isContent(event)) {
                    return new OpenedStream(stream, buffered, false);
                }
            }
            return new OpenedStream(stream, buffered, true);
        } catch (RuntimeException | Error e) {
            Failures.closeQuietly(stream, provider.name());
            throw e;
        }
    }

    /**
     * Whether an event is answer content: text, reasoning or a tool call. {@code Started}, usage and finish events
     * are not; neither is an empty text delta, which commits the caller to nothing.
     */
    public static boolean isContent(ChatEvent event) {
        if (event instanceof ChatEvent.TextDelta t) {
            return !t.text().isEmpty();
        }
        if (event instanceof ChatEvent.ReasoningDelta r) {
            return !r.text().isEmpty();
        }
        return event instanceof ChatEvent.ToolCallDelta;
    }
}
