package dev.switchboard.gateway;

import dev.switchboard.api.ChatStream;
import dev.switchboard.http.CancelScope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.ResponseChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * One HTTP exchange. The reactor thread reads the request head and body (refusing a body over the limit) and
 * answers cheap GETs itself; a chat or embeddings call, which blocks on its provider, runs on a gateway worker
 * that writes the response into an {@link Outbox} the reactor drains. When the client goes away before the
 * response is complete ({@link #failed} or {@link #releaseResources} with the body unsent) the worker's
 * {@link CancelScope} is cancelled and its stream closed, which aborts the upstream request at once.
 */
final class Exchange implements AsyncServerExchangeHandler {

    /** What a request asks for. */
    enum Endpoint {
        CHAT("chat"), EMBEDDINGS("embeddings"), MODELS("models"), HEALTH("health"), READY("ready"),
        METRICS("metrics"), USAGE("usage"), OTHER("other");

        final String label;

        Endpoint(String label) {
            this.label = label;
        }
    }

    static final ContentType JSON = ContentType.APPLICATION_JSON;
    static final ContentType SSE = ContentType.create("text/event-stream", java.nio.charset.StandardCharsets.UTF_8);

    private final GatewayServer server;
    private final Outbox outbox = new Outbox();
    private final long startNanos = System.nanoTime();

    private ResponseChannel responseChannel;
    private HttpContext context;
    private HttpRequest request;
    private Endpoint endpoint = Endpoint.OTHER;
    private byte[] body = new byte[0];
    private int bodyLength;
    private boolean tooLarge;
    private boolean counted;

    private volatile boolean responded;
    private volatile boolean gone;
    private volatile boolean finished;
    private volatile CancelScope scope;
    private WatchedSession session;
    private volatile ChatStream stream;

    // Written by the worker, read when the exchange is recorded.
    volatile String label = "-";
    /** The access key the request carried; null when the gateway has none. Written on the reactor thread. */
    volatile AccessKey key;
    volatile String provider = "-";
    volatile int status;

    Exchange(GatewayServer server) {
        this.server = server;
    }

    // ---------------------------------------------------------------- request side (reactor thread)

    @Override
    public void handleRequest(HttpRequest request, EntityDetails entityDetails, ResponseChannel responseChannel,
                              HttpContext context) throws HttpException, IOException {
        this.request = request;
        this.responseChannel = responseChannel;
        this.context = context;
        this.session = WatchedSession.current();
        if (session != null) {
            session.activate(this);
        }
        server.metrics().started();
        counted = true;
        server.exchangeStarted(this);
        String path = request.getPath();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        String method = request.getMethod();
        endpoint = endpoint(path);
        if (server.draining()) {
            reply(ErrorReply.unavailable("The gateway is shutting down; retry on another instance."), true);
            return;
        }
        if (endpoint != Endpoint.HEALTH && server.keys().required()) {
            key = server.keys().match(header(HttpHeaders.AUTHORIZATION));
            if (key == null) {
                reply(ErrorReply.unauthorized(header(HttpHeaders.AUTHORIZATION) != null), entityDetails != null);
                return;
            }
        }
        boolean post = endpoint == Endpoint.CHAT || endpoint == Endpoint.EMBEDDINGS;
        if (endpoint == Endpoint.OTHER) {
            reply(ErrorReply.notFound("Unknown request URL: " + method + " " + path + ". This gateway serves"
                    + " POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models, GET /v1/usage, /health, /ready,"
                    + " /metrics."),
                    entityDetails != null);
            return;
        }
        if (!method.equals(post ? "POST" : "GET")) {
            reply(ErrorReply.methodNotAllowed("Use " + (post ? "POST" : "GET") + " for " + path + "."), entityDetails != null);
            return;
        }
        if (!post) {
            server.info().answer(this, endpoint);
            return;
        }
        if (entityDetails == null) {
            reply(ErrorReply.invalidRequest(null, "The request has no body; send a JSON object."), false);
            return;
        }
        long length = entityDetails.getContentLength();
        if (length > server.config().maxBody()) {
            // Refuse before reading: the connection closes after the answer, so the unread body goes with it.
            reply(ErrorReply.tooLarge(server.config().maxBody()), true);
            return;
        }
        body = new byte[length > 0 ? (int) length : 1024];
    }

    private static Endpoint endpoint(String path) {
        switch (path) {
            case "/v1/chat/completions":
            case "/chat/completions":
                return Endpoint.CHAT;
            case "/v1/embeddings":
            case "/embeddings":
                return Endpoint.EMBEDDINGS;
            case "/v1/models":
            case "/models":
                return Endpoint.MODELS;
            case "/health":
                return Endpoint.HEALTH;
            case "/ready":
                return Endpoint.READY;
            case "/metrics":
                return Endpoint.METRICS;
            case "/v1/usage":
            case "/usage":
                return Endpoint.USAGE;
            default:
                return Endpoint.OTHER;
        }
    }

    String header(String name) {
        Header h = request.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) {
        int n = src.remaining();
        if (responded || tooLarge) {
            src.position(src.limit()); // discard: the answer is out (or decided)
            return;
        }
        if ((long) bodyLength + n > server.config().maxBody()) {
            tooLarge = true;
            body = null;
            src.position(src.limit());
            return;
        }
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(server.config().maxBody(), Math.max(body.length * 2L, bodyLength + n)));
        }
        src.get(body, bodyLength, n);
        bodyLength += n;
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        if (responded) {
            return;
        }
        if (tooLarge) {
            reply(ErrorReply.tooLarge(server.config().maxBody()), true);
            return;
        }
        try {
            server.workers().execute(this::serve);
        } catch (RejectedExecutionException e) {
            reply(ErrorReply.unavailable("The gateway is serving as many requests as it may"
                    + " (switchboard.gateway.max-concurrent-requests); retry shortly."), false);
        }
    }

    // ---------------------------------------------------------------- worker

    private void serve() {
        try (CancelScope s = CancelScope.open()) {
            scope = s;
            if (gone) {
                s.cancel();
                return;
            }
            if (endpoint == Endpoint.CHAT) {
                new ChatCall(server, this).serve();
            } else {
                new EmbeddingsCall(server, this).serve();
            }
        } catch (Outbox.ClientGone e) {
            // nothing to answer
        } catch (RuntimeException | Error e) {
            if (!responded && !gone) {
                reply(ErrorReply.internal(e), false);
            }
            GatewayServer.LOG.log(System.Logger.Level.WARNING, "request " + endpoint.label + " failed", e);
        } finally {
            scope = null;
            stream = null;
        }
    }

    byte[] body() {
        return body;
    }

    int bodyLength() {
        return bodyLength;
    }

    long startNanos() {
        return startNanos;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    boolean gone() {
        return gone;
    }

    /** The stream the worker is sending, so a disconnect can close it. */
    void streaming(ChatStream s) {
        stream = s;
        if (gone) {
            s.close();
        }
    }

    // ---------------------------------------------------------------- responses (any thread)

    /** A whole JSON error answer. */
    void reply(ErrorReply e, boolean close) {
        List<Header> headers = new java.util.ArrayList<>(2);
        if (e.retryAfter() != null) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            headers.add(new BasicHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        }
        if (e.noRetry()) {
            headers.add(new BasicHeader(SHOULD_RETRY, "false")); // OpenAI's SDKs then do not retry on their own
        }
        reply(e.status(), JSON, e.body(), close, headers.toArray(NO_HEADERS));
        server.metrics().error(endpoint.label, label, e.kind());
    }

    static final Header[] NO_HEADERS = new Header[0];
    static final String SHOULD_RETRY = "x-should-retry";

    /** A whole answer. */
    void reply(int code, ContentType type, byte[] bytes, boolean close, Header[] headers) {
        if (responded) {
            return;
        }
        responded = true;
        status = code;
        BasicHttpResponse response = new BasicHttpResponse(code);
        for (Header h : headers) {
            response.addHeader(h);
        }
        if (close) {
            response.addHeader(HttpHeaders.CONNECTION, "close");
        }
        outbox.end(bytes);
        submit(response, new BasicEntityDetails(bytes.length, type));
    }

    /** Starts a streamed 200 answer; the body follows through {@link #send}. */
    void startStream(Header[] headers) {
        responded = true;
        status = 200;
        BasicHttpResponse response = new BasicHttpResponse(200);
        for (Header h : headers) {
            response.addHeader(h);
        }
        response.addHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        submit(response, new BasicEntityDetails(-1, SSE));
    }

    void send(byte[] bytes) throws Outbox.ClientGone {
        outbox.write(bytes);
    }

    void endStream(byte[] last) {
        outbox.end(last);
    }

    boolean responded() {
        return responded;
    }

    private void submit(BasicHttpResponse response, EntityDetails details) {
        try {
            responseChannel.sendResponse(response, details, context);
        } catch (HttpException | IOException e) {
            clientGone();
        }
    }

    // ---------------------------------------------------------------- response side (reactor thread)

    @Override
    public int available() {
        return outbox.available();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        outbox.produce(channel);
    }

    @Override
    public void failed(Exception cause) {
        clientGone();
    }

    @Override
    public void releaseResources() {
        if (!outbox.completed()) {
            clientGone();
        }
        if (session != null) {
            session.deactivate(this);
        }
        record();
    }

    /** Whether the answer is still to be completed (its client leaving now abandons it). */
    boolean answering() {
        return !finished && !outbox.completed();
    }

    /** The client left before the answer was complete: abandon the upstream call now. */
    void clientGone() {
        if (gone) {
            return;
        }
        gone = true;
        outbox.abort();
        CancelScope s = scope;
        if (s != null) {
            s.cancel();
        }
        ChatStream st = stream;
        if (st != null) {
            st.close();
        }
    }

    private void record() {
        if (finished || !counted) {
            return;
        }
        finished = true;
        server.metrics().finished(endpoint.label, label, provider, gone && status == 0 ? 499 : status,
                System.nanoTime() - startNanos);
        server.exchangeEnded(this);
    }
}
