package dev.switchboard.http;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestWriterFactory;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import dev.switchboard.internal.LentConnections;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP machinery one Switchboard instance shares across all its providers: a pooled Apache HttpClient 5
 * (classic, blocking), a non-blocking HTTP/1.1 client for calls that hold no thread while the upstream answers
 * ({@link AsyncExchanges}, started on first use), and one daemon thread that enforces the timeouts of both.
 * Thread-safe. Closing it closes every connection.
 */
public final class HttpTransport implements AutoCloseable {

    /** Default pool limits: the library's own default (5 per route) would throttle a busy gateway. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ROUTE = 512;

    /**
     * The longest line of a response head read from an upstream (the status line, one header, a chunk-size line)
     * and the most header fields: the head is read before any body limit applies, and the HTTP library's own
     * default is no limit at all, so one upstream could otherwise fill the heap with a single header.
     */
    public static final int MAX_HEAD_LINE_BYTES = 64 * 1024;
    public static final int MAX_HEADER_FIELDS = 256;

    /** A pooled connection's initial input and output buffer size; see the constructor. */
    static final int CONNECTION_BUFFER_BYTES = 4096;

    /** What every request says it comes from. */
    static final String USER_AGENT = "switchboard";

    private final int maxConnections;
    private final int maxPerRoute;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final TimeoutSweeper timeouts;
    /** The non-blocking client, started by the first call that needs it; null until then. */
    private volatile @Nullable AsyncExchanges asyncExchanges;
    /** Guards starting the non-blocking client against closing the transport. */
    private final Object lifecycle = new Object();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The HTTP/1.1 settings of a pooled connection, on either client. Its input and output buffers (HttpClient's
     * default is 8 KiB each): 4 KiB holds a usual request and a stream's events between reads, and a gateway relaying
     * 1,000 streams keeps 1,000 connections, 8 MB less. Longer heads, bodies and answers pass through in several
     * reads. The head limits: see {@link #MAX_HEAD_LINE_BYTES}.
     */
    static final Http1Config HTTP1 = Http1Config.custom()
            .setBufferSize(CONNECTION_BUFFER_BYTES)
            .setMaxLineLength(MAX_HEAD_LINE_BYTES)
            .setMaxHeaderCount(MAX_HEADER_FIELDS)
            .build();

    private HttpTransport(int maxConnections, int maxPerRoute) {
        this.maxConnections = maxConnections;
        this.maxPerRoute = maxPerRoute;
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxPerRoute)
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(HTTP1)
                        // the same limits for the response parser, which reuses its line buffers and repeated headers
                        .responseParserFactory(ResponseHeadParser.factory(HTTP1))
                        // HttpCore's request writer, with HTTP/1.1 written as a constant rather than formatted each time
                        .requestWriterFactory(new DefaultHttpRequestWriterFactory(RequestLineFormatter.INSTANCE))
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .setTimeToLive(TimeValue.ofMinutes(5))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .disableAutomaticRetries() // retries are the router's decision, with LLM-aware backoff
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                // no user token per connection (NTLM, TLS client certificates: not used), which costs a lookup and
                // an HttpHost on every request
                .disableConnectionState()
                // HttpClient's reuse decisions without tokenizing the usual keep-alive exchange's headers on every call
                .setConnectionReuseStrategy(ConnectionReuse.INSTANCE)
                .setKeepAliveStrategy(ConnectionReuse.INSTANCE)
                // no HTTP authentication (keys go in headers) and no proxy: the protocol step without their bookkeeping
                .replaceExecInterceptor(ChainElement.PROTOCOL.name(), new DirectProtocolExec())
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .setUserAgent(USER_AGENT)
                .build();
        this.timeouts = new TimeoutSweeper();
    }

    public static HttpTransport create() {
        return new HttpTransport(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ROUTE);
    }

    public static HttpTransport create(int maxConnections, int maxConnectionsPerRoute) {
        return new HttpTransport(maxConnections, maxConnectionsPerRoute);
    }

    /** The pooled client; package-private so that no Apache type is part of the SPI (plugins may bundle their own). */
    CloseableHttpClient client() {
        return client;
    }

    TimeoutSweeper timeouts() {
        return timeouts;
    }

    /**
     * The non-blocking client, started on first use with the same pool limits as the blocking one (its own pool):
     * a process that never makes a call without waiting (a CLI command) never starts its I/O threads.
     *
     * @throws IllegalStateException once this transport is closed
     */
    AsyncExchanges asyncExchanges() {
        AsyncExchanges lentNow = lent;
        if (lentNow != null) {
            return lentNow;
        }
        AsyncExchanges started = asyncExchanges;
        if (started != null && !closed.get()) {
            return started;
        }
        synchronized (lifecycle) {
            if (closed.get()) {
                throw new IllegalStateException("the HTTP transport is closed");
            }
            started = asyncExchanges;
            if (started == null) {
                started = AsyncExchanges.start(maxConnections, maxPerRoute);
                asyncExchanges = started;
            }
            return started;
        }
    }

    /** Exchanges on connections a server lends ({@link #lend}); null when none are lent. */
    private volatile @Nullable AsyncExchanges lent;

    /**
     * From now on, calls without waiting take their connections from {@code lender} (a server's own I/O threads)
     * instead of this transport's non-blocking client, until {@link #reclaim}; calls already under way finish where
     * they are. For Switchboard's own modules (the gateway): {@link LentConnections} is not part of the contract.
     *
     * @throws IllegalStateException when connections are lent already, or this transport is closed
     */
    public void lend(LentConnections lender) {
        java.util.Objects.requireNonNull(lender, "lender");
        synchronized (lifecycle) {
            if (closed.get()) {
                throw new IllegalStateException("the HTTP transport is closed");
            }
            if (lent != null) {
                throw new IllegalStateException("connections are lent to this transport already");
            }
            lender.bind(AsyncExchanges.clientHandlers());
            lent = AsyncExchanges.lent(lender);
        }
    }

    /** Ends {@code lender}'s loan ({@link #lend}): later calls use this transport's own client again. */
    public void reclaim(LentConnections lender) {
        synchronized (lifecycle) {
            AsyncExchanges l = lent;
            if (l != null && l.lentBy(lender)) {
                lent = null;
            }
        }
    }

    /** Connections leased now, on either client and from a lender (for leak checks and metrics). */
    public int leasedConnections() {
        AsyncExchanges async = asyncExchanges;
        AsyncExchanges lentNow = lent;
        return pool.getTotalStats().getLeased() + (async == null ? 0 : async.leasedConnections())
                + (lentNow == null ? 0 : lentNow.leasedConnections());
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Closes every connection of both clients and stops their threads; idempotent. */
    @Override
    public void close() {
        AsyncExchanges async;
        synchronized (lifecycle) { // no non-blocking client starts once closed
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            async = asyncExchanges;
        }
        timeouts.stop();
        client.close(CloseMode.IMMEDIATE);
        if (async != null) {
            async.close();
        }
    }
}
