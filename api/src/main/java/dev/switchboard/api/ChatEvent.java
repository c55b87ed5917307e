package dev.switchboard.api;

import java.util.Objects;

/** One event of a streamed answer. */
public sealed interface ChatEvent
        permits ChatEvent.Started, ChatEvent.TextDelta, ChatEvent.ReasoningDelta, ChatEvent.ToolCallDelta,
                ChatEvent.UsageReport, ChatEvent.Finished {

    /** The response's id and model, as soon as the provider names them; at most once, before any content. */
    record Started(String id, String model) implements ChatEvent {}

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
     * A piece of tool call number {@code index}. The first piece of a call carries its id and name; later pieces
     * carry only more of the JSON arguments text, to be concatenated in order.
     */
    record ToolCallDelta(int index, String id, String name, String argumentsFragment) implements ChatEvent {
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

    /** The model stopped. Usage may still follow. */
    record Finished(FinishReason reason, String rawReason) implements ChatEvent {
        public Finished {
            Objects.requireNonNull(reason, "reason");
            rawReason = rawReason == null ? "" : rawReason;
        }
    }
}
