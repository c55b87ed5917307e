package dev.switchboard.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * The handler of a client connection (HttpCore's server handler), with its {@link WatchedSession} told while one of the
 * connection's events is being handled: an answer submitted on the connection's I/O thread from outside its events
 * (a call answered by the upstream's event) is then written at once ({@link WatchedSession#writeNow}), while one
 * submitted inside them is left to the reactor, which runs the output step when the event is over.
 */
final class ClientEvents implements IOEventHandler {

    private final IOEventHandler http;
    private final WatchedSession watched;

    ClientEvents(IOEventHandler http, WatchedSession watched) {
        this.http = http;
        this.watched = watched;
    }

    /** HttpCore's handler underneath. */
    IOEventHandler http() {
        return http;
    }

    @Override
    public void connected(IOSession session) throws IOException {
        watched.entered(session);
        try {
            http.connected(session);
        } finally {
            watched.left();
        }
    }

    @Override
    public void inputReady(IOSession session, ByteBuffer src) throws IOException {
        watched.entered(session);
        try {
            http.inputReady(session, src);
        } finally {
            watched.left();
        }
    }

    @Override
    public void outputReady(IOSession session) throws IOException {
        watched.entered(session);
        try {
            http.outputReady(session);
        } finally {
            watched.left();
        }
    }

    @Override
    public void timeout(IOSession session, Timeout timeout) throws IOException {
        watched.entered(session);
        try {
            http.timeout(session, timeout);
        } finally {
            watched.left();
        }
    }

    @Override
    public void exception(IOSession session, Exception cause) {
        watched.entered(session);
        try {
            http.exception(session, cause);
        } finally {
            watched.left();
        }
    }

    @Override
    public void disconnected(IOSession session) {
        watched.entered(session);
        try {
            http.disconnected(session);
        } finally {
            watched.left();
        }
    }
}
