package dev.switchboard.gateway;

import java.nio.channels.SelectionKey;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.ssl.SSLIOSession;

/**
 * An upstream connection the gateway's reactor opened (see {@link UpstreamExchanges}), as its HTTP handler sees it:
 * HttpCore's session with a command queue of its own and read and write interest changed through
 * {@link SessionEvents}.
 *
 * <p>HttpCore's session wakes the I/O thread's selector on every command queued and every interest change, even
 * when the interest stays as it is and even when the caller is that I/O thread itself, which is not blocked in a
 * select and will apply the change anyway before it next waits. Here:
 * <ul>
 *   <li>a command queued on the owner thread is written there, at once or as soon as the session's current event
 *       ends, with the handler's output step run as the reactor would run it and its interest changes netted out
 *       (see {@code writeNow}): a request written whole changes no interest at all;</li>
 *   <li>a command queued from another thread does not touch the selector when write interest is on already (the
 *       handler polls the queue whenever it may start the next request, which it decides after clearing write
 *       interest, under the session's lock: a command queued while write interest is on is never missed);</li>
 *   <li>interest changes that change nothing are dropped ({@link SessionEvents}).</li>
 * </ul>
 * What is left (a real change of interest: from another thread, or for a request that did not fit the socket) still
 * wakes the selector: only HttpCore's session holds the selection key.
 *
 * <p>None of the client-connection guards ({@link WatchedSession}) apply: no head checks, no deadlines, no slot.
 */
final class UpstreamSession extends ForwardingSession {

    /** How many times a command queued on the owner thread drives the handler's output at most, at once. */
    private static final int WRITE_ROUNDS = 3;

    private final SessionEvents events;
    private final Deque<Command> commands = new ConcurrentLinkedDeque<>();
    /** The I/O thread that owns the session: the one it was made on, where all its events arrive. */
    private final Thread owner = Thread.currentThread();
    /** Whether the session is plain TCP (a TLS session's output is the TLS layer's to drive). */
    private final boolean plain;
    /** Whether the connection is established (its handler has seen it connect); owner thread only. */
    private boolean ready;
    /** Whether the session's handler is handling one of its events now; owner thread only. */
    private boolean handling;
    /** Whether a command was queued during the current event, to be written when it ends; owner thread only. */
    private boolean writeAfterEvent;

    UpstreamSession(IOSession session) {
        super(session);
        this.events = new SessionEvents(session);
        this.plain = !(session instanceof SSLIOSession);
    }

    /**
     * Whether HttpCore's reactor opened {@code session} by connecting out rather than by accepting it. The reactor
     * names its sessions by how they came to be ({@code "c-"} for a connection it opened, {@code "a-"} for one it
     * accepted); the name is all the session decorator is given, before the session's handler (which sees the connect
     * attachment) exists.
     */
    static boolean connected(IOSession session) {
        return session.getId().startsWith("c-");
    }

    @Override
    public void enqueue(Command command, Command.Priority priority) {
        if (priority == Command.Priority.IMMEDIATE) {
            commands.addFirst(command);
        } else {
            commands.add(command);
        }
        if (session.getStatus() != Status.ACTIVE) {
            command.cancel();
        } else if (plain && ready && Thread.currentThread() == owner) {
            if (handling) {
                writeAfterEvent = true;
            } else {
                writeNow();
            }
        } else {
            events.set(SelectionKey.OP_WRITE);
        }
    }

    /**
     * On the owner thread, outside the session's own events (a call started by another connection's event, say):
     * runs the handler's output step here, as the reactor would on its next round, so that the command's request is
     * written now. Its interest changes are held back and applied once at the end: a request written whole sets and
     * clears write interest, which nets out to no change and no selector wake-up at all. Inside the session's own
     * events (a call started by this connection's previous answer) the handler is not re-entered: the command is
     * written the same way as soon as the event has ended (where the reactor would run the output step next, had
     * write interest been set).
     */
    private void writeNow() {
        IOEventHandler handler = session.getHandler();
        boolean held = events.hold();
        try {
            for (int i = 0; i < WRITE_ROUNDS; i++) { // a head and a body that fit the socket: one or two rounds
                session.updateWriteTime();
                handler.outputReady(this);
                if ((events.mask() & SelectionKey.OP_WRITE) == 0 || !session.isOpen()) {
                    break;
                }
            }
        } catch (Exception e) { // as the reactor treats an event that throws
            handler.exception(this, e);
            session.close(CloseMode.GRACEFUL);
        } finally {
            if (held) {
                events.release();
            }
        }
    }

    /** The handler is handling one of the session's events (from the reactor) until {@link #left}. */
    void entered() {
        handling = true;
    }

    /** The event has ended normally: a command queued during it is written now. */
    void left() {
        handling = false;
        if (writeAfterEvent) {
            writeAfterEvent = false;
            if (session.isOpen() && hasCommands()) {
                writeNow();
            }
        }
    }

    /** The event has ended with an exception (the reactor closes the session): a queued command is left to it. */
    void leftFailing() {
        handling = false;
        if (writeAfterEvent) {
            writeAfterEvent = false;
            events.set(SelectionKey.OP_WRITE);
        }
    }

    /** The handler has seen the connection established: commands queued on the owner thread may drive it. */
    void established() {
        ready = true;
    }

    @Override public boolean hasCommands() { return !commands.isEmpty(); }
    @Override public Command poll() { return commands.poll(); }
    @Override public int getEventMask() { return events.mask(); }
    @Override public void setEventMask(int ops) { events.setMask(ops); }
    @Override public void setEvent(int op) { events.set(op); }
    @Override public void clearEvent(int op) { events.clear(op); }

}
