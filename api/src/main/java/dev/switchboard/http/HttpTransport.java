package dev.switchboard.http;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;

/**
 * The HTTP machinery one Switchboard instance shares across all its providers: a pooled Apache HttpClient 5
 * (classic, blocking) and one daemon thread that enforces timeouts. Thread-safe. Closing it closes every
 * connection.
 */
public final class HttpTransport implements AutoCloseable {

    /** Default pool limits: the library's own default (5 per route) would throttle a busy gateway. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ROUTE = 512;

    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final TimeoutSweeper timeouts;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private HttpTransport(int maxConnections, int maxPerRoute) {
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxPerRoute)
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
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .setUserAgent("switchboard")
                .build();
        this.timeouts = new TimeoutSweeper();
    }

    public static HttpTransport create() {
        return new HttpTransport(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ROUTE);
    }

    public static HttpTransport create(int maxConnections, int maxConnectionsPerRoute) {
        return new HttpTransport(maxConnections, maxConnectionsPerRoute);
    }

    public CloseableHttpClient client() {
        return client;
    }

    TimeoutSweeper timeouts() {
        return timeouts;
    }

    /** Connections leased now (for leak checks and metrics). */
    public int leasedConnections() {
        return pool.getTotalStats().getLeased();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Closes every connection and stops the timeout thread; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timeouts.stop();
        client.close(CloseMode.IMMEDIATE);
    }
}
