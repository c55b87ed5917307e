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
 * An {@link IOSession} that hands every call to the session it decorates: the gateway's decorators of client
 * ({@link WatchedSession}) and upstream ({@link UpstreamSession}) connections override only what they change.
 */
abstract class ForwardingSession implements IOSession {

    /** HttpCore's session underneath. */
    protected final IOSession session;

    ForwardingSession(IOSession session) {
        this.session = session;
    }

    @Override public IOEventHandler getHandler() { return session.getHandler(); }
    @Override public void upgrade(IOEventHandler handler) { session.upgrade(handler); }
    @Override public Lock getLock() { return session.getLock(); }
    @Override public void enqueue(Command command, Command.Priority priority) { session.enqueue(command, priority); }
    @Override public boolean hasCommands() { return session.hasCommands(); }
    @Override public Command poll() { return session.poll(); }
    @Override public ByteChannel channel() { return session.channel(); }
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
    @Override public int read(ByteBuffer dst) throws IOException { return session.read(dst); }
    @Override public int write(ByteBuffer src) throws IOException { return session.write(src); }
    @Override public boolean isOpen() { return session.isOpen(); }

    @Override
    public String toString() {
        return session.toString();
    }
}
