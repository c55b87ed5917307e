package dev.switchboard.gateway;

import dev.switchboard.internal.LentConnections;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.CharCodingConfig;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultAddressResolver;
import org.apache.hc.core5.http.impl.nio.ClientHttp1IOEventHandlerFactory;
import org.apache.hc.core5.http.impl.nio.ClientHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.ssl.BasicClientTlsStrategy;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestConnControl;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.http.protocol.RequestUserAgent;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.EndpointParameters;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.ProtocolIOSession;
import org.apache.hc.core5.util.Deadline;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP/1.1 exchanges with upstreams over connections on the gateway's own reactor: a call started on gateway I/O
 * thread T is written, answered and read on T, with no hand-off to another reactor's thread and back.
 *
 * <p>{@link #execute} has the contract of HttpCore's {@code HttpAsyncRequester.execute(target, handler, null,
 * timeout, context)}: it never blocks; it runs the exchange on an idle keep-alive connection to {@code target} or on a
 * new one; the connection goes back to the pool when the answer has ended and is closed when the exchange failed or
 * was cancelled; a failure to connect is reported to {@code handler.failed}.
 *
 * <p>Idle connections are kept per I/O thread, in plain lists that only their own thread touches: an exchange
 * started on I/O thread T takes the connection T used last for the same target. When T has none idle, a new connection
 * is opened; HttpCore's reactor puts it on its I/O threads in turn, so it may land on another thread, which then runs
 * that exchange and keeps the connection afterwards. A caller that is not one of the reactor's I/O threads borrows an
 * idle connection of any thread (its exchange is queued to the connection's thread), else opens one. At most
 * {@link #MAX_PER_ROUTE} connections per target and {@link #MAX_TOTAL} in all are open, as with the providers' own
 * HTTP client; an exchange beyond them borrows an idle connection of any thread or waits for one (at most its
 * {@code timeout}, then {@link DeadlineTimeoutException}), and an idle connection to another target is closed to make
 * room when only the total stands in the way. A connection the server closed is dropped as soon as its close is seen,
 * and never leased.
 *
 * <p>A call started on its connection's own I/O thread has its request written there and then, without a selector
 * wake-up (see {@link UpstreamSession}); from any other thread it is queued to the connection's thread.
 *
 * <p>These are the connections the gateway can lend to its Switchboard's HTTP transport ({@link LentConnections}):
 * {@link #lease} hands out a connection as {@code HttpAsyncRequester.connect} does (its user runs exchanges on the
 * endpoint and releases it), and {@link #bind} gives the transport's own client handler to every connection opened
 * from then on (those opened before keep HttpCore's handler made here, with the same HTTP/1.1 limits).
 *
 * <p>Thread-safe.
 */
final class UpstreamExchanges implements LentConnections {

    /** The limits of the providers' own HTTP client (the api module's {@code HttpTransport}). */
    static final int MAX_TOTAL = 1024;
    static final int MAX_PER_ROUTE = 512;

    /**
     * An upstream connection's input and output buffers start at 4 KiB and grow when a head or body needs more; heads
     * are read with the limits of the providers' own HTTP client (64 KiB a line, 256 header fields).
     */
    private static final Http1Config HTTP1 = Http1Config.custom()
            .setBufferSize(4096)
            .setMaxLineLength(64 * 1024)
            .setMaxHeaderCount(256)
            .build();

    private final ScheduledExecutorService timer;
    private final int maxTotal;
    private final int maxPerRoute;
    /**
     * HttpCore's client request steps ({@code HttpProcessors.client()}) without {@code Expect: 100-continue} on every
     * request with a body, which would hold each body back for a round trip (or, from a server that sends no 100,
     * for the socket timeout), and with the providers' own User-Agent for a request that names none.
     */
    private static final HttpProcessor REQUEST_STEPS = HttpProcessorBuilder.create()
            .addAll(RequestTargetHost.INSTANCE, RequestContent.INSTANCE, RequestConnControl.INSTANCE,
                    new RequestUserAgent("switchboard"))
            .build();

    private final ClientHttp1StreamDuplexerFactory duplexers = new ClientHttp1StreamDuplexerFactory(
            REQUEST_STEPS, HTTP1, CharCodingConfig.DEFAULT, KeepAlive.REUSE, null, null, null, null, null);
    private final ClientHttp1IOEventHandlerFactory plainHandlers = new ClientHttp1IOEventHandlerFactory(duplexers, null,
            null);
    /** The TLS strategy for https targets; null for HttpCore's default one, made at the first https target. */
    private final TlsStrategy tls;
    /** Made at the first https target: the default TLS context is costly to make and most gateways never need it. */
    private volatile ClientHttp1IOEventHandlerFactory tlsHandlers;
    private final ConcurrentHashMap<HttpHost, Route> routes = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Exchanges waiting for a connection (a limit was reached), oldest first. */
    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private volatile ConnectionInitiator reactor;
    /** The handler factory of the transport these connections are lent to ({@link #bind}); null until then. */
    private volatile IOEventHandlerFactory lentHandlers;
    /** Connections leased now (for an exchange, or lent). */
    private final LongAdder leased = new LongAdder();
    /** The reactor's I/O threads; a thread's index here is its idle lists' index in each {@link Route}. */
    private volatile Thread[] ioThreads = new Thread[0];
    private int ioThreadCount;

    /** {@code timer} ends the waits for a connection beyond the limits. */
    UpstreamExchanges(ScheduledExecutorService timer) {
        this(timer, MAX_TOTAL, MAX_PER_ROUTE);
    }

    UpstreamExchanges(ScheduledExecutorService timer, int maxTotal, int maxPerRoute) {
        this(timer, maxTotal, maxPerRoute, null);
    }

    /** {@code tls}: how https targets are spoken to; null for HttpCore's default (the JVM's trust, host names checked). */
    UpstreamExchanges(ScheduledExecutorService timer, int maxTotal, int maxPerRoute, TlsStrategy tls) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.maxTotal = maxTotal;
        this.maxPerRoute = maxPerRoute;
        this.tls = tls;
    }

    /** The reactor that opens the connections, with its number of I/O threads; once, before it starts. */
    synchronized void openThrough(ConnectionInitiator reactor, int ioThreads) {
        this.ioThreadCount = ioThreads;
        this.reactor = reactor; // last: execute reads it first, and then sees the count
    }

    /**
     * Runs {@code handler}'s exchange with {@code target}: on an idle connection of the calling I/O thread, else on a
     * new connection (or one borrowed or waited for at a limit). Never blocks; see the class comment.
     *
     * @param connectTimeout how long connecting (or waiting for a connection at a limit) may take, and also, as
     *                       {@code HttpAsyncRequester} uses its timeout, a new connection's socket timeout: how long it
     *                       may then stay silent, answers included, before it is closed (a pooled connection keeps
     *                       the one it was opened with)
     */
    public void execute(HttpHost target, AsyncClientExchangeHandler handler, Timeout connectTimeout,
                        HttpContext context) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(context, "context");
        if (reactor == null) {
            handler.failed(new IllegalStateException("the gateway's reactor is not running yet"));
            return;
        }
        Route route = route(target);
        int me = ioThreadIndex();
        UpstreamConnection c = me >= 0 ? route.leaseLocal(me) : route.leaseAny();
        if (c != null) {
            c.execute(handler, target, context);
        } else {
            acquire(route, me, connectTimeout, new Run(handler, target, context));
        }
    }

    /**
     * Leases a keep-alive connection to {@code target} (one of the calling I/O thread's own when it has one idle), or
     * connects one, and hands it to {@code leased}; as {@link #execute}, with an endpoint whose user runs exchanges
     * on it and releases it. The contract of HttpCore's {@code HttpAsyncRequester.connect(target, connectTimeout,
     * null, leased)}. Never blocks.
     */
    @Override
    public void lease(HttpHost target, Timeout connectTimeout, FutureCallback<AsyncClientEndpoint> leased) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(leased, "leased");
        if (reactor == null) {
            leased.failed(new IllegalStateException("the gateway's reactor is not running yet"));
            return;
        }
        Route route = route(target);
        int me = ioThreadIndex();
        UpstreamConnection c = me >= 0 ? route.leaseLocal(me) : route.leaseAny();
        if (c != null) {
            leased.completed(new LentEndpoint(c));
        } else {
            acquire(route, me, connectTimeout, new Lend(leased));
        }
    }

    /** No idle connection of the caller's: a new one, else another thread's idle one, else a wait. */
    private void acquire(Route route, int me, Timeout timeout, Use use) {
        UpstreamConnection c;
        if (reserve(route)) {
            connect(new Connecting(route, use, timeout));
        } else if (me >= 0 && (c = route.leaseAny()) != null) { // at a limit: another thread's idle connection
            use.with(c);
        } else {
            await(new Waiter(route, use, timeout));
        }
    }

    @Override
    public void bind(IOEventHandlerFactory clientHandlers) {
        this.lentHandlers = Objects.requireNonNull(clientHandlers, "clientHandlers");
    }

    @Override
    public int leasedConnections() {
        return (int) leased.sum();
    }

    void leasedOne() {
        leased.increment();
    }

    void releasedOne() {
        leased.decrement();
    }

    private Route route(HttpHost target) {
        Route r = routes.get(target);
        return r != null ? r : routes.computeIfAbsent(target, t -> new Route(t, ioThreadCount));
    }

    // ---------------------------------------------------------------- I/O threads

    /** The calling thread's index among the reactor's I/O threads; -1 when it is not one of them. */
    private int ioThreadIndex() {
        Thread t = Thread.currentThread();
        Thread[] threads = ioThreads;
        for (int i = 0; i < threads.length; i++) {
            if (threads[i] == t) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Called on an I/O thread by the reactor's handler factory, for every connection it accepts or opens: the
     * thread's first call makes it one of the I/O threads whose idle lists exist.
     */
    int onIoThread() {
        int i = ioThreadIndex();
        return i >= 0 ? i : register(Thread.currentThread());
    }

    private synchronized int register(Thread t) {
        Thread[] threads = ioThreads;
        for (int i = 0; i < threads.length; i++) {
            if (threads[i] == t) {
                return i;
            }
        }
        if (threads.length >= ioThreadCount) {
            return -1; // more threads than the reactor said it has: connections made here are not pooled
        }
        Thread[] more = java.util.Arrays.copyOf(threads, threads.length + 1);
        more[threads.length] = t;
        ioThreads = more;
        return threads.length;
    }

    // ---------------------------------------------------------------- connecting

    /** Whether the handler factory's {@code attachment} is one of ours: a connection this class asked for. */
    static boolean opened(Object attachment) {
        return attachment instanceof Connecting;
    }

    /** HttpCore's HTTP/1.1 client handler for a connection opened by {@link #connect}, on its (owning) I/O thread. */
    IOEventHandler createHandler(ProtocolIOSession session, Object attachment) {
        Connecting connecting = (Connecting) attachment;
        Route route = connecting.route;
        IOEventHandlerFactory lent = lentHandlers;
        IOEventHandlerFactory handlers = lent != null ? lent
                : URIScheme.HTTPS.same(route.host.getSchemeName()) ? tlsHandlers() : plainHandlers;
        IOEventHandler http = handlers.createHandler(session, new EndpointParameters(route.host, null));
        UpstreamConnection connection = new UpstreamConnection(this, route, onIoThread(), session);
        leasedOne(); // made for the exchange it was opened for
        route.connections.add(connection);
        connecting.connection = connection;
        return new UpstreamHandler(http, connection);
    }

    private ClientHttp1IOEventHandlerFactory tlsHandlers() {
        ClientHttp1IOEventHandlerFactory f = tlsHandlers;
        if (f == null) {
            synchronized (this) {
                f = tlsHandlers;
                if (f == null) {
                    f = new ClientHttp1IOEventHandlerFactory(duplexers,
                            tls != null ? tls : new BasicClientTlsStrategy(), null);
                    tlsHandlers = f;
                }
            }
        }
        return f;
    }

    private void connect(Connecting connecting) {
        try {
            HttpHost host = connecting.route.host;
            InetSocketAddress address = DefaultAddressResolver.INSTANCE.resolve(host);
            ConnectionInitiator r = reactor;
            if (r == null) {
                throw new IllegalStateException("the gateway's reactor is not running");
            }
            r.connect(host, address, null, connecting.timeout, connecting, connecting);
        } catch (RuntimeException e) { // the reactor is shut down, or the name is unknown
            connecting.failed(e);
        }
    }

    // ---------------------------------------------------------------- limits

    /** Takes one connection's place under both limits; false when either is reached. */
    private boolean reserve(Route route) {
        for (;;) {
            int n = route.open.get();
            if (n >= maxPerRoute) {
                return false;
            }
            if (route.open.compareAndSet(n, n + 1)) {
                break;
            }
        }
        for (;;) {
            int n = open.get();
            if (n >= maxTotal) {
                route.open.decrementAndGet();
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void unreserve(Route route) {
        route.open.decrementAndGet();
        open.decrementAndGet();
        serveWaiting();
    }

    /** Connections open (or being opened) now, to every target. */
    int openConnections() {
        return open.get();
    }

    private void await(Waiter w) {
        waiting.add(w);
        if (TimeValue.isPositive(w.timeout)) { // else it waits as long as it takes, as a disabled timeout means
            try {
                w.expiry = timer.schedule(w::expire, w.timeout.toNanoseconds(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shutDown) {
                w.expire();
                return;
            }
        }
        if (w.route.open.get() < maxPerRoute) {
            closeIdleElsewhere(w.route); // only the total stands in the way: make room
        }
        serveWaiting(); // a place freed before this waiter was seen
        // or a connection given back before this waiter was seen
        UpstreamConnection c = w.done.get() ? null : w.route.leaseAny();
        if (c != null) {
            if (w.claim()) {
                w.use.with(c);
            } else {
                c.discard(); // the waiter was served or expired meanwhile: nobody to give the connection to
            }
        }
    }

    /** Closes one idle connection to a target other than {@code route}'s; its close frees a place. */
    private void closeIdleElsewhere(Route route) {
        for (Route r : routes.values()) {
            if (r != route) {
                for (UpstreamConnection c : r.connections) {
                    if (c.closeIfIdle()) {
                        return;
                    }
                }
            }
        }
    }

    /** Gives free places to waiting exchanges, oldest first. */
    private void serveWaiting() {
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.done.get()) {
                it.remove();
            } else if (reserve(w.route)) {
                if (w.claim()) {
                    it.remove();
                    connect(new Connecting(w.route, w.use, w.timeout));
                } else { // expired meanwhile: the place goes back
                    w.route.open.decrementAndGet();
                    open.decrementAndGet();
                }
            }
        }
    }

    // ---------------------------------------------------------------- a connection's end of an exchange, its close

    /** Whether the calling thread is {@code c}'s owner. */
    boolean onOwnerThread(UpstreamConnection c) {
        return c.owner >= 0 && ioThreadIndex() == c.owner;
    }

    /** {@code c}'s exchange ended and it may be reused; on its owner thread. */
    void released(UpstreamConnection c) {
        if (!waiting.isEmpty() && handOver(c)) {
            return;
        }
        if (!onOwnerThread(c)) {
            c.discard(); // not on its owner thread (never the case for HttpCore's events): not pooled
            return;
        }
        c.idleAgain();
        if (!c.queued) { // else a borrower took it from the list without the owner seeing: it is there still
            c.queued = true;
            c.route.idle[c.owner].addFirst(c);
        }
    }

    /** Gives {@code c} to the oldest exchange waiting for its target, or closes it for one waiting for another. */
    private boolean handOver(UpstreamConnection c) {
        boolean others = false;
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.done.get()) {
                it.remove();
            } else if (w.route != c.route) {
                others = true;
            } else if (w.claim()) {
                it.remove();
                w.use.with(c);
                return true;
            }
        }
        if (others && open.get() >= maxTotal) {
            c.discard(); // its close frees a place for them
            return true;
        }
        return false;
    }

    /** {@code c} is closed; on its owner thread, once. */
    void closed(UpstreamConnection c) {
        if (c.queued && c.owner >= 0) {
            c.queued = false;
            c.route.idle[c.owner].remove(c);
        }
        c.route.connections.remove(c);
        unreserve(c.route);
    }

    // ---------------------------------------------------------------- parts

    /** One target: its connections and their count, and each I/O thread's idle ones. */
    static final class Route {
        final HttpHost host;
        final AtomicInteger open = new AtomicInteger();
        /** Every open connection, for borrowers and for closing idle ones at the total limit. */
        final Set<UpstreamConnection> connections = ConcurrentHashMap.newKeySet();
        /** Per I/O thread: its idle connections, most recently used first; each list touched by its thread only. */
        final ArrayDeque<UpstreamConnection>[] idle;

        @SuppressWarnings("unchecked")
        Route(HttpHost host, int ioThreads) {
            this.host = host;
            this.idle = new ArrayDeque[ioThreads];
            for (int i = 0; i < ioThreads; i++) {
                idle[i] = new ArrayDeque<>();
            }
        }

        /** The calling I/O thread's most recently used idle connection, leased; null when it has none. */
        UpstreamConnection leaseLocal(int me) {
            if (me >= idle.length) {
                return null;
            }
            ArrayDeque<UpstreamConnection> mine = idle[me];
            for (UpstreamConnection c; (c = mine.pollFirst()) != null; ) {
                c.queued = false;
                if (c.lease()) {
                    return c;
                }
            }
            return null;
        }

        /** Any thread's idle connection, leased; null when none is idle. */
        UpstreamConnection leaseAny() {
            for (UpstreamConnection c : connections) {
                if (c.idle() && c.lease()) {
                    return c;
                }
            }
            return null;
        }
    }

    /** What a connection is wanted for: an exchange to run on it, or a lease to hand it to. */
    private interface Use {
        void with(UpstreamConnection c);

        void failed(Exception cause);

        void cancelled();
    }

    /** {@link #execute}'s use: its exchange, run on the connection. */
    private record Run(AsyncClientExchangeHandler handler, HttpHost target, HttpContext context) implements Use {
        @Override
        public void with(UpstreamConnection c) {
            c.execute(handler, target, context);
        }

        @Override
        public void failed(Exception cause) {
            handler.failed(cause);
        }

        @Override
        public void cancelled() {
            handler.cancel();
        }
    }

    /** {@link #lease}'s use: the connection, handed over as an endpoint. */
    private record Lend(FutureCallback<AsyncClientEndpoint> leased) implements Use {
        @Override
        public void with(UpstreamConnection c) {
            leased.completed(new LentEndpoint(c));
        }

        @Override
        public void failed(Exception cause) {
            leased.failed(cause);
        }

        @Override
        public void cancelled() {
            leased.cancelled();
        }
    }

    /** A connection being opened for one use: the reactor's attachment for it, and the outcome's callback. */
    private final class Connecting implements FutureCallback<IOSession> {
        final Route route;
        final Use use;
        final Timeout timeout;
        /** Made by {@link #createHandler} (the place reserved for it is its own from then on). */
        UpstreamConnection connection;

        Connecting(Route route, Use use, Timeout timeout) {
            this.route = route;
            this.use = use;
            this.timeout = timeout;
        }

        /** On the new connection's I/O thread, just after its handler was made and before it is connected. */
        @Override
        public void completed(IOSession session) {
            session.setSocketTimeout(timeout);
            use.with(connection);
        }

        @Override
        public void failed(Exception cause) {
            try {
                if (connection == null) {
                    unreserve(route);
                }
            } finally {
                use.failed(cause);
            }
        }

        @Override
        public void cancelled() {
            try {
                if (connection == null) {
                    unreserve(route);
                }
            } finally {
                use.cancelled();
            }
        }
    }

    /** A use waiting for a connection beyond a limit. */
    private static final class Waiter {
        final Route route;
        final Use use;
        final Timeout timeout;
        final AtomicBoolean done = new AtomicBoolean();
        final Deadline deadline;
        volatile java.util.concurrent.ScheduledFuture<?> expiry;

        Waiter(Route route, Use use, Timeout timeout) {
            this.route = route;
            this.use = use;
            this.timeout = timeout;
            this.deadline = Deadline.calculate(timeout);
        }

        /** Takes the waiter for a connection; false when it expired (or was served) already. */
        boolean claim() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            java.util.concurrent.ScheduledFuture<?> f = expiry;
            if (f != null) {
                f.cancel(false);
            }
            return true;
        }

        void expire() {
            if (done.compareAndSet(false, true)) {
                use.failed(DeadlineTimeoutException.from(deadline));
            }
        }
    }
}
