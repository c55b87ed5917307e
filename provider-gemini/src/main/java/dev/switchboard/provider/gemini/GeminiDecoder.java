package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.http.Json;
import java.util.function.Consumer;

/**
 * Turns {@code GenerateContentResponse}s into {@link ChatEvent}s: the one decoding path for a whole response and for
 * the fragments of a stream. Text parts become text (parts marked {@code thought} reasoning), {@code functionCall}
 * parts whole tool calls. The finish reason and usage are kept as they come (older models repeat
 * {@code finishReason} on every fragment, newer ones send it once; usage is a running total) and reported once, by
 * {@link #finish}. Not thread-safe.
 */
final class GeminiDecoder {

    private final String provider;
    private boolean started;
    private String responseId;
    private int calls;
    private String finishReason;
    private JsonNode usage;

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
            JsonNode call = part.get("functionCall");
            if (call != null && call.isObject()) {
                String args = GeminiWire.argumentsText(call);
                out.accept(new ChatEvent.ToolCallDelta(calls, GeminiWire.callId(call, responseId, calls, args),
                        call.path("name").asText(""), args));
                calls++;
                continue;
            }
            String text = Json.text(part, "text");
            if (text != null && !text.isEmpty()) {
                out.accept(part.path("thought").asBoolean(false) ? new ChatEvent.ReasoningDelta(text) : new ChatEvent.TextDelta(text));
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

    /** Reports the usage (if any was sent) and the finish. */
    void finish(Consumer<ChatEvent> out) {
        if (usage != null) {
            out.accept(new ChatEvent.UsageReport(GeminiWire.usage(usage)));
        }
        out.accept(new ChatEvent.Finished(GeminiWire.finishReason(finishReason, calls > 0), finishReason));
    }
}
