package dev.switchboard.provider.cohere;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.Json;
import dev.switchboard.http.Redactor;
import dev.switchboard.http.SseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Cohere's v2 chat stream: SSE events named by type ({@code event: content-delta}), each {@code data:} a JSON object
 * carrying the same {@code type}; {@code message-end} (with the finish reason and usage) is the end marker. A
 * {@code data: [DONE]} may follow it and is drained, not read. Text comes in {@code content-delta}s, the tool plan in
 * {@code tool-plan-delta}s (reported as reasoning), tool calls as {@code tool-call-start} (id, name, first arguments)
 * then {@code tool-call-delta}s (more arguments) for the call at {@code index}. Citations and other events are
 * skipped.
 */
final class CohereChatStream extends AbstractChatStream {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final StreamingResponse response;
    private final SseReader sse;
    private boolean sawToolCalls;

    CohereChatStream(String provider, String model, StreamingResponse response) {
        super(provider, model);
        this.response = response;
        this.sse = new SseReader(response.body());
    }

    @Override
    protected boolean fetch() {
        try {
            if (!sse.next()) {
                throw response.endedEarly();
            }
        } catch (IOException e) {
            throw response.failure(e);
        }
        if (sse.dataEquals(DONE)) {
            throw response.endedEarly(); // [DONE] only ever follows message-end, which ends the stream first
        }
        JsonNode event;
        try {
            event = Json.read(sse.dataBuffer(), 0, sse.dataLength());
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                    .message(Redactor.patternsOnly().redact("malformed stream event: " + why)).build();
        }
        String type = event.path("type").asText(sse.event() == null ? "" : sse.event());
        JsonNode message = event.path("delta").path("message");
        switch (type) {
            case "message-start" -> emit(new ChatEvent.Started(Json.text(event, "id"), null));
            case "content-delta" -> {
                JsonNode content = message.path("content");
                emitText(Json.text(content, "text"), false);
                emitText(Json.text(content, "thinking"), true);
            }
            case "tool-plan-delta" -> emitText(Json.text(message, "tool_plan"), true);
            case "tool-call-start", "tool-call-delta" -> {
                JsonNode call = message.path("tool_calls");
                JsonNode fn = call.path("function");
                boolean start = type.equals("tool-call-start");
                sawToolCalls = true;
                emit(new ChatEvent.ToolCallDelta(event.path("index").asInt(0), start ? Json.text(call, "id") : null,
                        start ? Json.text(fn, "name") : null, textOrEmpty(fn.get("arguments"))));
            }
            case "message-end" -> {
                JsonNode delta = event.path("delta");
                if (delta.has("usage")) {
                    emit(new ChatEvent.UsageReport(CohereWire.usage(delta.path("usage"))));
                }
                String reason = Json.text(delta, "finish_reason");
                emit(new ChatEvent.Finished(CohereWire.finishReason(reason, sawToolCalls), reason));
                return false;
            }
            default -> { } // content-start, content-end, tool-call-end, citation-start, citation-end, debug
        }
        return true;
    }

    private void emitText(String text, boolean reasoning) {
        if (text != null && !text.isEmpty()) {
            emit(reasoning ? new ChatEvent.ReasoningDelta(text) : new ChatEvent.TextDelta(text));
        }
    }

    private static String textOrEmpty(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }

    @Override
    protected void release(boolean completed) {
        if (completed) {
            response.finish(); // drains the trailing [DONE] so the connection is reused
        } else {
            response.close();
        }
    }
}
