package dev.switchboard.spi;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Message;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Folds {@link ChatEvent}s into a {@link ChatResponse}: text and reasoning concatenated, tool-call pieces grouped
 * by index with their argument fragments joined, completed reasoning blocks kept in order on the message, the last
 * usage report kept. Not thread-safe.
 */
public final class ChatAccumulator {

    private String id;
    private String model;
    private final StringBuilder text = new StringBuilder();
    private StringBuilder reasoning;
    private TreeMap<Integer, ToolCallParts> toolCalls;
    private List<ReasoningBlock> reasoningBlocks;
    private Usage usage = Usage.NONE;
    private FinishReason finishReason;
    private String rawFinishReason;
    private boolean contentSeen;

    public void accept(ChatEvent event) {
        if (event instanceof ChatEvent.TextDelta t) {
            text.append(t.text());
            contentSeen |= !t.text().isEmpty();
        } else if (event instanceof ChatEvent.ToolCallDelta d) {
            if (toolCalls == null) {
                toolCalls = new TreeMap<>();
            }
            toolCalls.computeIfAbsent(d.index(), i -> new ToolCallParts()).add(d);
            contentSeen = true;
        } else if (event instanceof ChatEvent.ReasoningDelta r) {
            if (reasoning == null) {
                reasoning = new StringBuilder();
            }
            reasoning.append(r.text());
            contentSeen |= !r.text().isEmpty();
        } else if (event instanceof ChatEvent.ReasoningBlockEnd b) {
            if (reasoningBlocks == null) {
                reasoningBlocks = new ArrayList<>(2);
            }
            reasoningBlocks.add(b.block());
        } else if (event instanceof ChatEvent.UsageReport u) {
            usage = u.usage();
        } else if (event instanceof ChatEvent.Finished f) {
            finishReason = f.reason();
            rawFinishReason = f.rawReason();
        } else if (event instanceof ChatEvent.Started s) {
            if (id == null) {
                id = s.id();
            }
            if (model == null) {
                model = s.model();
            }
        }
    }

    /** Whether any answer content (text, reasoning or a tool call) has arrived. */
    public boolean hasContent() {
        return contentSeen;
    }

    /** The answer text so far. */
    public String text() {
        return text.toString();
    }

    /**
     * The last {@code maxChars} characters of the answer text so far (all of it when shorter), never starting in the
     * middle of a surrogate pair. Copies only those characters, however long the text has grown.
     */
    public String textTail(int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars cannot be negative, was " + maxChars);
        }
        int start = Math.max(0, text.length() - maxChars);
        if (start > 0 && start < text.length() && Character.isLowSurrogate(text.charAt(start))
                && Character.isHighSurrogate(text.charAt(start - 1))) {
            start++; // half a character is no text: drop it rather than send an unpaired surrogate
        }
        return text.substring(start);
    }

    public Usage usage() {
        return usage;
    }

    public boolean isFinished() {
        return finishReason != null;
    }

    public ChatResponse toResponse(String provider, String fallbackModel, RateLimits rateLimits, List<Attempt> attempts) {
        List<ToolCall> calls = new ArrayList<>();
        if (toolCalls != null) {
            for (ToolCallParts p : toolCalls.values()) {
                calls.add(p.toToolCall());
            }
        }
        FinishReason reason = finishReason != null ? finishReason : calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
        return ChatResponse.builder()
                .id(id)
                .model(model == null || model.isEmpty() ? fallbackModel : model)
                .provider(provider)
                .message(Message.assistant(text.toString(), calls, reasoningBlocks == null ? List.of() : reasoningBlocks))
                .reasoning(reasoning == null ? "" : reasoning.toString())
                .finishReason(reason)
                .rawFinishReason(rawFinishReason)
                .usage(usage)
                .rateLimits(rateLimits)
                .attempts(attempts)
                .build();
    }

    private static final class ToolCallParts {
        private String id;
        private String name;
        private final StringBuilder arguments = new StringBuilder();

        void add(ChatEvent.ToolCallDelta d) {
            if (d.id() != null && !d.id().isEmpty()) {
                id = d.id();
            }
            if (d.name() != null && !d.name().isEmpty()) {
                name = d.name();
            }
            arguments.append(d.argumentsFragment());
        }

        ToolCall toToolCall() {
            return new ToolCall(id == null ? "" : id, name == null ? "" : name, arguments.toString());
        }
    }
}
