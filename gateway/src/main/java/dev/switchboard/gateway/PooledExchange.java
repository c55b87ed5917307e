package dev.switchboard.gateway;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * One exchange on a pooled {@link UpstreamConnection}: the caller's handler, and the connection given back when the
 * answer has ended (to the pool, or closed when the exchange failed or was cancelled), as HttpCore's
 * {@code HttpAsyncRequester} does for the exchanges it executes: back to the pool when the answer came without a body
 * or its body ended, closed on failure or cancellation. A request without an authority gets the target's, as there.
 */
final class PooledExchange implements AsyncClientExchangeHandler, RequestChannel {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(PooledExchange.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UpstreamConnection connection;
    private final AsyncClientExchangeHandler handler;
    private final HttpHost target;
    /** HttpCore's channel for the request head, while the handler is asked for it. */
    private volatile RequestChannel channel;
    /** Whether the connection was given back (or closed) already: once per exchange, whichever way comes first. */
    @SuppressWarnings("unused") // through RELEASED
    private volatile boolean released;

    PooledExchange(UpstreamConnection connection, AsyncClientExchangeHandler handler, HttpHost target) {
        this.connection = connection;
        this.handler = handler;
        this.target = target;
    }

    private boolean release() {
        return RELEASED.compareAndSet(this, false, true);
    }

    /** The answer has ended: the connection may serve the next exchange. */
    private void releaseAndReuse() {
        if (release()) {
            connection.released();
        }
    }

    private void releaseAndDiscard() {
        if (release()) {
            connection.discard();
        }
    }

    @Override
    public void produceRequest(RequestChannel channel, HttpContext context) throws HttpException, IOException {
        this.channel = channel;
        handler.produceRequest(this, context);
    }

    @Override
    public void sendRequest(HttpRequest request, EntityDetails entityDetails, HttpContext context)
            throws HttpException, IOException {
        if (request.getAuthority() == null) {
            request.setAuthority(new URIAuthority(target.getHostName(), target.getPort()));
        }
        channel.sendRequest(request, entityDetails, context);
    }

    @Override
    public int available() {
        return handler.available();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        handler.produce(channel);
    }

    @Override
    public void consumeInformation(HttpResponse response, HttpContext context) throws HttpException, IOException {
        handler.consumeInformation(response, context);
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext context)
            throws HttpException, IOException {
        if (entityDetails == null) {
            releaseAndReuse();
        }
        handler.consumeResponse(response, entityDetails, context);
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        handler.updateCapacity(capacityChannel);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        handler.consume(src);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
        releaseAndReuse();
        handler.streamEnd(trailers);
    }

    @Override
    public void failed(Exception cause) {
        releaseAndDiscard();
        handler.failed(cause);
    }

    @Override
    public void cancel() {
        releaseAndDiscard();
        handler.cancel();
    }

    @Override
    public void releaseResources() {
        releaseAndDiscard();
        handler.releaseResources();
    }
}
