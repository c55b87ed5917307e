package dev.switchboard.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event of a streamed answer.
 *
 * <p>The events stay records, unlike the results a provider builds ({@link ChatResponse}, {@link Usage}, ...): each is
 * one small fact of the wire, and what a stream learns to say later arrives as a new kind of event rather than a new
 * component of an old one. So a consumer ignores events it does not know (use {@code instanceof} checks with a
 * fall-through, not an exhaustive match that must name every kind).
 */
public sealed interface ChatEvent
        permits ChatEvent.Started, ChatEvent.TextDelta, ChatEvent.ReasoningDelta, ChatEvent.ReasoningBlockEnd,
                ChatEvent.ToolCallDelta, ChatEvent.UsageReport, ChatEvent.Finished {

    /**
     * The response's id and model, as soon as the provider names them (either may be null when it does not); at most
     * once, before any content.
     */
    record Started(@Nullable String id, @Nullable String model) implements ChatEvent {}

    /** More answer text. */
    record TextDelta(String text) implements ChatEvent {
        public TextDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /** More reasoning ("thinking") text, for models that stream it apart from the answer. */
    record ReasoningDelta(String text) implements ChatEvent {
        public ReasoningDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * One reasoning block is complete: the block as the provider returned it, signature included, to be kept on the
     * answer's {@link Message#reasoningBlocks()} so the conversation can continue. Its text, if any, has already
     * come as {@link ReasoningDelta}s; this event is not more text to show.
     */
    record ReasoningBlockEnd(ReasoningBlock block) implements ChatEvent {
        public ReasoningBlockEnd {
            Objects.requireNonNull(block, "block");
        }
    }

    /**
     * A piece of tool call number {@code index}. The first piece of a call carries its id and name; later pieces
     * carry only more of the JSON arguments text, to be concatenated in order (their id and name are null). A null
     * fragment is taken as empty.
     */
    record ToolCallDelta(int index, @Nullable String id, @Nullable String name, String argumentsFragment)
            implements ChatEvent {
        public ToolCallDelta {
            argumentsFragment = argumentsFragment == null ? "" : argumentsFragment;
        }
    }

    /** Token counts; a later report replaces an earlier one. */
    record UsageReport(Usage usage) implements ChatEvent {
        public UsageReport {
            Objects.requireNonNull(usage, "usage");
        }
    }

    /** The model stopped. Usage may still follow. {@code rawReason} is the provider's own word, empty when none. */
    record Finished(FinishReason reason, String rawReason) implements ChatEvent {
        public Finished {
            Objects.requireNonNull(reason, "reason");
            rawReason = rawReason == null ? "" : rawReason;
        }
    }
}
