package dev.switchboard.gateway;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.locks.Lock;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * A client connection that notices its peer leaving. HTTP/1.1 in HttpCore treats a client's end-of-stream while a
 * response is pending as a graceful close and keeps the exchange until the response is done, which for a gateway
 * means an abandoned upstream call runs to its end. This decorator sees every read of the connection: when one
 * returns end-of-stream while an exchange is still answering, it tells the exchange (which cancels its upstream call
 * at once) and closes the connection. Everything else is passed through.
 *
 * <p>The reactor thread that reads a connection also parses its requests, so {@link #current()} tells a new
 * exchange which connection it belongs to.
 */
final class WatchedSession implements IOSession {

    private static final ThreadLocal<WatchedSession> CURRENT = new ThreadLocal<>();

    private final IOSession session;
    private final ByteChannel channel;
    private volatile Exchange active;

    WatchedSession(IOSession session) {
        this.session = session;
        ByteChannel inner = session.channel();
        this.channel = new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                CURRENT.set(WatchedSession.this);
                int n = inner.read(dst);
                if (n < 0) {
                    peerClosed();
                }
                return n;
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return inner.write(src);
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
    }

    /** The connection the calling reactor thread last read from. */
    static WatchedSession current() {
        return CURRENT.get();
    }

    void activate(Exchange exchange) {
        active = exchange;
    }

    void deactivate(Exchange exchange) {
        if (active == exchange) {
            active = null;
        }
    }

    private void peerClosed() {
        Exchange e = active;
        if (e != null && e.answering()) {
            e.clientGone();
            session.close(CloseMode.IMMEDIATE);
        }
    }

    @Override public ByteChannel channel() { return channel; }
    @Override public IOEventHandler getHandler() { return session.getHandler(); }
    @Override public void upgrade(IOEventHandler handler) { session.upgrade(handler); }
    @Override public Lock getLock() { return session.getLock(); }
    @Override public void enqueue(Command command, Command.Priority priority) { session.enqueue(command, priority); }
    @Override public boolean hasCommands() { return session.hasCommands(); }
    @Override public Command poll() { return session.poll(); }
    @Override public SocketAddress getRemoteAddress() { return session.getRemoteAddress(); }
    @Override public SocketAddress getLocalAddress() { return session.getLocalAddress(); }
    @Override public int getEventMask() { return session.getEventMask(); }
    @Override public void setEventMask(int ops) { session.setEventMask(ops); }
    @Override public void setEvent(int op) { session.setEvent(op); }
    @Override public void clearEvent(int op) { session.clearEvent(op); }
    @Override public void close() { session.close(); }
    @Override public void close(CloseMode closeMode) { session.close(closeMode); }
    @Override public Status getStatus() { return session.getStatus(); }
    @Override public Timeout getSocketTimeout() { return session.getSocketTimeout(); }
    @Override public void setSocketTimeout(Timeout timeout) { session.setSocketTimeout(timeout); }
    @Override public long getLastReadTime() { return session.getLastReadTime(); }
    @Override public long getLastWriteTime() { return session.getLastWriteTime(); }
    @Override public long getLastEventTime() { return session.getLastEventTime(); }
    @Override public void updateReadTime() { session.updateReadTime(); }
    @Override public void updateWriteTime() { session.updateWriteTime(); }
    @Override public String getId() { return session.getId(); }
    @Override public int read(ByteBuffer dst) throws IOException { return channel.read(dst); }
    @Override public int write(ByteBuffer src) throws IOException { return session.write(src); }
    @Override public boolean isOpen() { return session.isOpen(); }

    @Override
    public String toString() {
        return session.toString();
    }
}
