package dev.switchboard.gateway;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;

/**
 * HttpCore's session as far as interest goes: a field, and every setEvent/clearEvent/setEventMask that reaches it
 * recorded (each of those wakes the I/O thread's selector in HttpCore's real session). Its channel has nothing to read.
 */
final class RecordingSession {
    final ReentrantLock lock = new ReentrantLock();
    final List<String> calls = new ArrayList<>();
    int mask;
    IOSession.Status status = IOSession.Status.ACTIVE;
    IOEventHandler handler;

    IOSession session() {
        return (IOSession) Proxy.newProxyInstance(IOSession.class.getClassLoader(), new Class<?>[] {IOSession.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getId":
                            return "a-1";
                        case "getLock":
                            return lock;
                        case "getStatus":
                            return status;
                        case "isOpen":
                            return status == IOSession.Status.ACTIVE;
                        case "getHandler":
                            return handler;
                        case "channel":
                            return new IdleChannel();
                        case "updateWriteTime":
                            return null;
                        case "getEventMask":
                            return mask;
                        case "setEvent":
                            calls.add("set " + args[0]);
                            mask |= (int) args[0];
                            return null;
                        case "clearEvent":
                            calls.add("clear " + args[0]);
                            mask &= ~(int) args[0];
                            return null;
                        case "setEventMask":
                            calls.add("mask " + args[0]);
                            mask = (int) args[0];
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** A connection with nothing to read. */
    private static final class IdleChannel implements ByteChannel {
        @Override public int read(ByteBuffer dst) { return 0; }
        @Override public int write(ByteBuffer src) { return 0; }
        @Override public boolean isOpen() { return true; }
        @Override public void close() { }
    }
}
