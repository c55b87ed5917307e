package dev.switchboard.http;

import dev.switchboard.internal.LentConnections;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.CharCodingConfig;
import org.apache.hc.core5.http.impl.nio.ClientHttp1IOEventHandlerFactory;
import org.apache.hc.core5.http.impl.nio.ClientHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestWriterFactory;
import org.apache.hc.core5.http.nio.ssl.BasicClientTlsStrategy;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.jspecify.annotations.Nullable;
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

    /** The transport's own requester; null when connections are lent ({@link #lent}). */
    private final @Nullable HttpAsyncRequester requester;
    private final @Nullable LentConnections lender;

    private AsyncExchanges(@Nullable HttpAsyncRequester requester, @Nullable LentConnections lender) {
        this.requester = requester;
        this.lender = lender;
    }

    /** Exchanges on connections a server lends ({@link HttpTransport#lend}): no I/O threads of their own. */
    static AsyncExchanges lent(LentConnections lender) {
        return new AsyncExchanges(null, lender);
    }

    /** Whether these exchanges run on {@code lender}'s connections. */
    boolean lentBy(LentConnections lender) {
        return this.lender == lender;
    }

    /**
     * The handler of a connection opened for these exchanges, as the requester below makes it for its own
     * connections: HttpCore's HTTP/1.1 client handler with the same settings, head listener and TLS (whose context
     * is made at the first https target: most gateways never need one), one {@link AnswerHeadParser} per
     * connection where the requester uses HttpCore's own (its bootstrap takes no response parser), and the request
     * line written with the {@link RequestLineFormatter} the blocking client uses (HttpCore's makes the version's text
     * for every request; its bootstrap takes no writer either).
     */
    static IOEventHandlerFactory clientHandlers() {
        ClientHttp1StreamDuplexerFactory duplexers = new ClientHttp1StreamDuplexerFactory(PROCESSOR, HttpTransport.HTTP1,
                CharCodingConfig.DEFAULT, ConnectionReuse.INSTANCE, AnswerHeadParser.factory(HttpTransport.HTTP1),
                new DefaultHttpRequestWriterFactory(HttpTransport.HTTP1, RequestLineFormatter.INSTANCE),
                RequestHeads.INSTANCE);
        return new ClientHttp1IOEventHandlerFactory(duplexers, new FirstUseTls(), null);
    }

    /** The protocol step of every request: see {@link #requester}. */
    private static final DefaultHttpProcessor PROCESSOR = new DefaultHttpProcessor(RequestContent.INSTANCE);

    /** Starts a requester's I/O threads; see {@link #requester}. */
    static AsyncExchanges start(int maxConnections, int maxPerRoute) {
        HttpAsyncRequester requester = requester(maxConnections, maxPerRoute);
        requester.start();
        return new AsyncExchanges(requester, null);
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
                .setHttpProcessor(PROCESSOR)
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
        if (lender != null) {
            lender.lease(exchange.target(), connectTimeout, exchange.leasing());
        } else {
            requester.connect(exchange.target(), connectTimeout, null, exchange.leasing());
        }
    }

    /** Connections leased now. */
    int leasedConnections() {
        return lender != null ? lender.leasedConnections() : requester.getTotalStats().getLeased();
    }

    /**
     * Closes every connection at once (exchanges in flight fail) and stops the I/O threads; lent connections are
     * their lender's to close.
     */
    @Override
    public void close() {
        if (requester != null) {
            requester.close(CloseMode.IMMEDIATE);
        }
    }

    /**
     * HttpCore's client TLS, made when a connection first needs it: the default SSL context takes tens of
     * milliseconds to make, which a gateway calling plain-HTTP upstreams (a local model server) never needs.
     */
    private static final class FirstUseTls implements TlsStrategy {
        private volatile @Nullable TlsStrategy tls;

        private TlsStrategy tls() {
            TlsStrategy t = tls;
            if (t == null) {
                synchronized (this) {
                    t = tls;
                    if (t == null) {
                        t = new BasicClientTlsStrategy();
                        tls = t;
                    }
                }
            }
            return t;
        }

        @Override
        public void upgrade(TransportSecurityLayer session, NamedEndpoint endpoint, Object attachment, Timeout timeout,
                            FutureCallback<TransportSecurityLayer> callback) {
            tls().upgrade(session, endpoint, attachment, timeout, callback);
        }

        @Override
        @Deprecated
        public boolean upgrade(TransportSecurityLayer session, HttpHost host, java.net.SocketAddress localAddress,
                               java.net.SocketAddress remoteAddress, Object attachment, Timeout timeout) {
            return tls().upgrade(session, host, localAddress, remoteAddress, attachment, timeout);
        }
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
