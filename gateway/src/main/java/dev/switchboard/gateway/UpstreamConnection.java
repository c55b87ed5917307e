package dev.switchboard.gateway;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.command.RequestExecutionCommand;
import org.apache.hc.core5.http.nio.command.ShutdownCommand;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOSession;

/**
 * A keep-alive connection to one upstream, opened by the gateway's reactor and owned by the I/O thread its handler was
 * made on: every event of the connection (its answers, its close) arrives on that thread, so the connection goes back
 * to that thread's idle list only, from that thread only.
 *
 * <p>Its state is IDLE, LEASED or CLOSED. Leasing is a compare-and-set from IDLE, so that a caller on another thread
 * (a worker, or an I/O thread at a limit) can borrow an idle connection without touching its owner's list: the owner
 * then finds it leased when it next looks and drops it from the list; {@link #queued} (the owner's own field) says
 * whether the owner's list holds it.
 */
final class UpstreamConnection {

    static final int IDLE = 0;
    static final int LEASED = 1;
    static final int CLOSED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(UpstreamConnection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final UpstreamExchanges.Route route;
    /** The owning I/O thread's index in {@link UpstreamExchanges}; -1 when none (the connection is never pooled). */
    final int owner;
    /** HttpCore's session (the reactor's channel: commands and closes go through the session's decorators). */
    final IOSession session;
    private final UpstreamExchanges pool;
    private volatile int state = LEASED; // made for the exchange it was opened for
    /** Whether the owner's idle list holds this connection; read and written by the owner thread only. */
    boolean queued;

    UpstreamConnection(UpstreamExchanges pool, UpstreamExchanges.Route route, int owner, IOSession session) {
        this.pool = pool;
        this.route = route;
        this.owner = owner;
        this.session = session;
    }

    /** Takes the connection for one exchange if it is idle and open. */
    boolean lease() {
        if (!STATE.compareAndSet(this, IDLE, LEASED)) {
            return false;
        }
        if (!session.isOpen()) { // closed by the server, its close not yet seen by the owner: never leased
            state = CLOSED;
            return false;
        }
        pool.leasedOne();
        return true;
    }

    boolean idle() {
        return state == IDLE;
    }

    /** Closes the connection if it is idle (to make room under the total limit); whether it did. */
    boolean closeIfIdle() {
        if (!STATE.compareAndSet(this, IDLE, CLOSED)) {
            return false;
        }
        close();
        return true;
    }

    /**
     * Closes the connection: at once on its owner thread, else by a command to it. HttpCore's session wakes its
     * selector before it queues a close for the reactor to report, so a close from another thread may wait for the
     * reactor's next select timeout (a second) before it is reported and its place under the limits is free again.
     */
    private void close() {
        if (pool.onOwnerThread(this)) {
            session.close(CloseMode.GRACEFUL);
        } else {
            session.enqueue(ShutdownCommand.IMMEDIATE, Command.Priority.IMMEDIATE);
        }
    }

    /**
     * Runs {@code handler}'s exchange on this (leased) connection, through the session's command queue. A connection
     * that closes before the command ran cancels it (the handler is told it failed, its request not executed): when
     * queued on a session already closed, or by the handler's disconnect.
     */
    void execute(AsyncClientExchangeHandler handler, org.apache.hc.core5.http.HttpHost target, HttpContext context) {
        session.enqueue(new RequestExecutionCommand(new PooledExchange(this, handler, target), context),
                Command.Priority.NORMAL);
    }

    /** The exchange on it has ended and the connection may be reused: on the owner thread, as every answer's end. */
    void released() {
        if (!session.isOpen()) {
            return; // closing (the answer said close, or the server left): its close does the rest
        }
        pool.released(this);
    }

    /** The exchange on it failed or was cancelled: the connection goes (its close does the rest, on its owner). */
    void discard() {
        close();
    }

    /** Back in the idle state, for the owner's list. */
    void idleAgain() {
        if ((int) STATE.getAndSet(this, IDLE) == LEASED) {
            pool.releasedOne();
        }
    }

    /** HttpCore reported the connection closed (on the owner thread, once). */
    void closed() {
        if ((int) STATE.getAndSet(this, CLOSED) == LEASED) {
            pool.releasedOne();
        }
        pool.closed(this);
    }

    @Override
    public String toString() {
        return "upstream connection " + session + " to " + route.host + " on I/O thread " + owner;
    }
}
