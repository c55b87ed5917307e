package dev.switchboard.gateway;

import dev.switchboard.runtime.Switchboard;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.function.Supplier;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/** The running server behind {@link Gateway}: the reactor, the worker pool and what the exchanges share. */
final class GatewayServer {

    static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    /**
     * A connection with no traffic for this long is closed. Long, because a streamed answer may be silent while its
     * provider thinks (the provider's own first-byte and idle timeouts end a stuck upstream first).
     */
    private static final Timeout SOCKET_TIMEOUT = Timeout.ofMinutes(15);

    /** A client connection's initial input and output buffer size (HttpCore's default is 8 KiB); see the constructor. */
    static final int CONNECTION_BUFFER_BYTES = 4096;

    /** How long the answers ended at shutdown (error events, 503s) may take to reach their clients. */
    private static final Duration ENDING_FLUSH = Duration.ofSeconds(1);

    private final Switchboard switchboard;
    private final GatewayConfig config;
    private final AccessKeys keys;
    private final Map<AccessKey, KeyAccount> accounts;
    private final ModelResolver resolver;
    private final ResponseCache cache;
    private final Metrics metrics = new Metrics();
    /** Stops feeding {@link #metrics} from the ledger's records. */
    private final Runnable stopMetering;
    private final ConnectionGuard guard;
    private final java.util.concurrent.atomic.LongAdder exchangeFailures = new java.util.concurrent.atomic.LongAdder();
    private final InfoEndpoints info;
    private final DashboardEndpoints dashboard;
    private final Workers workers;
    private final HttpAsyncServer reactor;
    /** Exchanges with upstreams over connections on {@link #reactor}'s own I/O threads. */
    private final UpstreamExchanges upstream;
    private final InetSocketAddress address;
    private final Object lock = new Object();
    // Guarded by lock.
    private int exchanges;
    /** The exchanges counted in {@link #exchanges}, so a shutdown can abandon those that outlast the grace. */
    private final Set<Exchange> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean draining;
    private volatile boolean closed;
    /** Requests still in flight when the shutdown grace ended (their answers were ended with an error). */
    private volatile int abandoned;

