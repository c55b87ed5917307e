package dev.switchboard.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledFuture;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;

/**
 * A client connection that notices its peer leaving and guards its request heads. HTTP/1.1 in HttpCore treats a
 * client's end-of-stream while a response is pending as a graceful close and keeps the exchange until the response is
 * done, which for a gateway means an abandoned upstream call runs to its end. This decorator sees every read of the
 * connection: when one returns end-of-stream while an exchange is still answering, it tells the exchange (which
 * cancels its upstream call at once) and closes the connection.
 *
 * <p>Each read also goes through a {@link HeadScanner} before the HTTP parser sees it, which follows the requests'
 * framing and checks every head from its first byte, pipelined ones too. While a request head is awaited, a deadline
 * ({@link ClientLimits#headTimeout()}) runs from the connection's start or the end of its last answer. A head over a limit, or late, is answered here with its status and the connection is closed after a short
 * linger (what the client still sends is read and dropped, so that it can read the answer). A connection beyond
 * {@link ClientLimits#maxConnections()} is answered 503 the same way. A refused head pipelined behind requests still
 * unanswered is cut from the read (the requests before it are kept) and its refusal waits for their answers, so that
 * answers stay in the order of the requests.
 *
 * <p>The reactor thread that reads a connection also parses its requests, so {@link #current()} tells a new
 * exchange which connection it belongs to.
 *
 * <p>An answer submitted on the connection's own I/O thread outside the connection's events (a call answered by its
 * upstream connection's event, on the same thread) is written at once ({@link #writeNow}), as the reactor would write
 * it on its next round: HttpCore's session would otherwise set write interest and wake the selector, which costs
 * that thread an eventfd write and read, a trip round the reactor's loop and two interest changes per answer.
 */
final class WatchedSession extends ForwardingSession {

    private static final ThreadLocal<WatchedSession> CURRENT = new ThreadLocal<>();
    /** How many times {@link #writeNow} drives the handler's output step at most: a head and a body that fit. */
    private static final int WRITE_ROUNDS = 3;
    /** The most a refused client may still send before its connection is closed at once. */
    private static final long MAX_DRAIN = 1024 * 1024;

    private final ByteChannel channel;
    private final ConnectionGuard guard;
    /** Read and write interest, with fewer selector wake-ups than the session's own (see {@link SessionEvents}). */
    final SessionEvents events;
    private volatile Exchange active;
    /** The I/O thread that owns the connection: the one it was accepted on, where all its events arrive. */
    private final Thread owner = Thread.currentThread();
    /** How deep the owner thread is in the connection's events ({@link ClientEvents}) or {@link #writeNow}. */
    private int handling;
    /** Whether the connection's events come to this session itself (plain TCP; TLS puts its own layer between). */
    private boolean plain;
    /** HttpCore's current handler of the connection, and the same with the event boundaries marked. */
    private IOEventHandler http;
    private ClientEvents bounded;

    // Guarded by this: the head guard.
    private final HeadScanner scanner;
    private boolean refused;
    /** A refusal of a pipelined head, sent once the requests before it are answered; null when none waits. */
    private HeadScanner.Refusal pendingRefusal;
    /** How many heads the scanner saw end, how many exchanges took one, and how many were answered (released). */
    private long headsEnded;
    private long headsTaken;
    private long answered;
    /**
     * Whether any byte was read since the connection last began to wait for a head: what tells a late head from an
     * idle connection once the scanner no longer follows the connection (after a chunked body).
     */
    private boolean readWhileAwaiting;
    private long drained;
    private ByteBuffer drain;
    /**
     * The head deadline's one timer task, or null. It is not cancelled and set again for every request of a kept-alive
     * connection (two timer-queue operations a request): when it fires early, at the deadline of a wait that since
     * ended, it sets itself again for the wait going on now, if any.
     */
    private ScheduledFuture<?> deadline;
    /**
     * Whether a head is awaited, and since when ({@link System#nanoTime}): the connection's start or its last answer.
     */
    private boolean awaitingHead;
    private long awaitingSince;
    /**
     * How many bytes the read that completed the last scanned head (number {@link #headsEnded}) brought after it: the
     * start of its body, or all of it and more.
     */
    private int afterHead = -1;

