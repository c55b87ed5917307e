package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An answer submitted on a client connection's own I/O thread outside its events is written there at once, with no
 * interest change reaching HttpCore's session (each of which wakes the selector there); anywhere else it is left to
 * the reactor. Against a session that records the calls reaching it, the test thread playing the I/O thread.
 */
class WriteNowTest {

    private static final int READ = SelectionKey.OP_READ;
    private static final int WRITE = SelectionKey.OP_WRITE;

    private final ConnectionGuard guard = new ConnectionGuard(ClientLimits.DEFAULTS);
    private final RecordingSession httpCores = new RecordingSession();
    private final AtomicInteger outputSteps = new AtomicInteger();
    /** Whether the handler's output step flushes everything (else the socket stays full). */
    private boolean flushes = true;

    /** HttpCore's server handler, as far as write interest goes: its output step clears it once all is flushed. */
    private final IOEventHandler http = new IOEventHandler() {
        @Override public void connected(IOSession session) { }
        @Override public void inputReady(IOSession session, ByteBuffer src) { }
        @Override public void outputReady(IOSession session) {
            outputSteps.incrementAndGet();
            if (flushes) {
                session.clearEvent(WRITE);
            }
        }
        @Override public void timeout(IOSession session, org.apache.hc.core5.util.Timeout timeout) { }
        @Override public void exception(IOSession session, Exception cause) { }
        @Override public void disconnected(IOSession session) { }
    };

    private final WatchedSession client = decorated();

    private WatchedSession decorated() {
        httpCores.mask = READ;
        httpCores.handler = http;
        return (WatchedSession) guard.decorate(httpCores.session());
    }

    @AfterEach
    void stopTimer() {
        guard.shutdown();
    }

    @Test
    void anAnswerSubmittedOutsideTheConnectionsEventsIsWrittenAtOnceWithNoInterestChange() throws Exception {
        client.getHandler().connected(client); // the reactor's first event: plain TCP, events for this session

        assertThat(client.writesHere()).isTrue();
        client.writeNow(() -> client.setEvent(WRITE)); // what HttpCore does when an answer is submitted

        assertThat(outputSteps).hasValue(1);
        assertThat(httpCores.calls).isEmpty();
        assertThat(client.getEventMask()).isEqualTo(READ);
    }

    @Test
    void anAnswerTooBigForTheSocketLeavesWriteInterestSetOnceForTheReactor() throws Exception {
        client.getHandler().connected(client);
        flushes = false;

        client.writeNow(() -> client.setEvent(WRITE));

        assertThat(outputSteps).hasValue(3); // a few tries, then the reactor writes the rest when the socket drains
        assertThat(httpCores.calls).containsExactly("set " + WRITE);
    }

    @Test
    void insideTheConnectionsOwnEventsTheAnswerIsLeftToTheReactor() throws Exception {
        IOEventHandler bounded = client.getHandler();
        bounded.connected(client);
        List<Boolean> duringEvents = new ArrayList<>();
        flushes = false;
        IOEventHandler watching = new IOEventHandler() {
            @Override public void connected(IOSession session) { }
            @Override public void inputReady(IOSession session, ByteBuffer src) { duringEvents.add(client.writesHere()); }
            @Override public void outputReady(IOSession session) { duringEvents.add(client.writesHere()); }
            @Override public void timeout(IOSession session, org.apache.hc.core5.util.Timeout t) { }
            @Override public void exception(IOSession session, Exception cause) { }
            @Override public void disconnected(IOSession session) { }
        };
        new ClientEvents(watching, client).inputReady(client, null);
        new ClientEvents(watching, client).outputReady(client);
        assertThat(duringEvents).containsExactly(false, false);
        assertThat(client.writesHere()).isTrue(); // and again once they are over
    }

    @Test
    void anotherThreadOrAnEncryptedConnectionLeavesTheAnswerToTheReactor() throws Exception {
        client.getHandler().connected(client);
        assertThat(CompletableFuture.supplyAsync(client::writesHere).get()).isFalse();

        // TLS: the reactor hands the handler its TLS layer, not this session
        IOSession tlsLayer = (IOSession) Proxy.newProxyInstance(IOSession.class.getClassLoader(),
                new Class<?>[] {IOSession.class}, (proxy, method, args) -> null);
        client.getHandler().inputReady(tlsLayer, null);
        assertThat(client.writesHere()).isFalse();
    }

    @Test
    void theHandlerWithBoundariesIsMadeOncePerHandlerOfHttpCore() {
        assertThat(client.getHandler()).isInstanceOf(ClientEvents.class).isSameAs(client.getHandler());
        assertThat(((ClientEvents) client.getHandler()).http()).isSameAs(http);
    }
}
