package dev.switchboard.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * The handler of an upstream connection ({@link UpstreamExchanges}): HttpCore's HTTP/1.1 client handler, with the pool
 * told when the connection closes and the {@link UpstreamSession} told when one of its events is being handled, so that
 * a command queued from inside an event does not re-enter the handler but is written when the event ends.
 */
final class UpstreamHandler implements IOEventHandler {

    private final IOEventHandler http;
    private final UpstreamConnection connection;

    UpstreamHandler(IOEventHandler http, UpstreamConnection connection) {
        this.http = http;
        this.connection = connection;
    }

    private static void entered(IOSession session) {
        if (session instanceof UpstreamSession s) {
            s.entered();
        }
    }

    /** After an event: on success, writes what was queued during it; on failure, leaves it to the reactor. */
    private static void left(IOSession session, boolean ok) {
        if (session instanceof UpstreamSession s) {
            if (ok) {
                s.left();
            } else {
                s.leftFailing();
            }
        }
    }

    @Override
    public void connected(IOSession session) throws IOException {
        entered(session);
        boolean ok = false;
        try {
            http.connected(session);
            ok = true;
        } finally {
            if (ok && session instanceof UpstreamSession s) {
                s.established();
            }
            left(session, ok);
        }
    }

    @Override
    public void inputReady(IOSession session, ByteBuffer src) throws IOException {
        entered(session);
        boolean ok = false;
        try {
            http.inputReady(session, src);
            ok = true;
        } finally {
            left(session, ok);
        }
    }

    @Override
    public void outputReady(IOSession session) throws IOException {
        entered(session);
        boolean ok = false;
        try {
            http.outputReady(session);
            ok = true;
        } finally {
            left(session, ok);
        }
    }

    @Override
    public void timeout(IOSession session, Timeout timeout) throws IOException {
        entered(session);
        boolean ok = false;
        try {
            http.timeout(session, timeout);
            ok = true;
        } finally {
            left(session, ok);
        }
    }

    @Override
    public void exception(IOSession session, Exception cause) {
        entered(session);
        try {
            http.exception(session, cause);
        } finally {
            left(session, false);
        }
    }

    @Override
    public void disconnected(IOSession session) {
        try {
            http.disconnected(session); // HttpCore passes its own session here, not the decorated one
        } finally {
            connection.closed();
        }
    }
}
