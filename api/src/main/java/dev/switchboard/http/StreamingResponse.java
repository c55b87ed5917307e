package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.MessageConstraintException;

/**
 * An open, successful (2xx) response whose body is read as it arrives. {@link #finish()}, called once the stream's
 * end marker was read, drains what little is left (the chunked body's last chunk) so the connection goes back to the
 * pool; {@link #close()} aborts the exchange unless the body was read to its end, rather than drain an answer nobody
 * will read. Not thread-safe, except {@code close()}, which any thread may call to abort a blocked read.
 */
public final class StreamingResponse implements AutoCloseable {

    private final String provider;
    private final Redactor redactor;
    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;
    private final Watchdog watchdog;
    private final ResponseHeaders headers;
    private final WatchedInputStream body;
    private final AtomicBoolean closed = new AtomicBoolean();

    StreamingResponse(String provider, Redactor redactor, HttpUriRequestBase request, ClassicHttpResponse response,
                      Watchdog watchdog, InputStream content) {
        this.provider = provider;
        this.redactor = redactor;
        this.request = request;
        this.response = response;
        this.watchdog = watchdog;
        this.headers = ResponseHeaders.of(response);
        this.body = new WatchedInputStream(content);
    }

    public ResponseHeaders headers() {
        return headers;
    }

    public InputStream body() {
        return body;
    }

    /**
     * The {@link LlmException} for an I/O failure while reading the body: a {@code SERVER} error naming the limit when
     * the body went past one of the provider's response limits, a timeout when the watchdog cut it, else an
     * interrupted stream.
     */
    public LlmException failure(IOException e) {
        if (e instanceof ResponseLimitExceededException tooLarge) {
            return tooLarge.toLlmException(provider);
        }
        if (e instanceof MessageConstraintException) {
            return HttpProviderClient.headTooLarge(provider, "the stream", e); // a chunk-size line past the limit
        }
        String reason = watchdog.firedReason();
        if (reason != null) {
            return LlmException.builder(ErrorKind.TIMEOUT, provider).message("stream stopped: " + reason).cause(e).build();
        }
        if (closed.get()) {
            return LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider).message("stream closed by the caller").build();
        }
        // Said in the caller's words: the message reaches clients (a gateway's error event); the I/O library's
        // exception and its text stay in the cause, for the logs.
        return LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider)
                .message("the upstream connection closed mid-stream")
                .cause(e)
                .build();
    }

    /**
     * An error object the provider sent inside the stream, with the provider's own credentials removed, ready for
     * {@link ErrorMapper#mapStreamError}: servers sometimes echo the key they were given.
     */
    public JsonNode redacted(JsonNode error) {
        String text = error.toString();
        String clean = redactor.redact(text);
        return clean.equals(text) ? error : Json.parse(clean, "redacted stream error");
    }

    /** The exception for a stream that ended without its end marker. */
    public LlmException endedEarly() {
        return LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider)
                .message("stream ended before its end marker")
                .build();
    }

    /** Whether the caller closed the stream (reads failing afterwards are not errors). */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes after the stream's end marker was read: the few bytes left (the chunked body's last chunk) are drained
     * so the connection goes back to the pool instead of being torn down. A body with more left than a small bound
     * is aborted instead.
     */
    public void finish() {
        final int maxDrain = 64 * 1024;
        if (closed.get()) {
            return;
        }
        try {
            byte[] scratch = new byte[1024];
            int drained = 0;
            int n;
            while (drained <= maxDrain && (n = body.read(scratch, 0, scratch.length)) >= 0) {
                drained += n;
            }
        } catch (IOException e) {
            // the connection is unusable; close() below aborts it
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.stop();
        if (!body.eof) {
            request.cancel(); // abort: do not drain an LLM answer nobody will read
        }
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the exchange is being discarded; nothing useful to report
        }
    }

    /** Tells the watchdog about each read and notes the end of the body. */
    private final class WatchedInputStream extends InputStream {
        private final InputStream in;
        private volatile boolean eof;

        WatchedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            watchdog.touch();
            if (b < 0) {
                eof = true;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            watchdog.touch();
            if (n < 0) {
                eof = true;
            }
            return n;
        }

        @Override
        public void close() {
            StreamingResponse.this.close();
        }
    }
}
