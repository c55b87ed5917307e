package dev.switchboard.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
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

    private final StreamingResponse response;
    private final SseReader sse;
    private final OpenAiCompatible adapter;
    private final RateLimits rateLimits;
    private boolean needStart = true;

    OpenAiChatStream(String provider, String model, StreamingResponse response, OpenAiCompatible adapter) {
        super(provider, model);
        this.response = response;
        this.sse = new SseReader(response.body());
        this.adapter = adapter;
        this.rateLimits = OpenAiWire.readRateLimits(response.headers());
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
            return false;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(sse.dataBuffer(), 0, sse.dataLength());
        } catch (IOException e) {
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                    .message("malformed stream chunk: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()))
                    .cause(e).build();
        }
        JsonNode error = adapter.streamError(chunk);
        if (error != null) {
            throw adapter.errorMapper().mapStreamError(provider(), error);
        }
        if (OpenAiWire.readChunk(chunk, needStart, adapter, this::emit)) {
            needStart = false;
        }
        return true;
    }

    @Override
    public RateLimits rateLimits() {
        return rateLimits;
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
