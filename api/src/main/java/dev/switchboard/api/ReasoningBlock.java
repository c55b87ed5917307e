package dev.switchboard.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One piece of a model's reasoning as its provider returned it, kept on the assistant {@link Message} so the next
 * turn can hand it back: Anthropic's {@code thinking} block (text and signature) and {@code redacted_thinking} block
 * (encrypted data), Gemini's thought summary part ({@code thought: true}) and its {@code thoughtSignature}s. Immutable.
 *
 * <p>The signature and the redacted data are opaque: only the provider type that issued them can read them, and
 * they must go back unchanged. So a provider sends back only the blocks of its own {@link #providerType()} and drops
 * the others: a conversation that continues on another provider type (a route falling back from Anthropic to Gemini
 * or OpenAI) never sends one provider's signatures to another. The {@link #text()} is readable by anyone and is also
 * the response's {@link ChatResponse#reasoning()}.
 *
 * <p>Gemini signs parts, not reasoning: a signature that came on a function call part belongs with that call
 * ({@link #toolCallId()}), one that came on an answer text part has no text and no call, and goes back on the
 * message's text.
 */
public final class ReasoningBlock {

    private final String providerType;
    private final String text;
    private final @Nullable String signature;
    private final @Nullable String redactedData;
    private final @Nullable String toolCallId;

    private ReasoningBlock(String providerType, String text, @Nullable String signature, @Nullable String redactedData,
                           @Nullable String toolCallId) {
        this.providerType = requireNonBlank(providerType, "providerType");
        this.text = Objects.requireNonNull(text, "text");
        this.signature = signature;
        this.redactedData = redactedData;
        this.toolCallId = toolCallId;
    }

    /**
     * Reasoning text, with the signature that vouches for it when the provider gave one ({@code null} when not, e.g.
     * a Gemini thought summary without a signature).
     */
    public static ReasoningBlock thinking(String providerType, String text, @Nullable String signature) {
        return new ReasoningBlock(providerType, text, optional(signature), null, null);
    }

    /** Reasoning the provider encrypted (Anthropic's {@code redacted_thinking}): no text, only data to send back. */
    public static ReasoningBlock redacted(String providerType, String data) {
        return new ReasoningBlock(providerType, "", null, requireNonBlank(data, "data"), null);
    }

    /**
     * A signature on a part of the answer rather than on reasoning text (Gemini's {@code thoughtSignature} on a
     * function call part, or on a text part): {@code toolCallId} names the call it came with, {@code null} for the
     * answer's text.
     */
    public static ReasoningBlock signature(String providerType, String signature, @Nullable String toolCallId) {
        return new ReasoningBlock(providerType, "", requireNonBlank(signature, "signature"), null, optional(toolCallId));
    }

    /** The type of provider that produced the block (e.g. {@code anthropic}, {@code gemini}): the only one to send it back. */
    public String providerType() {
        return providerType;
    }

    /** The readable reasoning text; empty for redacted reasoning and for a bare signature. */
    public String text() {
        return text;
    }

    /** The opaque signature to send back with the block, if it has one. */
    public Optional<String> signature() {
        return Optional.ofNullable(signature);
    }

    /** The encrypted payload of redacted reasoning. */
    public Optional<String> redactedData() {
        return Optional.ofNullable(redactedData);
    }

    /** For a signature that came on a tool call's part, that call's id. */
    public Optional<String> toolCallId() {
        return Optional.ofNullable(toolCallId);
    }

    public boolean isRedacted() {
        return redactedData != null;
    }

    /** Whether this block came from a provider of type {@code type}, so that provider may send it back. */
    public boolean isFrom(String type) {
        return providerType.equals(type);
    }

    private static @Nullable String optional(@Nullable String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String requireNonBlank(@Nullable String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ReasoningBlock b && providerType.equals(b.providerType) && text.equals(b.text)
                && Objects.equals(signature, b.signature) && Objects.equals(redactedData, b.redactedData)
                && Objects.equals(toolCallId, b.toolCallId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(providerType, text, signature, redactedData, toolCallId);
    }

    /** Names the kind and sizes, never the signature or the data (long, and of no use in a log). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ReasoningBlock[").append(providerType);
        if (redactedData != null) {
            sb.append(", redacted ").append(redactedData.length()).append(" chars");
        } else {
            sb.append(", text ").append(text.length()).append(" chars");
        }
        if (signature != null) {
            sb.append(", signed");
        }
        if (toolCallId != null) {
            sb.append(", with call ").append(toolCallId);
        }
        return sb.append(']').toString();
    }
}
