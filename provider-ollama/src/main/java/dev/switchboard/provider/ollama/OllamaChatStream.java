package dev.switchboard.provider.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Json;
import dev.switchboard.http.NdjsonReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.IOException;

/**
 * Ollama's NDJSON stream: one object a line with {@code message.content} pieces and whole tool calls, ending with a
 * line that has {@code "done": true} and the token counts. A line {@code {"error": "..."}} is a failure even though
 * the HTTP status was 200.
 */
final class OllamaChatStream extends AbstractChatStream {

    private final StreamingResponse response;
    private final NdjsonReader lines;
    private final ErrorMapper errors;
    private boolean started;
    private int toolCalls;
    /** The first line, held back after announcing it; see {@link #fetch()}. */
    private JsonNode held;

    OllamaChatStream(String provider, String model, StreamingResponse response, ErrorMapper errors) {
        super(provider, model);
        this.response = response;
        this.lines = new NdjsonReader(response.body());
        this.errors = errors;
    }

    @Override
    protected boolean fetch() {
        JsonNode line = held != null ? held : nextLine();
        held = null;
        JsonNode error = line.get("error");
        if (error != null && !error.isNull()) {
            throw errors.mapStreamError(provider(), response.redacted(error));
        }
        if (!started) {
            // Started goes out alone and the line's content on the next fetch: events queued behind it would still be
            // handed out after a caller's close() (AbstractChatStream keeps its queue), so nothing may share that fetch.
            started = true;
            emit(new ChatEvent.Started(null, Json.text(line, "model")));
            held = line;
            return true;
        }
        JsonNode message = line.path("message");
        String thinking = Json.text(message, "thinking");
        if (thinking != null && !thinking.isEmpty()) {
            emit(new ChatEvent.ReasoningDelta(thinking));
        }
        String content = Json.text(message, "content");
        if (content != null && !content.isEmpty()) {
            emit(new ChatEvent.TextDelta(content));
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            int index = toolCalls++;
            emit(new ChatEvent.ToolCallDelta(index, OllamaWire.toolCallId(call, index), Json.text(fn, "name"),
                    OllamaWire.argumentsText(fn.get("arguments"))));
        }
        if (line.path("done").asBoolean(false)) {
            emit(new ChatEvent.UsageReport(OllamaWire.usage(line)));
            String reason = Json.text(line, "done_reason");
            emit(new ChatEvent.Finished(OllamaWire.finishReason(reason, toolCalls > 0), reason));
            return false;
        }
        return true;
    }

    private JsonNode nextLine() {
        try {
            if (!lines.next()) {
                throw response.endedEarly();
            }
            return Json.read(lines.buffer(), lines.offset(), lines.length());
        } catch (JsonProcessingException e) {
            if (!lines.lineComplete()) {
                throw response.endedEarly();
            }
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                    .message("malformed stream line: " + e.getOriginalMessage()).cause(e).build();
        } catch (IOException e) {
            throw response.failure(e);
        }
    }

    @Override
    protected void release(boolean completed) {
        if (completed) {
            response.finish();
        } else {
            response.close();
        }
    }
}
