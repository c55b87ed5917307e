package dev.switchboard.http;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * An open, successful (2xx) response whose body is read as it arrives. {@link #close()} returns the connection to
 * the pool when the body was read to its end, or when what is left of it arrives at once (an SSE stream's last
 * chunk after its end marker, which callers stop at); otherwise it aborts the exchange rather than drain an answer
 * nobody will read. Not thread-safe, except {@code close()}, which any thread may call to abort a blocked read.
 */
public final class StreamingResponse implements AutoCloseable {

    /** How long close() waits for the rest of a body the caller stopped reading, and how much of it it reads. */
    private static final long DRAIN_MILLIS = 50;
    private static final int DRAIN_BYTES = 64 * 1024;

    private final String provider;
    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;
    private final Watchdog watchdog;
    private final ScheduledExecutorService scheduler;
    private final ResponseHeaders headers;
    private final WatchedInputStream body;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held by every read, so close() never drains the body while another thread is reading it. */
    private final ReentrantLock reading = new ReentrantLock();

    StreamingResponse(String provider, HttpUriRequestBase request, ClassicHttpResponse response, Watchdog watchdog,
                      InputStream content, ScheduledExecutorService scheduler) {
        this.provider = provider;
        this.request = request;
        this.response = response;
        this.watchdog = watchdog;
        this.scheduler = scheduler;
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
     * The {@link LlmException} for an I/O failure while reading the body: a timeout when the watchdog cut it, else an
     * interrupted stream.
     */
    public LlmException failure(IOException e) {
        String reason = watchdog.firedReason();
        if (reason != null) {
            return LlmException.builder(ErrorKind.TIMEOUT, provider).message("stream stopped: " + reason).cause(e).build();
        }
        if (closed.get()) {
            return LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider).message("stream closed by the caller").build();
        }
        return LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider)
                .message("connection lost mid-stream (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")")
                .cause(e)
                .build();
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

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.stop();
        if (!body.eof && !drainRest()) {
            request.cancel(); // abort: do not wait for an LLM answer nobody will read
        }
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the exchange is being discarded; nothing useful to report
        }
    }

    /**
     * Reads the rest of the body if it is short and arrives within {@link #DRAIN_MILLIS}, so that the connection
     * goes back to the pool; false (the caller then aborts) when another thread is reading, or the rest is long,
     * slow or broken.
     */
    private boolean drainRest() {
        if (!reading.tryLock()) {
            return false; // a read blocked in another thread: abort it
        }
        ScheduledFuture<?> deadline = null;
        try {
            deadline = scheduler.schedule(request::cancel, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            byte[] scratch = new byte[8192];
            for (int total = 0; total <= DRAIN_BYTES; ) {
                int n = body.in.read(scratch, 0, scratch.length);
                if (n < 0) {
                    body.eof = true;
                    return true;
                }
                total += n;
            }
            return false;
        } catch (IOException | RejectedExecutionException e) {
            return false;
        } finally {
            if (deadline != null && !deadline.cancel(false)) {
                awaitQuietly(deadline); // the abort ran: let it finish handing the connection back before returning
            }
            reading.unlock();
        }
    }

    private static void awaitQuietly(ScheduledFuture<?> f) {
        try {
            f.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            // the abort failed or hangs; close() goes on to abort again itself
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
            reading.lock();
            try {
                int b = in.read();
                watchdog.touch();
                if (b < 0) {
                    eof = true;
                }
                return b;
            } finally {
                reading.unlock();
            }
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            reading.lock();
            try {
                int n = in.read(buf, off, len);
                watchdog.touch();
                if (n < 0) {
                    eof = true;
                }
                return n;
            } finally {
                reading.unlock();
            }
        }

        @Override
        public void close() {
            StreamingResponse.this.close();
        }
    }
}
