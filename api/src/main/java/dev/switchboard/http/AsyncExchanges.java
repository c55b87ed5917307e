package dev.switchboard.http;

import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.Http1StreamListener;
import org.apache.hc.core5.http.impl.bootstrap.AsyncRequesterBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncRequester;
import org.apache.hc.core5.http.protocol.DefaultHttpProcessor;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The non-blocking side of {@link HttpTransport}: HttpCore 5's own HTTP/1.1 requester (its I/O reactor, its
 * connection pool and its client codec) running {@link AsyncJsonExchange}s, so that no thread waits while an
 * upstream answers. Owned and closed by the transport, which starts it on first use. Thread-safe.
 */
final class AsyncExchanges implements AutoCloseable {

    /** How long a pooled connection is kept at most, as on the blocking client. */
    private static final Timeout TIME_TO_LIVE = Timeout.ofMinutes(5);

    private final HttpAsyncRequester requester;

    private AsyncExchanges(HttpAsyncRequester requester) {
        this.requester = requester;
    }

    /** Starts a requester's I/O threads; see {@link #requester}. */
    static AsyncExchanges start(int maxConnections, int maxPerRoute) {
        HttpAsyncRequester requester = requester(maxConnections, maxPerRoute);
        requester.start();
        return new AsyncExchanges(requester);
    }

    /**
     * The requester, made here and nowhere else (a server may later lend its own reactor's threads to these
     * connections, and then this is what changes): min(2, cores) I/O threads, TCP_NODELAY, the blocking client's
     * HTTP/1.1 settings ({@link HttpTransport#HTTP1}: buffer size and head limits) and connection reuse decision
     * ({@link ConnectionReuse}), and a pool with the same limits. The lax pool takes no lock shared by all routes
     * on lease and release; it keeps the limit per route, and has no limit in all.
     *
     * <p>The protocol step only adds Content-Length and Content-Type: {@link HttpProviderClient} sets every other
     * header itself (HttpCore's default step would also ask for {@code Expect: 100-continue}, a round trip more).
     */
    static HttpAsyncRequester requester(int maxConnections, int maxPerRoute) {
        return AsyncRequesterBootstrap.bootstrap()
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
                        .setTcpNoDelay(true)
                        .build())
                .setHttp1Config(HttpTransport.HTTP1)
                .setHttpProcessor(new DefaultHttpProcessor(RequestContent.INSTANCE))
                .setConnectionReuseStrategy(ConnectionReuse.INSTANCE)
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxTotal(maxConnections)
                .setDefaultMaxPerRoute(maxPerRoute)
                .setTimeToLive(TIME_TO_LIVE)
                .setStreamListener(RequestHeads.INSTANCE)
                .create();
    }

    /**
     * Starts an exchange: leases a pooled connection to its target, or connects one, within {@code connectTimeout};
     * the exchange sends its request on it and hears the rest on the connection's I/O thread. The exchange hands the
     * connection back itself (see {@link AsyncJsonExchange}), which is why this is not the requester's own execute.
     */
    void execute(AsyncJsonExchange<?> exchange, Timeout connectTimeout) {
        requester.connect(exchange.target(), connectTimeout, null, exchange.leasing());
    }

    /** Connections leased now. */
    int leasedConnections() {
        return requester.getTotalStats().getLeased();
    }

    /** Closes every connection at once (exchanges in flight fail) and stops the I/O threads. */
    @Override
    public void close() {
        requester.close(CloseMode.IMMEDIATE);
    }

    /**
     * Tells an exchange which connection its request goes out on, as its head is written: that is when its socket
     * timeout is set and from when aborting it means closing that connection.
     */
    private enum RequestHeads implements Http1StreamListener {
        INSTANCE;

        @Override
        public void onRequestHead(HttpConnection connection, HttpRequest request) {
            if (request instanceof AsyncJsonExchange.Request exchangeRequest) {
                exchangeRequest.exchange().sending(connection);
            }
        }

        @Override
        public void onResponseHead(HttpConnection connection, HttpResponse response) {
            // nothing to do: the exchange hears of the answer's head itself
        }

        @Override
        public void onExchangeComplete(HttpConnection connection, boolean keepAlive) {
            // nothing to do: the requester hands the connection back to its pool
        }
    }
}
