package dev.switchboard.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.http.Json;
import dev.switchboard.http.SseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An OpenAI-style SSE stream of {@code chat.completion.chunk}s ending in {@code data: [DONE]}. */
final class OpenAiChatStream extends AbstractChatStream {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    /** How much may follow {@code [DONE]} before we stop reading and drop the connection instead. */

    private final StreamingResponse response;
    private final SseReader sse;
    private final OpenAiCompatible adapter;
    private final RateLimits rateLimits;
    private boolean announced;
    private boolean refused;
    /** The chunk that announced the response, held back to be read on the next fetch; see {@link #fetch()}. */
    private JsonNode held;

    OpenAiChatStream(String provider, String model, StreamingResponse response, OpenAiCompatible adapter) {
        super(provider, model);
        this.response = response;
        this.sse = new SseReader(response.body());
        this.adapter = adapter;
        this.rateLimits = OpenAiWire.readRateLimits(response.headers());
    }

    @Override
    protected boolean fetch() {
        if (held != null) {
            JsonNode chunk = held;
            held = null;
            OpenAiWire.readChunk(chunk, false, adapter, refused ? this::emitRefused : this::emit);
            return true;
        }
        try {
            if (!sse.next()) {
                throw response.endedEarly();
            }
        } catch (IOException e) {
            throw response.failure(e);
        }
        if (sse.dataEquals(DONE)) {
            return false;
        }
        JsonNode chunk;
        try {
            chunk = Json.read(sse.dataBuffer(), 0, sse.dataLength());
        } catch (IOException e) {
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                    .message("malformed stream chunk: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()))
                    .cause(e).build();
        }
        JsonNode error = adapter.streamError(chunk);
        if (error != null) {
            throw adapter.errorMapper().mapStreamError(provider(), response.redacted(error));
        }
        refused |= OpenAiWire.chunkRefuses(chunk);
        // Announce id and model from the first chunk that has them: Azure opens with a filter-only chunk whose id and
        // model are empty, and the response must not take those.
        if (!announced && identifies(chunk)) {
            // Started goes out alone and the chunk's content on the next fetch: events queued behind it would still be
            // handed out after a caller's close() (AbstractChatStream keeps its queue), so nothing may share that fetch.
            announced = true;
            emit(new ChatEvent.Started(Json.text(chunk, "id"), Json.text(chunk, "model")));
            held = chunk;
            return true;
        }
        OpenAiWire.readChunk(chunk, false, adapter, refused ? this::emitRefused : this::emit);
        return true;
    }

    private static boolean identifies(JsonNode chunk) {
        String id = Json.text(chunk, "id");
        String model = Json.text(chunk, "model");
        return (id != null && !id.isEmpty()) || (model != null && !model.isEmpty());
    }

    /** Emits an event of a refused answer: its natural stop is a refusal, as in a non-streamed response. */
    private void emitRefused(ChatEvent event) {
        if (event instanceof ChatEvent.Finished f && f.reason() == FinishReason.STOP) {
            emit(new ChatEvent.Finished(FinishReason.CONTENT_FILTER, f.rawReason()));
        } else {
            emit(event);
        }
    }

    @Override
    public RateLimits rateLimits() {
        return rateLimits;
    }

    @Override
    protected void release(boolean completed) {
        if (completed) {
            response.finish(); // drains the end of the chunked body so the connection is reused
        } else {
            response.close();
        }
    }
}