    GatewayServer(Switchboard switchboard, GatewayConfig config) {
        this.switchboard = switchboard;
        this.config = config;
        this.keys = new AccessKeys(config.keys(), config.openEndpoints());
        Map<AccessKey, KeyAccount> byKey = new IdentityHashMap<>();
        for (AccessKey k : config.keys()) {
            byKey.put(k, new KeyAccount(k, switchboard));
        }
        this.accounts = Collections.unmodifiableMap(byKey);
        this.resolver = new ModelResolver(switchboard);
        this.cache = new ResponseCache(switchboard);
        this.info = new InfoEndpoints(this);
        this.dashboard = new DashboardEndpoints(this);
        this.stopMetering = switchboard.ledger().listen(metrics::recorded);
        this.workers = new Workers(config.maxConcurrentRequests());
        this.guard = new ConnectionGuard(config.clientLimits());
        Supplier<AsyncServerExchangeHandler> plain = () -> new Exchange(this, false);
        Supplier<AsyncServerExchangeHandler> expecting = () -> new Exchange(this, true);
        ClientLimits limits = config.clientLimits();
        // The parser's own limits, a step above ours: the head guard answers first with 414/431, these only back it
        // up (for a pipelined head the guard did not see whole).
        Http1Config http1 = Http1Config.custom()
                // Each connection's input and output buffers start at this size and grow when a head or body needs
                // more: 4 KiB holds a usual request and answer whole, and 1,000 open streams hold 8 MB less than
                // with HttpCore's 8 KiB.
                .setBufferSize(CONNECTION_BUFFER_BYTES)
                .setMaxLineLength(Math.max(limits.maxRequestLine(), limits.maxHeaderBytes()) + 1024)
                .setMaxHeaderCount(limits.maxHeaderCount() + 1)
                .build();
        this.upstream = new UpstreamExchanges(guard.timer());
        this.reactor = GatewayReactor.create(http1,
                IOReactorConfig.custom()
                        .setSoTimeout(SOCKET_TIMEOUT)
                        .setTcpNoDelay(true)
                        .setSoReuseAddress(true)
                        .setIoThreadCount(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())))
                        .build(),
                // HttpCore's connection handling, without parsing the usual Connection header into tokens twice
                KeepAlive.serverProcessor(),
                KeepAlive.REUSE,
                // An exchange answers 'Expect: 100-continue' itself, after its checks: the bootstrap's own handling
                // would send 100 before the exchange could refuse a body over max-body.
                (request, context) -> expectsContinue(request) ? expecting : plain,
                guard::decorate,
                guard,
                // A connection's I/O error is routine (DEBUG); anything else is a bug worth one line.
                e -> FailureLine.log(e instanceof java.io.IOException
                        ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "gateway I/O", e),
                upstream);
        try {
            reactor.start();
            ListenerEndpoint endpoint = reactor.listen(new InetSocketAddress(config.host(), config.port())).get();
            this.address = (InetSocketAddress) endpoint.getAddress();
        } catch (ExecutionException e) {
            reactor.close(CloseMode.IMMEDIATE);
            workers.shutdownNow();
            guard.shutdown();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + " ("
                    + e.getCause().getMessage() + "); set switchboard.gateway.host/port (or switchboard serve --port)", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reactor.close(CloseMode.IMMEDIATE);
            workers.shutdownNow();
            guard.shutdown();
            throw new IllegalStateException("interrupted while starting the gateway", e);
        }
        lendUpstreamConnections();
        if (!config.loopbackOnly() && config.keys().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "the gateway listens on {0}, beyond this machine, without access keys:"
                    + " anyone who can reach it can spend your provider credits; set switchboard.gateway.keys", address);
        }
        LOG.log(System.Logger.Level.INFO, "gateway listening on http://{0}:{1}/v1 ({2} routes, {3} providers)",
                address.getHostString(), Integer.toString(address.getPort()), switchboard.routeNames().size(),
                switchboard.providerNames().size());
    }

    /** Whether the providers' calls without waiting use this server's connections ({@link #lendUpstreamConnections}). */
    private volatile boolean lent;

    /**
     * Lends the providers' calls without waiting the connections of this server's own I/O threads, so that a call
     * started on one of them is written, answered and read there, with no hop to the transport's own I/O threads and
     * back. A second gateway on the same Switchboard finds them lent already and leaves its providers' calls on the
     * first one's (or, once that one stops, on the transport's own client).
     */
    private void lendUpstreamConnections() {
        try {
            switchboard.transport().lend(upstream);
            lent = true;
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "upstream connections not lent: {0}", e.getMessage());
        }
    }

    /** Whether the request asks for {@code 100 Continue}; the header is removed, the exchange sends 100 itself. */
    private static boolean expectsContinue(org.apache.hc.core5.http.HttpRequest request) {
        org.apache.hc.core5.http.Header expect = request.getFirstHeader(org.apache.hc.core5.http.HttpHeaders.EXPECT);
        if (expect == null || !"100-continue".equalsIgnoreCase(expect.getValue().strip())) {
            return false;
        }
        request.removeHeaders(org.apache.hc.core5.http.HttpHeaders.EXPECT);
        return true;
    }

    Switchboard switchboard() { return switchboard; }
    ConnectionGuard guard() { return guard; }
    /** Upstream exchanges on this server's I/O threads: one started on an I/O thread is answered on it. */
    UpstreamExchanges upstreamExchanges() { return upstream; }

    /** An exchange failed inside the gateway (a bug or a fatal error, not a provider's failure): counted for /health. */
    void exchangeFailed() {
        exchangeFailures.increment();
    }

    long exchangeFailures() {
        return exchangeFailures.sum();
    }
    GatewayConfig config() { return config; }
    AccessKeys keys() { return keys; }
    /** The account of a key the request carried; null for none (no keys configured). */
    KeyAccount account(AccessKey key) { return key == null ? null : accounts.get(key); }
    java.util.Collection<KeyAccount> accounts() { return accounts.values(); }
    ModelResolver resolver() { return resolver; }
    ResponseCache cache() { return cache; }
    Metrics metrics() { return metrics; }
    InfoEndpoints info() { return info; }
    DashboardEndpoints dashboard() { return dashboard; }
    ExecutorService workers() { return workers; }
    InetSocketAddress address() { return address; }
    boolean draining() { return draining; }

    int activeWorkers() {
        return workers.busy();
    }

    /** Calls started without a worker and not yet ended ({@link #callStarting}). */
    private final AtomicInteger callsWithoutWorker = new AtomicInteger();

    /**
     * Counts a call about to start without a worker, if {@code max-concurrent-requests} leaves room for it beside the
     * busy workers (a call that holds no thread still counts as a request being served); false: it goes to a worker,
     * whose pool refuses it with 503 when full.
     */
    boolean callStarting() {
        int max = config.maxConcurrentRequests();
        while (true) {
            int n = callsWithoutWorker.get();
            if (n + workers.busy() >= max) {
                return false;
            }
            if (callsWithoutWorker.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Whether a request may go to a worker as far as the calls without one are concerned: together they may not
     * exceed {@code max-concurrent-requests} (the pool itself refuses past its own size).
     */
    boolean workerAllowed() {
        int calls = callsWithoutWorker.get();
        return calls == 0 || calls + workers.busy() < config.maxConcurrentRequests();
    }

    /** A call counted by {@link #callStarting} ended, or did not start after all. */
    void callEnded() {
        callsWithoutWorker.decrementAndGet();
    }

    /** Calls started without a worker and still waiting for their answers. */
    int callsWithoutWorker() {
        return callsWithoutWorker.get();
    }

    int workerThreads() {
        return workers.getPoolSize();
    }

    void exchangeStarted(Exchange exchange) {
        synchronized (lock) {
            exchanges++;
            live.add(exchange);
        }
    }

    void exchangeEnded(Exchange exchange) {
        synchronized (lock) {
            exchanges--;
            live.remove(exchange);
            lock.notifyAll();
        }
    }

    int exchangesInFlight() {
        synchronized (lock) {
            return exchanges;
        }
    }

    /**
     * Stops accepting, answers new requests on open connections with 503, lets those in flight finish for up to
     * {@code grace}, then closes every connection and stops the workers (aborting their upstream calls).
     */
    void shutdown(Duration grace) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        draining = true;
        for (ListenerEndpoint e : reactor.getEndpoints()) {
            e.close(CloseMode.GRACEFUL);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        List<Exchange> overdue;
        synchronized (lock) {
            while (exchanges > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (exchanges > 0) {
                LOG.log(System.Logger.Level.WARNING, "gateway shutdown: {0} requests still in flight after {1}; closing them",
                        exchanges, grace);
            }
            overdue = List.copyOf(live);
        }
        abandoned = overdue.size();
        // End their answers with an error (a stream gets an error event and its end), and abort their upstream calls
        // now: a worker blocked in a read does not notice the reactor closing, and an interrupt does not unblock
        // socket I/O. Then give the reactor a moment to send those endings before it closes every connection.
        for (Exchange e : overdue) {
            e.abandon();
        }
        if (!overdue.isEmpty()) {
            interrupted |= awaitExchanges(System.nanoTime() + ENDING_FLUSH.toNanos());
        }
        if (lent) {
            switchboard.transport().reclaim(upstream); // later calls (a library user's) use the transport's own client
        }
        reactor.initiateShutdown();
        reactor.close(CloseMode.IMMEDIATE);
        workers.shutdownNow();
        guard.shutdown();
        try {
            reactor.awaitShutdown(TimeValue.ofSeconds(5));
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        stopMetering.run();
        LOG.log(System.Logger.Level.INFO, "gateway on {0} stopped", address);
    }

    /** Waits until no exchange is in flight or {@code deadline}; whether it was interrupted. */
    private boolean awaitExchanges(long deadline) {
        synchronized (lock) {
            while (exchanges > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return true;
                }
            }
            return false;
        }
    }

    int abandoned() {
        return abandoned;
    }

    boolean isClosed() {
        return closed;
    }

    void awaitTermination() throws InterruptedException {
        workers.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        reactor.awaitShutdown(TimeValue.MAX_VALUE);
    }

    /**
     * The workers' pool, counting its busy workers itself: {@link ThreadPoolExecutor#getActiveCount} takes the pool's
     * lock and walks its workers with an iterator, and {@link #callStarting} asks on every call without a worker.
     */
    private static final class Workers extends ThreadPoolExecutor {
        private final AtomicInteger busy = new AtomicInteger();

        Workers(int max) {
            super(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), new WorkerThreads());
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            busy.incrementAndGet();
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            busy.decrementAndGet();
        }

        /** Workers running a task now, as {@link #getActiveCount} counts them. */
        int busy() {
            return busy.get();
        }
    }

    /** Daemon worker threads, named, with a modest stack: a thousand streams hold a thousand of them. */
    private static final class WorkerThreads implements ThreadFactory {
        private static final AtomicInteger POOLS = new AtomicInteger();
        private final int pool = POOLS.incrementAndGet();
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "switchboard-gateway-" + pool + "-worker-" + count.incrementAndGet(), 512 * 1024);
            t.setDaemon(true);
            // Exchanges catch their own failures; this is the last resort, one line instead of a trace on stderr.
            t.setUncaughtExceptionHandler((thread, e) ->
                    FailureLine.log(System.Logger.Level.ERROR, "gateway worker " + thread.getName() + " failed", e));
            return t;
        }
    }
}
