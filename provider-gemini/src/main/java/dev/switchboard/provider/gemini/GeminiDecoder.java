package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.http.Json;
import java.util.function.Consumer;

/**
 * Turns {@code GenerateContentResponse}s into {@link ChatEvent}s: the one decoding path for a whole response and for
 * the fragments of a stream. Text parts become text (parts marked {@code thought} reasoning), {@code functionCall}
 * parts whole tool calls. The finish reason and usage are kept as they come (older models repeat
 * {@code finishReason} on every fragment, newer ones send it once; usage is a running total) and reported once, by
 * {@link #finish}. Not thread-safe.
 *
 * <p>Reasoning blocks, so the next turn can return each {@code thoughtSignature} on the part it came on: consecutive
 * thought parts make one block, closed by the first of them that carries a signature or by the next other part; a
 * signature on a {@code functionCall} part becomes a block naming that call; a signature on a text part (a stream
 * may send it on a last, empty one) becomes a block of its own for the answer's text. Thought parts are merged and
 * answer text is joined whether it came whole or in fragments, so a streamed answer gets the same blocks as a whole
 * one.
 */
final class GeminiDecoder {

    private final String provider;
    private boolean started;
    private String responseId;
    private int calls;
    private String finishReason;
    private JsonNode usage;
    /** The text of the thought parts since the last block was closed, or null when there are none. */
    private StringBuilder thought;

    GeminiDecoder(String provider) {
        this.provider = provider;
    }

    void accept(JsonNode response, Consumer<ChatEvent> out) {
        GeminiWire.checkPromptBlocked(provider, response);
        if (!started) {
            responseId = Json.text(response, "responseId");
            out.accept(new ChatEvent.Started(responseId, Json.text(response, "modelVersion")));
            started = true;
        }
        JsonNode candidate = response.path("candidates").path(0);
        for (JsonNode part : candidate.path("content").path("parts")) {
            String signature = Json.text(part, "thoughtSignature");
            JsonNode call = part.get("functionCall");
            if (call != null && call.isObject()) {
                endThought(out, null);
                String args = GeminiWire.argumentsText(call);
                String id = GeminiWire.callId(call, responseId, calls, args);
                out.accept(new ChatEvent.ToolCallDelta(calls, id, call.path("name").asText(""), args));
                calls++;
                if (signature != null && !signature.isEmpty()) {
                    out.accept(new ChatEvent.ReasoningBlockEnd(ReasoningBlock.signature(GeminiWire.TYPE, signature, id)));
                }
                continue;
            }
            String text = Json.text(part, "text");
            if (part.path("thought").asBoolean(false)) {
                if (text != null && !text.isEmpty()) {
                    (thought == null ? thought = new StringBuilder() : thought).append(text);
                    out.accept(new ChatEvent.ReasoningDelta(text));
                }
                if (signature != null && !signature.isEmpty()) {
                    endThought(out, signature);
                }
                continue;
            }
            endThought(out, null);
            if (text != null && !text.isEmpty()) {
                out.accept(new ChatEvent.TextDelta(text));
            }
            if (signature != null && !signature.isEmpty()) {
                out.accept(new ChatEvent.ReasoningBlockEnd(ReasoningBlock.signature(GeminiWire.TYPE, signature, null)));
            }
        }
        String reason = Json.text(candidate, "finishReason");
        if (reason != null && !reason.isEmpty()) {
            finishReason = reason;
        }
        JsonNode u = response.get("usageMetadata");
        if (u != null && u.isObject()) {
            usage = u;
        }
    }

    /** Whether a finish reason has been seen: a stream that closes before one was cut off. */
    boolean hasFinishReason() {
        return finishReason != null;
    }

    /** Closes the thought block being received, if any (or a bare signed thought part). */
    private void endThought(Consumer<ChatEvent> out, String signature) {
        if (thought != null || signature != null) {
            out.accept(new ChatEvent.ReasoningBlockEnd(
                    ReasoningBlock.thinking(GeminiWire.TYPE, thought == null ? "" : thought.toString(), signature)));
            thought = null;
        }
    }

    /** Reports the last thought block (if still open), the usage (if any was sent) and the finish. */
    void finish(Consumer<ChatEvent> out) {
        endThought(out, null);
        if (usage != null) {
            out.accept(new ChatEvent.UsageReport(GeminiWire.usage(usage)));
        }
        out.accept(new ChatEvent.Finished(GeminiWire.finishReason(finishReason, calls > 0), finishReason));
    }
}
