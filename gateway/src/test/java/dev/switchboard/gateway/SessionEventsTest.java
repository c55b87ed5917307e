package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.core5.reactor.IOSession;
import org.junit.jupiter.api.Test;

/**
 * Interest changes against a session that records the calls that reach it: each of those wakes the I/O thread's
 * selector in HttpCore's real session.
 */
class SessionEventsTest {

    private static final int READ = SelectionKey.OP_READ;
    private static final int WRITE = SelectionKey.OP_WRITE;

    @Test
    void askingForAnInterestAlreadySetReachesNoSession() {
        RecordingSession s = new RecordingSession();
        s.mask = READ;
        SessionEvents events = new SessionEvents(s.session());

        events.set(READ); // what HttpCore asks after every request it has read
        events.clear(WRITE);

        assertThat(s.calls).isEmpty();
        assertThat(events.mask()).isEqualTo(READ);
    }

    @Test
    void aChangeStillReachesTheSession() {
        RecordingSession s = new RecordingSession();
        s.mask = READ;
        SessionEvents events = new SessionEvents(s.session());

        events.set(WRITE);
        events.clear(WRITE);

        assertThat(s.calls).containsExactly("set " + WRITE, "clear " + WRITE);
    }

    @Test
    void changesHeldBackReachTheSessionOnceAtRelease() {
        RecordingSession s = new RecordingSession();
        s.mask = READ;
        SessionEvents events = new SessionEvents(s.session());

        assertThat(events.hold()).isTrue();
        events.set(WRITE); // the head
        events.set(WRITE); // the body
        events.set(WRITE); // its end
        assertThat(s.calls).isEmpty();
        assertThat(events.mask()).as("what the holder sees").isEqualTo(READ | WRITE);
        events.release();

        assertThat(s.calls).containsExactly("set " + WRITE);
        assertThat(s.mask).isEqualTo(READ | WRITE);
    }

    @Test
    void aClearWhileHeldCancelsTheHeldSet() {
        RecordingSession s = new RecordingSession();
        s.mask = READ;
        SessionEvents events = new SessionEvents(s.session());

        events.hold();
        events.set(WRITE);
        events.clear(WRITE);
        events.release();

        assertThat(s.calls).isEmpty();
        assertThat(s.mask).isEqualTo(READ);
    }

    @Test
    void anotherThreadsChangesAreNotHeldBack() throws Exception {
        RecordingSession s = new RecordingSession();
        s.mask = READ;
        SessionEvents events = new SessionEvents(s.session());

        events.hold();
        boolean heldThere = CompletableFuture.supplyAsync(() -> {
            boolean held = events.hold();
            events.set(WRITE);
            return held;
        }).get();

        assertThat(heldThere).as("a second holder").isFalse();
        assertThat(s.calls).containsExactly("set " + WRITE);
        events.release();
        assertThat(s.calls).hasSize(1);
    }

    @Test
    void aClosedSessionIsLeftAlone() {
        RecordingSession s = new RecordingSession();
        s.mask = READ;
        s.status = IOSession.Status.CLOSED;
        SessionEvents events = new SessionEvents(s.session());

        events.set(WRITE);
        events.clear(READ);

        assertThat(s.calls).isEmpty();
    }
}
