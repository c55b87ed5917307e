package dev.switchboard.gateway;

import org.apache.hc.core5.function.Callback;
import org.apache.hc.core5.function.Decorator;
import org.apache.hc.core5.function.Supplier;
import org.apache.hc.core5.http.ConnectionReuseStrategy;
import org.apache.hc.core5.http.HttpRequestMapper;
import org.apache.hc.core5.http.config.CharCodingConfig;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.impl.nio.ServerHttp1IOEventHandlerFactory;
import org.apache.hc.core5.http.impl.nio.ServerHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.http.nio.support.BasicAsyncServerExpectationDecorator;
import org.apache.hc.core5.http.nio.support.DefaultAsyncResponseExchangeHandlerFactory;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;

/**
 * The gateway's HTTP/1.1 server, assembled from HttpCore's parts as {@link AsyncServerBootstrap#create()} assembles
 * it for a request router without routes or filters and without TLS, with one difference: each connection reads
 * request heads with a {@link RequestHeadParser} and writes answer heads with a {@link ResponseHeadWriter}, which
 * the bootstrap has no setting for. Everything else is the bootstrap's: the router's handlers wrapped in
 * {@link BasicAsyncServerExpectationDecorator}, HttpCore's default char coding and content-length strategies, no
 * stream listener, and the server made without a canonical host name as the bootstrap makes it (the bootstrap's
 * own setting only names the host of registered routes, and the gateway registers none: its router picks every
 * handler).
 *
 * <p>The same reactor also opens the gateway's upstream connections ({@link UpstreamExchanges}): its one handler
 * factory makes HttpCore's HTTP/1.1 client handler for a connection it opened for them (told apart by the connect
 * attachment) and the server's handler, as before, for every connection it accepted.
 */
final class GatewayReactor {

    private GatewayReactor() {
    }

    static HttpAsyncServer create(Http1Config http1Config, IOReactorConfig reactorConfig, HttpProcessor processor,
                                  ConnectionReuseStrategy reuse,
                                  HttpRequestMapper<Supplier<AsyncServerExchangeHandler>> router,
                                  Decorator<IOSession> sessionDecorator, IOSessionListener sessionListener,
                                  Callback<Exception> exceptionCallback, UpstreamExchanges upstream) {
        DefaultAsyncResponseExchangeHandlerFactory handlers = new DefaultAsyncResponseExchangeHandlerFactory(router,
                handler -> new BasicAsyncServerExpectationDecorator(handler, exceptionCallback));
        ServerHttp1StreamDuplexerFactory connections = new ServerHttp1StreamDuplexerFactory(
                processor,
                handlers,
                http1Config,
                CharCodingConfig.DEFAULT,
                reuse,
                RequestHeadParser.factory(http1Config),
                ResponseHeadWriter.factory(http1Config),
                DefaultContentLengthStrategy.INSTANCE,
                DefaultContentLengthStrategy.INSTANCE,
                null,
                exceptionCallback);
        IOEventHandlerFactory server = new ServerHttp1IOEventHandlerFactory(connections, null, null);
        IOEventHandlerFactory both = (session, attachment) -> {
            upstream.onIoThread();
            return UpstreamExchanges.opened(attachment)
                    ? upstream.createHandler(session, attachment)
                    : server.createHandler(session, attachment);
        };
        HttpAsyncServer reactor = new HttpAsyncServer(both, reactorConfig, sessionDecorator, exceptionCallback,
                sessionListener);
        // HttpAsyncServer is a ConnectionInitiator: a connection it opens lands on one of its I/O threads in turn
        upstream.openThrough(reactor, reactorConfig.getIoThreadCount());
        return reactor;
    }
}
