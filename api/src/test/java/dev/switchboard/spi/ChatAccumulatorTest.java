package dev.switchboard.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatAccumulatorTest {

    private static ChatResponse fold(ChatEvent... events) {
        ChatAccumulator acc = new ChatAccumulator();
        for (ChatEvent e : events) {
            acc.accept(e);
        }
        return acc.toResponse("prov", "fallback-model", RateLimits.NONE, List.of());
    }

    @Test
    void concatenatesTextDeltasInOrder() {
        ChatResponse r = fold(new ChatEvent.TextDelta("Hel"), new ChatEvent.TextDelta(""), new ChatEvent.TextDelta("lo, "),
                new ChatEvent.TextDelta("wörld"), new ChatEvent.Finished(FinishReason.STOP, "stop"));

        assertThat(r.text()).isEqualTo("Hello, wörld");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.rawFinishReason()).isEqualTo("stop");
        assertThat(r.provider()).isEqualTo("prov");
    }

    @Test
    void groupsToolCallFragmentsByIndexEvenWhenInterleaved() {
        // given: OpenAI-style deltas, the first piece of each call with id and name, then argument fragments
        ChatResponse r = fold(
                new ChatEvent.ToolCallDelta(1, "call_b", "get_time", ""),
                new ChatEvent.ToolCallDelta(0, "call_a", "get_weather", "{\"ci"),
                new ChatEvent.ToolCallDelta(1, null, null, "{\"tz\":"),
                new ChatEvent.ToolCallDelta(0, null, null, "ty\":\"Paris\"}"),
                new ChatEvent.ToolCallDelta(1, "", "", "\"UTC\"}"),
                new ChatEvent.Finished(FinishReason.TOOL_CALLS, "tool_calls"));

        // then: ordered by index, arguments joined per call
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "get_time", "{\"tz\":\"UTC\"}"));
        assertThat(r.toolCalls().get(0).argumentsAsMap().get("city")).isEqualTo("Paris");
        assertThat(r.text()).isEmpty();
        assertThat(r.message().content()).isEmpty();
    }

    @Test
    void replacesUsageByALaterReport() {
        ChatResponse r = fold(new ChatEvent.UsageReport(Usage.of(10, 1)), new ChatEvent.TextDelta("x"),
                new ChatEvent.UsageReport(Usage.builder()
                        .inputTokens(10)
                        .outputTokens(7)
                        .cachedInputTokens(4)
                        .reasoningTokens(2)
                        .build()));

        assertThat(r.usage()).isEqualTo(Usage.builder()
                .inputTokens(10)
                .outputTokens(7)
                .cachedInputTokens(4)
                .reasoningTokens(2)
                .build());
    }

    @Test
    void defaultsTheFinishReasonToStopOrToolCalls() {
        assertThat(fold(new ChatEvent.TextDelta("hi")).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(fold(new ChatEvent.ToolCallDelta(0, "c", "f", "{}")).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(fold().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(fold().usage()).isEqualTo(Usage.NONE);
    }

    @Test
    void keepsTheFirstIdAndModelAndFallsBackToTheRequestedModel() {
        ChatResponse named = fold(new ChatEvent.Started("chatcmpl-1", "gpt-4o-2024"), new ChatEvent.Started("other", "other"));
        ChatResponse unnamed = fold(new ChatEvent.Started("id", ""));

        assertThat(named.id()).isEqualTo("chatcmpl-1");
        assertThat(named.model()).isEqualTo("gpt-4o-2024");
        assertThat(unnamed.model()).isEqualTo("fallback-model");
    }

    @Test
    void keepsReasoningApartFromTheAnswer() {
        ChatAccumulator acc = new ChatAccumulator();
        acc.accept(new ChatEvent.ReasoningDelta("think "));
        acc.accept(new ChatEvent.ReasoningDelta("hard"));
        assertThat(acc.hasContent()).isTrue();
        acc.accept(new ChatEvent.TextDelta("42"));

        ChatResponse r = acc.toResponse("p", "m", RateLimits.NONE, List.of());

        assertThat(r.reasoning()).isEqualTo("think hard");
        assertThat(r.text()).isEqualTo("42");
    }

    @Test
    void keepsFinishedReasoningBlocksInOrderOnTheMessageWithoutRepeatingTheirText() {
        ReasoningBlock thinking = ReasoningBlock.thinking("anthropic", "think hard", "EqQBCgIYAhIM");
        ReasoningBlock redacted = ReasoningBlock.redacted("anthropic", "EmwKAhgBEgy3");

        ChatResponse r = fold(new ChatEvent.ReasoningDelta("think "), new ChatEvent.ReasoningDelta("hard"),
                new ChatEvent.ReasoningBlockEnd(thinking), new ChatEvent.ReasoningBlockEnd(redacted),
                new ChatEvent.TextDelta("42"), new ChatEvent.Finished(FinishReason.STOP, "end_turn"));

        assertThat(r.message().reasoningBlocks()).containsExactly(thinking, redacted);
        assertThat(r.reasoning()).isEqualTo("think hard");
        assertThat(r.text()).isEqualTo("42");
    }

    @Test
    void tellsWhetherContentHasArrived() {
        ChatAccumulator acc = new ChatAccumulator();
        acc.accept(new ChatEvent.Started("id", "m"));
        acc.accept(new ChatEvent.TextDelta(""));
        acc.accept(new ChatEvent.UsageReport(Usage.of(3, 0)));
        assertThat(acc.hasContent()).isFalse();
        assertThat(acc.isFinished()).isFalse();

        acc.accept(new ChatEvent.TextDelta("a"));
        acc.accept(new ChatEvent.Finished(FinishReason.LENGTH, "length"));

        assertThat(acc.hasContent()).isTrue();
        assertThat(acc.isFinished()).isTrue();
        assertThat(acc.text()).isEqualTo("a");
    }
}
