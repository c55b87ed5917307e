package dev.switchboard.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;

/**
 * The gateway's hold on its client connections: it wraps each new connection in a {@link WatchedSession} (which
 * checks request heads as they arrive), counts the open ones and refuses those beyond
 * {@link ClientLimits#maxConnections()}, and runs the deadlines (request head, body rate, the last moments of a
 * refused connection) on one timer thread. Thread-safe.
 */
final class ConnectionGuard implements IOSessionListener {

    /**
     * How long a refused connection may still send before it is closed: long enough for its client to read the answer
     * (closing at once, with its request unread, would reset the connection and lose the answer), short enough that
     * refused connections never pile up.
     */
    static final Duration LINGER = Duration.ofSeconds(1);

    private final ClientLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    /**
     * The connections holding a slot, by session id. A slot is given back when the connection closes through us, when
     * the reactor reports it disconnected, or at the latest by the sweep: HttpCore does not report every close (a
     * connection closed before its protocol handler took over is never reported), and a slot never given back would
     * lock every client out once {@code max-connections} is reached.
     */
    private final Map<String, WatchedSession> live = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final ScheduledThreadPoolExecutor timer;

    ConnectionGuard(ClientLimits limits) {
        this.limits = limits;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "switchboard-client-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        every(this::sweepClosed, SWEEP);
    }

    /** How often slots of connections closed without a report are given back. */
    static final Duration SWEEP = Duration.ofSeconds(1);

    ClientLimits limits() {
        return limits;
    }

    /**
     * The session decorator: every connection of the reactor passes here once. Those the reactor opened to upstreams
     * ({@link UpstreamExchanges}) are not clients: no slot, no head checks, no deadlines.
     */
    IOSession decorate(IOSession session) {
        if (UpstreamSession.connected(session)) {
            return new UpstreamSession(session);
        }
        boolean admitted = open.incrementAndGet() <= limits.maxConnections();
        WatchedSession watched = new WatchedSession(session, this, admitted);
        live.put(session.getId(), watched);
        if (!watched.isOpen()) {
            release(watched); // closed while being refused
        }
        return watched;
    }

    /** Gives the connection's slot back; once only, whichever way its close is seen first. */
    void release(IOSession session) {
        if (live.remove(session.getId()) != null) {
            open.decrementAndGet();
        }
    }

    private void sweepClosed() {
        for (WatchedSession s : live.values()) {
            if (!s.isOpen() || s.getStatus() == IOSession.Status.CLOSED) {
                release(s);
            }
        }
    }

    /** Client connections open now (refused ones included until they close). */
    int connections() {
        return open.get();
    }

    /** Connections answered with an error by a limit and closed, since the start. */
    long refused() {
        return refused.sum();
    }

    void refusedOne() {
        refused.increment();
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return timer.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    ScheduledFuture<?> every(Runnable task, Duration period) {
        return timer.scheduleAtFixedRate(guarded(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A failing deadline must not end the timer (a periodic task that throws is never run again). */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                GatewayServer.LOG.log(System.Logger.Level.WARNING, "gateway deadline failed: " + FailureLine.of(e));
            }
        };
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    void shutdown() {
        timer.shutdownNow();
    }

    // ---------------------------------------------------------------- IOSessionListener

    @Override
    public void disconnected(IOSession session) {
        if (UpstreamSession.connected(session)) {
            return; // never held a slot
        }
        release(session);
    }

    @Override public void connected(IOSession session) {}
    @Override public void startTls(IOSession session) {}
    @Override public void inputReady(IOSession session) {}
    @Override public void outputReady(IOSession session) {}
    @Override public void timeout(IOSession session) {}
    @Override public void exception(IOSession session, Exception ex) {}
}