    WatchedSession(IOSession session, ConnectionGuard guard, boolean admitted) {
        super(session);
        this.guard = guard;
        this.scanner = new HeadScanner(guard.limits());
        this.events = new SessionEvents(session);
        ByteChannel inner = session.channel();
        this.channel = new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                CURRENT.set(WatchedSession.this);
                int n;
                try {
                    n = guardedRead(inner, dst);
                } catch (RuntimeException | Error e) {
                    // An error here would end the I/O thread and every connection on it: end this connection only.
                    FailureLine.log(System.Logger.Level.ERROR, "reading a client connection failed", e);
                    throw new IOException("reading the connection failed", e);
                }
                if (n < 0) {
                    peerClosed();
                }
                return n;
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                int n = inner.write(src);
                if (closeWhenFlushed && !src.hasRemaining()) {
                    // HttpCore flushed its whole output buffer: the last bytes are with the kernel, which sends them
                    // before the FIN of a graceful close
                    closeWhenFlushed = false;
                    guard.schedule(() -> closeNow(CloseMode.GRACEFUL), java.time.Duration.ZERO);
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return inner.isOpen();
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
        synchronized (this) {
            if (admitted) {
                armDeadline();
            } else {
                refuse(new HeadScanner.Refusal(503, "too_many_connections", "The gateway has as many connections open"
                        + " as it accepts (switchboard.gateway.max-connections); retry shortly."));
            }
        }
    }

    /** The connection the calling reactor thread last read from. */
    static WatchedSession current() {
        return CURRENT.get();
    }

    private synchronized int guardedRead(ByteChannel inner, ByteBuffer dst) throws IOException {
        if (refused) {
            return drain(inner);
        }
        int start = dst.position();
        int n = inner.read(dst);
        if (n > 0) {
            readWhileAwaiting = true;
            try {
                // One read may hold several requests (pipelining): scan on after each head, its body counted down.
                int end;
                for (int from = start; (end = scanner.scan(dst, from)) >= 0; from = end) {
                    headsEnded++;
                    afterHead = dst.position() - end;
                    cancelDeadline(); // a head is complete: the parser takes it from here
                }
            } catch (HeadScanner.Refused r) {
                int cut = scanner.headBegan();
                dst.position(cut); // the parser never sees the refused head, only the requests before it
                refused = true; // from now on what the client sends is dropped
                cancelDeadline();
                pendingRefusal = r.refusal;
                if (answered >= headsEnded) {
                    refuseOnceWritten();
                } // else answered once the requests before it are (see deactivate)
                return cut - start;
            }
        }
        return n;
    }

    /** Reads and drops what a refused client still sends; end-of-stream once it is done or has sent too much. */
    private int drain(ByteChannel inner) throws IOException {
        if (drain == null) {
            drain = ByteBuffer.allocate(8192);
        }
        drain.clear();
        int n = inner.read(drain);
        if (n < 0) {
            return -1;
        }
        drained += n;
        if (drained > MAX_DRAIN) {
            closeNow(CloseMode.IMMEDIATE);
            return -1;
        }
        return 0;
    }

    /** Answers {@code refusal} on the connection itself (no exchange exists yet) and closes it after the linger. */
    private void refuse(HeadScanner.Refusal refusal) {
        refused = true;
        pendingRefusal = null;
        cancelDeadline();
        guard.refusedOne();
        GatewayServer.LOG.log(System.Logger.Level.DEBUG, "refused a connection from {0}: {1} {2}",
                session.getRemoteAddress(), refusal.status(), refusal.message());
        try {
            ByteBuffer answer = ByteBuffer.wrap(RawAnswer.of(refusal));
            ByteChannel inner = session.channel();
            inner.write(answer); // a few hundred bytes into an idle socket's empty send buffer
            if (inner instanceof SocketChannel socket) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            closeNow(CloseMode.IMMEDIATE);
            return;
        }
        guard.schedule(() -> closeNow(CloseMode.IMMEDIATE), ConnectionGuard.LINGER);
    }

    /**
     * Sends the pending refusal once HttpCore holds none of the earlier answers' bytes: at once when it wants to write
     * nothing (a first head, say), else when it clears its write interest, which it does once its buffer is flushed
     * (see {@link #clearEvent}): an exchange answered on the I/O thread is released before its answer is flushed.
     */
    private void refuseOnceWritten() {
        refuseWhenWritten = true;
        if (!wantsToWrite()) {
            sendPendingRefusal();
        }
    }

    private synchronized void sendPendingRefusal() {
        refuseWhenWritten = false;
        if (pendingRefusal != null) {
            refuse(pendingRefusal);
        }
    }

    private boolean wantsToWrite() {
        try {
            return (session.getEventMask() & SelectionKey.OP_WRITE) != 0;
        } catch (CancelledKeyException closed) {
            return false;
        }
    }

    /** A head is awaited from now on, for at most the head timeout. */
    private void armDeadline() {
        awaitingHead = true;
        awaitingSince = System.nanoTime();
        readWhileAwaiting = false;
        if (deadline == null) {
            deadline = guard.schedule(this::headLate, guard.limits().headTimeout());
        }
    }

    /** No head is awaited now (one arrived, or the connection was refused); the timer task, if any, stays. */
    private void cancelDeadline() {
        awaitingHead = false;
    }

    /**
     * On the timer: no complete head within the head timeout (an idle connection is closed quietly), or, when the wait
     * it was set for has ended, the task set again for the one going on now.
     */
    private synchronized void headLate() {
        deadline = null;
        if (!awaitingHead || refused || active != null || scanner.inBody()) {
            return; // the next wait sets a task of its own (a body still to come: its connection closes anyway)
        }
        long left = guard.limits().headTimeout().toNanos() - (System.nanoTime() - awaitingSince);
        if (left > 0) { // a later wait than the one the task was set for
            deadline = guard.schedule(this::headLate, java.time.Duration.ofNanos(left));
            return;
        }
        if (scanner.following() ? scanner.bytesSeen() == 0 : !readWhileAwaiting) {
            refused = true;
            closeNow(CloseMode.GRACEFUL);
            return;
        }
        refuse(new HeadScanner.Refusal(408, "request_timeout", "The request head did not arrive within "
                + RawAnswer.text(guard.limits().headTimeout()) + " (switchboard.gateway.head-timeout)."));
    }

    /**
     * Closes the connection as soon as HttpCore has flushed what it holds (a stream's last bytes, already handed to
     * it), without ending the response: for an answer that must end as a failure. A graceful close, so the kernel
     * sends those bytes before the FIN; after the linger at the latest, in case they were flushed already.
     */
    void closeWhenFlushed() {
        closeWhenFlushed = true;
        session.setEvent(java.nio.channels.SelectionKey.OP_WRITE); // a flush of HttpCore's buffer comes next
        guard.schedule(() -> closeNow(CloseMode.GRACEFUL), ConnectionGuard.LINGER);
    }

    /** Whether {@link #pendingRefusal} waits for HttpCore to clear its write interest. */
    private volatile boolean refuseWhenWritten;

    /** Set by {@link #closeWhenFlushed}; read by the reactor's writes. */
    private volatile boolean closeWhenFlushed;

    /** Closes the connection after the linger: for an answer that ends the connection before its request was read. */
    void closeAfterLinger() {
        guard.schedule(() -> closeNow(CloseMode.IMMEDIATE), ConnectionGuard.LINGER);
    }

    /**
     * {@code exchange} is the connection's request now.
     *
     * @return how many bytes the read that completed its head brought after it, which the parser hands to it (as its
     *         body) before it reads the connection again; {@link Integer#MAX_VALUE} when a later head was read already
     *         (so was all of this one's body, before it); -1 when that is not known (the scanner no longer follows
     *         the connection)
     */
    int activate(Exchange exchange) {
        active = exchange;
        synchronized (this) {
            cancelDeadline();
            // Exchanges take the heads in the order the scanner saw them end
            long taken = ++headsTaken;
            return taken < headsEnded ? Integer.MAX_VALUE : taken == headsEnded ? afterHead : -1;
        }
    }

    /** {@code exchange} is answered and released (each exchange once, in the order of the requests). */
    void deactivate(Exchange exchange) {
        boolean last = active == exchange;
        if (last) {
            active = null;
        }
        synchronized (this) {
            answered++;
            if (pendingRefusal != null) {
                if (answered >= headsEnded) {
                    refuseOnceWritten();
                }
            } else if (last && !refused) {
                armDeadline(); // the connection now idles until its next head, for at most the head timeout
            }
        }
    }

    /**
     * The client closed its side. While an exchange is still answering, this read fails instead of returning
     * end-of-stream: HttpCore then ends the exchange itself, on this thread (fails it, releases it, closes the
     * connection). Closing the connection from here would not do: HttpCore reports no disconnect for a connection
     * closed at once, so the exchange would stay in flight until some later event happened to notice.
     */
    private void peerClosed() throws ClientLeft {
        Exchange e = active;
        if (e != null && e.answering()) {
            e.clientGone();
            throw new ClientLeft();
        }
    }

    /** A read's end-of-stream while the connection's exchange was still being answered. */
    static final class ClientLeft extends IOException {
        private static final long serialVersionUID = 1L;

        ClientLeft() {
            super("the client closed its connection before its answer was complete");
        }
    }

    /**
     * Closes the connection and gives its slot back to the guard at once (the listener is not told of every close).
     * An exchange still open on it is ended here: HttpCore reports no disconnect for a connection closed at once.
     */
    private void closeNow(CloseMode mode) {
        session.close(mode);
        guard.release(this);
        Exchange e = active;
        if (e != null) {
            e.connectionClosed();
        }
    }

    /** The connection's handler, with its events' boundaries marked ({@link ClientEvents}). */
    @Override
    public IOEventHandler getHandler() {
        IOEventHandler h = session.getHandler();
        if (h == null || h instanceof ClientEvents) {
            return h;
        }
        if (h != http) {
            http = h;
            bounded = new ClientEvents(h, this);
        }
        return bounded;
    }

    /** One of the connection's events is being handled on the owner thread, for {@code eventSession}. */
    void entered(IOSession eventSession) {
        handling++;
        plain = eventSession == this;
    }

    /** The event has ended. */
    void left() {
        handling--;
    }

    /**
     * Whether an answer submitted now may be written at once ({@link #writeNow}): on the owner thread, outside the
     * connection's events, and plain TCP.
     */
    boolean writesHere() {
        return Thread.currentThread() == owner && plain && handling == 0;
    }

    /**
     * Runs {@code submit} (which hands an answer to HttpCore) and then the handler's output step, here and now, as
     * the reactor would run it on its next round had write interest been set. The interest changes of both are held
     * back and applied once at the end ({@link SessionEvents#hold}): an answer written whole sets and clears write
     * interest, which nets out to no change and no selector wake-up. An answer that does not fit the socket keeps
     * write interest set, and the reactor writes the rest. Only when {@link #writesHere}.
     */
    void writeNow(Runnable submit) {
        IOEventHandler handler = session.getHandler();
        boolean held = events.hold();
        handling++; // an answer submitted from inside the output step (a pipelined request's) is not written nested
        try {
            submit.run();
            for (int i = 0; i < WRITE_ROUNDS && handler != null && session.isOpen()
                    && (events.mask() & SelectionKey.OP_WRITE) != 0; i++) {
                session.updateWriteTime();
                handler.outputReady(this);
            }
        } catch (Exception e) { // as the reactor treats an event that throws
            if (handler != null) {
                handler.exception(this, e);
            }
            closeNow(CloseMode.GRACEFUL);
        } finally {
            handling--;
            if (held) {
                events.release();
            }
        }
    }

    @Override public ByteChannel channel() { return channel; }
    @Override public int getEventMask() { return events.mask(); }
    @Override public void setEventMask(int ops) { events.setMask(ops); }
    @Override public void setEvent(int op) { events.set(op); }

    @Override
    public void clearEvent(int op) {
        events.clear(op);
        if (refuseWhenWritten && (op & SelectionKey.OP_WRITE) != 0) {
            // HttpCore flushed what it held, and holds the session's lock here: the refusal goes out from the timer
            guard.schedule(this::sendPendingRefusal, java.time.Duration.ZERO);
        }
    }

    @Override public void close() { session.close(); guard.release(this); }
    @Override public void close(CloseMode closeMode) { closeNow(closeMode); }
    @Override public int read(ByteBuffer dst) throws IOException { return channel.read(dst); }
}
