package dev.switchboard.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/**
 * The response body of one exchange on its way from the worker that makes it to the I/O thread that sends it. The
 * worker {@link #write}s chunks and {@link #end}s; each write asks the I/O reactor for output, and the reactor's
 * thread drains the queue in {@link #produce} as far as the socket takes it. The queue is bounded: a worker whose
 * client reads slower than its provider writes waits (backpressure), until the client catches up or is gone.
 * Thread-safe between exactly one writer and the reactor.
 */
final class Outbox {

    /** Bytes queued before the writer waits; far above one SSE chunk, far below what a slow client could pile up. */
    static final int HIGH_WATER = 256 * 1024;

    /** The client is gone (or the exchange was aborted): the writer must stop. */
    static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone() {
            super("the client closed the connection");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(4);
    private volatile DataStreamChannel channel;
    // Guarded by this.
    private int queued;
    private boolean ended;
    private boolean aborted;
    private boolean completed;
    /** Set by {@link #endAbruptly}: what to run, instead of ending the body, once its last bytes are handed over. */
    private Runnable abruptEnd;

    /** Queues {@code bytes}; waits while the queue is over {@link #HIGH_WATER}. */
    void write(byte[] bytes) throws ClientGone {
        synchronized (this) {
            while (queued > HIGH_WATER && !aborted && !ended) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClientGone();
                }
            }
            if (aborted || ended) {
                throw new ClientGone(); // aborted, or ended by someone else (a failure's or a shutdown's error event)
            }
            queue.add(ByteBuffer.wrap(bytes));
            queued += bytes.length;
        }
        wakeReactor();
    }

    /** Queues the last bytes (may be null) and marks the end of the body. */
    void end(byte[] last) {
        synchronized (this) {
            if (aborted || ended) {
                return;
            }
            if (last != null && last.length > 0) {
                queue.add(ByteBuffer.wrap(last));
                queued += last.length;
            }
            ended = true;
            notifyAll(); // a writer waiting for room learns that the body has ended
        }
        wakeReactor();
    }

    /**
     * Queues the last bytes and, once they are handed to the connection, runs {@code closeConnection} instead of
     * ending the body: the client then sees the connection end before the body did (for chunked HTTP/1.1, no
     * terminating chunk), which every HTTP client reports as a failure.
     */
    void endAbruptly(byte[] last, Runnable closeConnection) {
        synchronized (this) {
            if (aborted || ended) {
                return;
            }
            abruptEnd = closeConnection;
        }
        end(last);
    }

    /** Marks an answer without a body (HttpCore sends none and never asks for one) as complete. */
    synchronized void none() {
        ended = true;
        completed = true;
    }

    private void wakeReactor() {
        DataStreamChannel c = channel;
        if (c != null) {
            c.requestOutput();
        }
    }

    /** Stops the writer: the client is gone. */
    synchronized void abort() {
        aborted = true;
        queue.clear();
        queued = 0;
        notifyAll();
    }

    /** Whether the whole body went out. */
    synchronized boolean completed() {
        return completed;
    }

    // ---------------------------------------------------------------- reactor side

    synchronized int available() {
        return queued > 0 ? queued : ended && !completed && abruptEnd == null ? 1 : 0;
    }

    /** Hands HttpCore what is queued; true when this ended the body (its last bytes handed over, the stream ended). */
    boolean produce(DataStreamChannel ch) throws IOException {
        channel = ch; // before draining, so a write that races with us either is drained now or wakes us again
        boolean endNow = false;
        Runnable closeNow = null;
        synchronized (this) {
            if (aborted || completed) {
                return false;
            }
            while (!queue.isEmpty()) {
                ByteBuffer b = queue.peek();
                int n = ch.write(b);
                queued -= n;
                if (b.hasRemaining()) {
                    break; // the socket is full; the reactor calls again when it can take more
                }
                queue.poll();
            }
            if (queued <= HIGH_WATER) {
                notifyAll();
            }
            if (queue.isEmpty() && ended) {
                completed = true; // as meant: an abrupt end is this body's end
                closeNow = abruptEnd;
                endNow = closeNow == null;
            }
        }
        if (endNow) {
            ch.endStream(null);
        } else if (closeNow != null) {
            closeNow.run();
        }
        return endNow;
    }
}
