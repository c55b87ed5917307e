package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Json;
import dev.switchboard.http.Redactor;
import dev.switchboard.http.SseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code streamGenerateContent?alt=sse}: each {@code data:} event is a whole {@code GenerateContentResponse} fragment,
 * and there is no end marker; the stream ends when the server closes it. As the official SDKs do, a close in the
 * middle of an event fails; beyond that, a clean close is only an end when a fragment has carried a
 * {@code finishReason} (the last one always does), so a connection dropped cleanly by a proxy mid-answer fails as
 * {@link ErrorKind#STREAM_INTERRUPTED} instead of passing for a complete answer. A fragment {@code {"error": {...}}}
 * fails with the error's kind.
 */
final class GeminiChatStream extends AbstractChatStream {

    private final StreamingResponse response;
    private final LastByteInputStream body;
    private final SseReader sse;
    private final ErrorMapper errors;
    private final GeminiDecoder decoder;

    GeminiChatStream(String provider, String model, StreamingResponse response, ErrorMapper errors) {
        super(provider, model);
        this.response = response;
        this.body = new LastByteInputStream(response.body());
        this.sse = new SseReader(body);
        this.errors = errors;
        this.decoder = new GeminiDecoder(provider);
    }

    @Override
    protected boolean fetch() {
        try {
            if (!sse.next()) {
                // the reader drops an event cut off by the close; with no end marker, that is the only sign of it
                if (!decoder.hasFinishReason() || body.endedMidLine()) {
                    throw response.endedEarly();
                }
                decoder.finish(this::emit);
                return false;
            }
        } catch (IOException e) {
            throw response.failure(e);
        }
        JsonNode chunk;
        try {
            chunk = Json.read(sse.dataBuffer(), 0, sse.dataLength());
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                    .message(Redactor.patternsOnly().redact("malformed stream fragment: " + why)).build();
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            throw errors.mapStreamError(provider(), error);
        }
        decoder.accept(chunk, this::emit);
        return true;
    }

    /** Remembers the last byte read, to tell a close after a whole line from one in the middle of a line. */
    private static final class LastByteInputStream extends FilterInputStream {
        private int last = '\n';

        LastByteInputStream(InputStream in) {
            super(in);
        }

        boolean endedMidLine() {
            return last != '\n' && last != '\r';
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                last = b;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                last = buf[off + n - 1];
            }
            return n;
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
