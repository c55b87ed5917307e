package dev.switchboard.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation. Immutable.
 *
 * @param role       who wrote it
 * @param content    its parts, in order (may be empty for an assistant message that only calls tools)
 * @param toolCalls  the calls an assistant message makes
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers; null for the other roles
 * @param name       for a {@link Role#TOOL} message, the tool's name (some providers need it); may be null
 * @param reasoningBlocks the reasoning an assistant message came with, as its provider returned it (signatures
 *                   included), in the order given; sent back only to a provider of the type that produced each block
 *                   (see {@link ReasoningBlock})
 */
public record Message(Role role, List<Content> content, List<ToolCall> toolCalls, @Nullable String toolCallId,
        @Nullable String name, List<ReasoningBlock> reasoningBlocks) {

    public Message {
        Objects.requireNonNull(role, "role");
        content = List.copyOf(content);
        toolCalls = List.copyOf(toolCalls);
        reasoningBlocks = List.copyOf(reasoningBlocks);
        if (role == Role.TOOL && (toolCallId == null || toolCallId.isBlank())) {
            throw new IllegalArgumentException("a tool message needs the id of the call it answers");
        }
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only an assistant message can carry tool calls");
        }
        if (!reasoningBlocks.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only an assistant message can carry reasoning blocks");
        }
    }

    /** A message without reasoning blocks. */
    public Message(Role role, List<Content> content, List<ToolCall> toolCalls, @Nullable String toolCallId,
            @Nullable String name) {
        this(role, content, toolCalls, toolCallId, name, List.of());
    }

    public static Message system(String text) {
        return new Message(Role.SYSTEM, List.of(Content.text(text)), List.of(), null, null);
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(Content.text(text)), List.of(), null, null);
    }

    public static Message user(Content... parts) {
        return new Message(Role.USER, List.of(parts), List.of(), null, null);
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(Content.text(text)), List.of(), null, null);
    }

    public static Message assistant(@Nullable String text, List<ToolCall> toolCalls) {
        return assistant(text, toolCalls, List.of());
    }

    /** An assistant message with the reasoning it came with (what a provider returns when the model reasoned). */
    public static Message assistant(@Nullable String text, List<ToolCall> toolCalls, List<ReasoningBlock> reasoningBlocks) {
        List<Content> parts = text == null || text.isEmpty() ? List.of() : List.of(Content.text(text));
        return new Message(Role.ASSISTANT, parts, toolCalls, null, null, reasoningBlocks);
    }

    /** The answer to tool call {@code toolCallId}. */
    public static Message toolResult(String toolCallId, @Nullable String toolName, String result) {
        return new Message(Role.TOOL, List.of(Content.text(result)), List.of(), toolCallId, toolName);
    }

    /** All text parts joined, or the empty string. */
    public String text() {
        if (content.size() == 1 && content.get(0) instanceof Content.Text t) {
            return t.text();
        }
        StringBuilder sb = new StringBuilder();
        for (Content c : content) {
            if (c instanceof Content.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    public boolean hasImages() {
        for (Content c : content) {
            if (c instanceof Content.Image) {
                return true;
            }
        }
        return false;
    }


    /** A copy with {@code more} appended to its text (used to continue a partial answer). */
    public Message withTextAppended(String more) {
        List<Content> parts = new ArrayList<>(content.size() + 1);
        parts.addAll(content);
        parts.add(Content.text(more));
        return new Message(role, parts, toolCalls, toolCallId, name, reasoningBlocks);
    }
}
