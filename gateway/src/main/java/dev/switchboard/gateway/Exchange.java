package dev.switchboard.gateway;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatStream;
import dev.switchboard.http.CancelScope;
import dev.switchboard.internal.FormattedHeaders;
import dev.switchboard.runtime.InboundContext;
import dev.switchboard.runtime.UsageScope;
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
 * that writes the response into an {@link Outbox} the reactor drains. A chat request's hit of a response cache kept in
 * this process is answered by the reactor itself when nothing it touches can block ({@link ReadOnReactor}), and a
 * non-streamed call whose route can make it without holding a thread ({@link dev.switchboard.api.LlmProvider#chatWithoutWaiting})
 * is started there, its answer written by whichever thread completes it. When the client goes away before the
 * response is complete ({@link #failed} or {@link #releaseResources} with the body unsent) the worker's
 * {@link CancelScope} is cancelled, its stream closed and a call started without a worker cancelled, which aborts
 * the upstream request at once.
 *
 * <p>The body is buffered as it arrives (its declared length can only shrink the first buffer), a body over {@code max-body} is refused before
 * {@code 100 Continue}, and a body slower than {@code min-body-rate} is cut with 408. Whatever fails inside an exchange
 * (a bug, an OutOfMemoryError) ends that exchange only: the client gets a 500 naming a request id, or a streamed
 * answer an error event and its end, and the log one line with the same id; the I/O thread goes on serving.
 */
final class Exchange implements AsyncServerExchangeHandler {

    /** What a request asks for. */
    enum Endpoint {
        CHAT("chat"), RESPONSES("responses"), EMBEDDINGS("embeddings"), MODELS("models"),
        /** {@code GET /v1/models/{id}}: one entry of the model list. */
        MODEL("model"),
        HEALTH("health"), READY("ready"),
        METRICS("metrics"), USAGE("usage"), USAGE_RESET("usage_reset"),
        /** The dashboard's page and its assets under {@code /ui} (no data: they load without a key). */
        UI("ui"),
        /** The dashboard's JSON under {@code /ui/api/} (admin keys only). */
        UI_DATA("ui_data"),
        MESSAGES("messages"), MESSAGES_COUNT_TOKENS("messages_count_tokens"),
        OTHER("other");

        final String label;

        Endpoint(String label) {
            this.label = label;
        }

        /** Whether this endpoint is Anthropic's Messages API, whose errors have Anthropic's shape. */
        boolean anthropic() {
            return this == MESSAGES || this == MESSAGES_COUNT_TOKENS;
        }
    }

    static final ContentType JSON = ContentType.APPLICATION_JSON;
    static final ContentType SSE = ContentType.create("text/event-stream", java.nio.charset.StandardCharsets.UTF_8);
    private static final String JSON_TEXT = JSON.toString();
    /**
     * A JSON answer's {@code Content-Type}, set before HttpCore's {@code ResponseContent} step, which then adds none
     * of its own (it would make a header per answer from the body's content type).
     */
    private static final Header JSON_CONTENT_TYPE = FormattedHeaders.of(HttpHeaders.CONTENT_TYPE, JSON_TEXT);
    private static final String SSE_TEXT = SSE.toString();

    /**
     * A response body's length (-1: unknown, streamed) and Content-Type header value. HttpCore's BasicEntityDetails
     * formats its ContentType into a new string each time the header is asked for; these are made once.
     */
    private record Body(long length, String contentType) implements EntityDetails {
        @Override
        public long getContentLength() {
            return length;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getContentEncoding() {
            return null;
        }

        @Override
        public boolean isChunked() {
            return false; // as BasicEntityDetails: the HTTP/1.1 layer chunks a body of unknown length itself
        }

        @Override
        public java.util.Set<String> getTrailerNames() {
            return java.util.Set.of();
        }
    }

    /** The first buffer for a body; it doubles as bytes arrive, up to max-body. */
    private static final int INITIAL_BODY = 4096;

    private final GatewayServer server;
    private final boolean expectsContinue;
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
    /** Body bytes received (dropped ones included), for the body-rate check on the timer thread. */
    private volatile long received;
    private volatile boolean inputDone;
    private long receivedAtLastCheck;
    private java.util.concurrent.ScheduledFuture<?> bodyWatch;
    /** A chat request the I/O thread read (looking for a cache hit) and left to a worker; null when it read none. */
    private ChatCall readChat;
    /**
     * 63 random bits in base 36: {@code Long.toUnsignedString} of a negative number (every other one) builds its
     * digits in two strings and concatenates them, on every request.
     */
    private final String requestId = RandomIds.of("req_", 1);
    /** The CORS headers every answer to this request carries (none unless its origin is allowed). */
    private Header[] corsHeaders = NO_HEADERS;

    private volatile boolean responded;
    private volatile boolean streamStarted;
    private volatile boolean gone;
    private volatile boolean finished;
    private volatile CancelScope scope;
    private WatchedSession session;
    private volatile ChatStream stream;
    /** A call started without a worker ({@link #callStarted}), until it completes: the client's leaving cancels it. */
    private volatile java.util.concurrent.Future<?> pendingCall;

    // Written by the worker, read when the exchange is recorded.
    volatile String label = "-";
    /** The access key the request carried; null when none was needed. Written on the reactor thread. */
    volatile AccessKey key;
    /** What the request may see, once {@link AccessKeys#decide} let it through. Written on the reactor thread. */
    private AccessKeys.Allowed access;
    /** The route or provider the request was resolved to; null until then (and for what calls none). */
    volatile ModelResolver.Resolved target;
    volatile String provider = "-";
    volatile int status;
    /** The route's attempt trail once the call is over; empty for what calls no provider. */
    volatile List<Attempt> trail = List.of();
    /** The last user message and the answer, cut; kept only with switchboard.telemetry.capture-content = true. */
    volatile String prompt;
    volatile String answer;
    /**
     * {@code hit} or {@code miss} once the request's route is known to have a response cache, else null: every answer
     * of such a route says it in {@link ResponseCache#HEADER}, errors included.
     */
    volatile String cacheResult;
    /** The error answer sent, if one was; the dashboard lists its type, code and (masked) message. */
    volatile ErrorReply error;
    /**
     * What the dashboard waits for before it keeps this call: the exchange's end, and the worker's, when one served
     * it (a worker sets the trail after the answer's last bytes may have been sent).
     */
    private volatile int dashboardParts = 1;
    /** Counts {@link #dashboardParts} in the exchange itself: no atomic object of its own per request. */
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Exchange> DASHBOARD_PARTS =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "dashboardParts");
    private volatile int sentStatus;
    private volatile long tookNanos;
    /** When a streamed answer's head (with its first content) went out; 0 when none did. */
    volatile long firstContentNanos;

    Exchange(GatewayServer server, boolean expectsContinue) {
        this.server = server;
        this.expectsContinue = expectsContinue;
    }

    /**
     * The id the answer's {@code x-request-id}, a failure's log line and the dashboard share. Made with the exchange,
     * not on first use: taking the exchange's lock for it while answering could wait on a thread holding that lock.
     */
    String requestId() {
        return requestId;
    }

    // ---------------------------------------------------------------- request side (reactor thread)

    @Override
    public void handleRequest(HttpRequest request, EntityDetails entityDetails, ResponseChannel responseChannel,
                              HttpContext context) {
        try {
            receive(request, entityDetails, responseChannel, context);
        } catch (RuntimeException | Error e) {
            failedInside(e);
        }
    }

    private void receive(HttpRequest request, EntityDetails entityDetails, ResponseChannel responseChannel,
                         HttpContext context) {
        this.request = request;
        this.responseChannel = responseChannel;
        this.context = context;
        this.session = WatchedSession.current();
        int arrivedWithHead = -1;
        if (session != null) {
            arrivedWithHead = session.activate(this);
        }
        server.metrics().started();
        counted = true;
        server.exchangeStarted(this);
        if (entityDetails == null) {
            requestRead();
        }
        String path = request.getPath();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        String method = request.getMethod();
        endpoint = endpoint(path);
        CorsPolicy cors = server.config().cors();
        String origin = header("Origin");
        if (cors.allows(origin)) {
            corsHeaders = cors.answerHeaders(origin);
            if (method.equals("OPTIONS") && header("Access-Control-Request-Method") != null
                    && endpoint != Endpoint.OTHER) {
                // A preflight: browsers send it without a key, so it is answered before the key is checked
                replyNoContent(cors.preflightHeaders(origin, header("Access-Control-Request-Headers")),
                        entityDetails != null);
                return;
            }
        }
        if (server.draining()) {
            reply(ErrorReply.unavailable("The gateway is shutting down; retry on another instance."), true);
            return;
        }
        if (entityDetails != null && entityDetails.getContentLength() > server.config().maxBody()) {
            // A client limit, checked before the key as the others are, and before reading (and before any
            // 100 Continue): the connection closes after the answer, so the unread body goes with it.
            reply(ErrorReply.tooLarge(server.config().maxBody()), true);
            return;
        }
        AccessKeys.Decision decision = server.keys().decide(endpoint, authorization());
        if (decision instanceof AccessKeys.Refused refused) {
            reply(refused.reply(), entityDetails != null);
            return;
        }
        access = (AccessKeys.Allowed) decision;
        key = access.key();
        boolean post = endpoint == Endpoint.CHAT || endpoint == Endpoint.RESPONSES || endpoint == Endpoint.EMBEDDINGS
                || endpoint == Endpoint.USAGE_RESET || endpoint.anthropic();
        if (endpoint == Endpoint.OTHER) {
            reply(ErrorReply.notFound("Unknown request URL: " + method + " " + path + ". This gateway serves"
                    + " POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/embeddings, GET /v1/models, GET /v1/models/{id}, GET /v1/usage, POST /v1/usage/reset,"
                    + " /health, /ready,"
                    + " /metrics, /ui."),
                    entityDetails != null);
            return;
        }
        if (!method.equals(post ? "POST" : "GET")) {
            reply(ErrorReply.methodNotAllowed("Use " + (post ? "POST" : "GET") + " for " + path + "."), entityDetails != null);
            return;
        }
        if (endpoint == Endpoint.USAGE_RESET && entityDetails != null) {
            reply(ErrorReply.invalidRequest(null, "POST /v1/usage/reset takes no body: name what to reset in the"
                    + " query, ?key=NAME or ?route=NAME."), true);
            return;
        }
        if (endpoint == Endpoint.UI || endpoint == Endpoint.UI_DATA) {
            server.dashboard().answer(this, endpoint, path);
            return;
        }
        if (!post || endpoint == Endpoint.USAGE_RESET) {
            server.info().answer(this, endpoint, access);
            return;
        }
        if (entityDetails == null) {
            reply(ErrorReply.invalidRequest(null, "The request has no body; send a JSON object."), false);
            return;
        }
        // A declared length may make the first buffer smaller (most bodies are a few hundred bytes), never larger:
        // what is allocated follows what arrives, not what a client claims.
        long declared = entityDetails.getContentLength();
        body = new byte[declared >= 0 && declared < INITIAL_BODY ? (int) declared : INITIAL_BODY];
        // A body that came whole in the read that brought its head is here already, however slow its client: the
        // parser hands it over before reading again, so it needs no rate check (a timer task set and cancelled).
        if (declared < 0 || arrivedWithHead < declared) {
            watchBodyRate();
        }
        if (expectsContinue) {
            try {
                responseChannel.sendInformation(new BasicHttpResponse(100), context);
            } catch (HttpException | IOException e) {
                clientGone();
            }
        }
    }

    /**
     * Checks on the timer, once per {@code min-body-rate-window}, that the body brought at least its share; a body
     * that did not is answered 408 and its connection closed.
     */
    private void watchBodyRate() {
        ClientLimits limits = server.config().clientLimits();
        bodyWatch = server.guard().every(() -> {
            if (inputDone || responded) {
                stopBodyWatch();
                return;
            }
            long got = received;
            if (got - receivedAtLastCheck < limits.minBytesPerWindow()) {
                stopBodyWatch();
                server.guard().refusedOne();
                reply(ErrorReply.tooSlow("The request body arrived slower than this gateway accepts ("
                        + limits.minBodyRate() + " bytes per second over " + RawAnswer.text(limits.minBodyRateWindow())
                        + "; switchboard.gateway.min-body-rate)."), true);
                if (session != null) {
                    session.closeAfterLinger(); // the body will never end: do not wait for it
                }
                return;
            }
            receivedAtLastCheck = got;
        }, limits.minBodyRateWindow());
    }

    private synchronized void stopBodyWatch() {
        if (bodyWatch != null) {
            bodyWatch.cancel(false);
        }
    }

    /** The request is read whole (the connection's head guard follows the framing on its own). */
    private void requestRead() {
        inputDone = true;
    }

    private static Endpoint endpoint(String path) {
        switch (path) {
            case "/v1/chat/completions":
            case "/chat/completions":
                return Endpoint.CHAT;
            case "/v1/responses":
            case "/responses":
                return Endpoint.RESPONSES;
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
            case "/v1/usage/reset":
            case "/usage/reset":
                return Endpoint.USAGE_RESET;
            case "/v1/messages":
                return Endpoint.MESSAGES;
            case "/v1/messages/count_tokens":
                return Endpoint.MESSAGES_COUNT_TOKENS;
            default:
                if (path.startsWith("/v1/models/") || path.startsWith("/models/")) {
                    return Endpoint.MODEL;
                }
                if (path.equals("/ui") || path.startsWith("/ui/")) {
                    return path.startsWith("/ui/api/") ? Endpoint.UI_DATA : Endpoint.UI;
                }
                return Endpoint.OTHER;
        }
    }

    /** The request target's path, without its query string (still percent-encoded). */
    String path() {
        String path = request.getPath();
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** The request target's query string, without the '?'; empty when there is none. */
    String query() {
        String path = request.getPath();
        int q = path.indexOf('?');
        return q < 0 ? "" : path.substring(q + 1);
    }

    /**
     * The gateway key as an {@code Authorization} value: the header itself, or else Anthropic's {@code x-api-key}
     * (what Anthropic SDKs send) as a bearer token.
     */
    private String authorization() {
        String authorization = header(HttpHeaders.AUTHORIZATION);
        String apiKey = authorization == null ? header(API_KEY_HEADER) : null;
        return apiKey == null ? authorization : "Bearer " + apiKey;
    }

    static final String API_KEY_HEADER = "x-api-key";

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
        try {
            take(src);
        } catch (RuntimeException | Error e) {
            src.position(src.limit());
            tooLarge = true; // drop the rest: the answer is the failure's
            body = null;
            failedInside(e);
        }
    }

    private void take(ByteBuffer src) {
        int n = src.remaining();
        received += n;
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
        try {
            bodyEnded();
        } catch (RuntimeException | Error e) {
            failedInside(e);
        }
    }

    private void bodyEnded() {
        stopBodyWatch();
        requestRead();
        if (responded) {
            return;
        }
        if (tooLarge) {
            reply(ErrorReply.tooLarge(server.config().maxBody()), true);
            return;
        }
        if (endpoint == Endpoint.CHAT && ReadOnReactor.mayRead(server, this)) {
            // A hit of an in-process cache is answered here, and a call that holds no thread is started here, without
            // a worker; anything else goes on to one, which continues from what was read here (the body is not read
            // twice).
            ChatCall chat = new ChatCall(server, this);
            if (chat.answeredOnReactor()) {
                return;
            }
            readChat = chat;
        }
        try {
            if (!server.workerAllowed()) {
                throw new RejectedExecutionException("calls without a worker fill max-concurrent-requests");
            }
            DASHBOARD_PARTS.incrementAndGet(this); // the worker's trail, too
            server.workers().execute(this::serve);
        } catch (RejectedExecutionException e) {
            dashboardPartDone();
            reply(ErrorReply.busy(), false,
                    ChatCall.cacheResult(NO_HEADERS, this)); // a chat read above may be known to be a caching route's
        }
    }

    // ---------------------------------------------------------------- worker

    private void serve() {
        try {
            inCallScopes(this::call);
        } finally {
            dashboardPartDone();
        }
    }

    /**
     * A call was started without a worker ({@link ChatCall#answeredOnReactor}): it is this exchange's part of the
     * dashboard's trail until {@link #callEnded}, and the client's leaving cancels it.
     */
    void callStarted(java.util.concurrent.Future<?> call) {
        DASHBOARD_PARTS.incrementAndGet(this);
        pendingCall = call;
        if (gone) {
            call.cancel(true);
        }
    }

    /**
     * Runs the end of a call started without a worker, on the thread that completed it (an I/O thread of the
     * provider's client, or a worker that carried the call on after a failure): as {@link #inCallScopes}, a failure
     * inside ends this exchange only.
     */
    void callEnded(CallWork end) {
        try {
            end.run();
        } catch (Outbox.ClientGone e) {
            // nothing to answer
        } catch (RuntimeException | Error e) {
            failedInside(e);
        } finally {
            pendingCall = null;
            server.callEnded();
            dashboardPartDone();
        }
    }

    /**
     * Where the steps of a call started without a worker that have to wait (a retry's delay, a fallback) run: on a
     * worker, in the scopes a worker's call runs in and the scope of the request's key. A pool with no worker free
     * refuses, and the call fails with that.
     */
    java.util.concurrent.Executor blockingSteps() {
        return step -> server.workers().execute(() -> inCallScopes(() -> {
            AccessKey k = key;
            try (UsageScope keyScope = k == null ? null : UsageScope.key(k.name())) {
                step.run();
            }
        }));
    }

    private void call() throws Outbox.ClientGone {
        if (endpoint == Endpoint.CHAT) {
            (readChat != null ? readChat : new ChatCall(server, this)).serve();
        } else if (endpoint == Endpoint.RESPONSES) {
            new ResponsesCall(server, this).serve();
        } else if (endpoint.anthropic()) {
            new MessagesCall(server, this).serve();
        } else {
            new EmbeddingsCall(server, this).serve();
        }
    }

    /** What a call does inside {@link #inCallScopes}. */
    interface CallWork {
        void run() throws Outbox.ClientGone;
    }

    /**
     * Runs {@code work} on this thread (a worker, or the I/O thread answering a cache hit) in the scopes every call
     * runs in: the caller's context (its trace, with the OpenTelemetry module) current while its route calls run, a
     * cancel scope the client's leaving cancels, and the request's usage scope; all closed on this thread. A failure
     * inside ends this exchange only ({@link #failedInside}).
     */
    void inCallScopes(CallWork work) {
        try (CancelScope s = CancelScope.open();
             InboundContext.Scope caller = server.switchboard().inboundContext().enter(this::header);
             UsageScope u = UsageScope.request(requestId(), server.switchboard().clock().instant())) {
            scope = s;
            if (gone) {
                s.cancel();
                return;
            }
            work.run();
        } catch (Outbox.ClientGone e) {
            // nothing to answer
        } catch (RuntimeException | Error e) {
            failedInside(e);
        } finally {
            scope = null;
            stream = null;
        }
    }

    /**
     * Something failed inside the gateway while serving this exchange: log one line with a request id, and answer
     * with that id (500, or an error event ending a stream that already started). Never throws.
     */
    void failedInside(Throwable failure) {
        try {
            String id = requestId();
            server.exchangeFailed();
            FailureLine.log(failure instanceof Error ? System.Logger.Level.ERROR : System.Logger.Level.WARNING,
                    "request " + id + " (" + endpoint.label + ") failed", failure);
            if (gone) {
                return;
            }
            if (!responded) {
                reply(ErrorReply.internal(id), true);
            } else if (streamStarted) {
                endStreamWithError(errorEvent(ErrorReply.internal(id)));
                cancelUpstream();
            }
        } catch (RuntimeException | Error again) {
            clientGone(); // the answer itself failed (out of memory, say): end the exchange without one
        }
    }

    /**
     * The gateway is shutting down and this exchange outlasted the grace: a stream gets an error event and its end,
     * an answer not yet started a 503, and the upstream call is aborted. Logged as one line.
     */
    void abandon() {
        if (gone || !answering()) {
            return;
        }
        GatewayServer.LOG.log(System.Logger.Level.WARNING, "request " + requestId() + " (" + endpoint.label + ") was"
                + " still being answered when the shutdown grace ended; " + (streamStarted ? "its stream was ended"
                + " with an error event" : "it was answered 503"));
        ErrorReply ending = ErrorReply.unavailable("The gateway is shutting down and could not finish this answer;"
                + " retry on another instance.");
        if (!responded) {
            reply(ending, true);
        } else if (streamStarted) {
            endStreamWithError(errorEvent(ending));
        }
        cancelUpstream();
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

    private void dashboardPartDone() {
        if (DASHBOARD_PARTS.decrementAndGet(this) == 0) {
            UnansweredCalls.finished(server, this, sentStatus, tookNanos);
            server.dashboard().finished(this, sentStatus, tookNanos);
        }
    }

    /** The request was resolved to {@code target}: its metrics and log lines name it. */
    void routed(ModelResolver.Resolved target) {
        this.target = target;
        label = target.label();
    }

    /** The route's trail for this call is final: counted in the metrics and kept for the dashboard. */
    void attempted(String route, List<Attempt> attempts) {
        trail = attempts;
        server.metrics().attempts(route, attempts);
        logResumes(route, attempts);
    }

    /**
     * One INFO line per resumed stream, with the request id: its headers went out naming the first provider, so the
     * log (and the attempt trail the dashboard shows) is where the switch is seen.
     */
    private void logResumes(String route, List<Attempt> attempts) {
        for (int i = 1; i < attempts.size(); i++) {
            Attempt resumed = attempts.get(i);
            if (resumed.outcome() != Attempt.Outcome.RESUMED) {
                continue;
            }
            Attempt broke = null;
            for (int j = i - 1; j >= 0 && broke == null; j--) {
                if (attempts.get(j).outcome() == Attempt.Outcome.FAILED_MID_STREAM) {
                    broke = attempts.get(j);
                }
            }
            if (broke != null) {
                String kind = broke.errorKind().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).orElse("failure");
                GatewayServer.LOG.log(System.Logger.Level.INFO, "request " + requestId() + " (" + route + "): the"
                        + " stream was resumed: " + broke.provider() + " failed mid-stream (" + kind + "), "
                        + resumed.provider() + " continued the answer (the headers name " + broke.provider() + ")");
            }
        }
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
        reply(e, close, NO_HEADERS);
    }

    /** A whole JSON error answer with {@code extra} headers (a route failure's provider and tries). */
    void reply(ErrorReply e, boolean close, Header[] extra) {
        if (endpoint.anthropic()) {
            e = MessagesWriter.forMessages(e);
        }
        error = e;
        List<Header> headers = new java.util.ArrayList<>(List.of(extra));
        if (e.retryAfter() != null) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            headers.add(new BasicHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        }
        if (e.noRetry()) {
            headers.add(new BasicHeader(SHOULD_RETRY, "false")); // OpenAI's SDKs then do not retry on their own
        }
        reply(e.status(), JSON, endpoint.anthropic() ? MessagesWriter.errorBody(e) : e.body(), close,
                headers.toArray(NO_HEADERS));
        server.metrics().error(endpoint.label, label, e.kind());
    }

    /** An error event ending a started stream, in the shape of the endpoint's API. */
    byte[] errorEvent(ErrorReply e) {
        return endpoint.anthropic() ? MessagesWriter.errorEvent(MessagesWriter.forMessages(e)) : e.event();
    }

    static final Header[] NO_HEADERS = new Header[0];
    /** The id of every answer, as the gateway's log lines and the dashboard's Requests page name the call. */
    static final String REQUEST_ID_HEADER = "x-request-id";
    static final String SHOULD_RETRY = "x-should-retry";

    /** Claims the answer for one writer: the reactor, a worker and the timer may each try to answer. */
    private synchronized boolean claim() {
        if (responded) {
            return false;
        }
        responded = true;
        return true;
    }

    /** A whole answer. */
    void reply(int code, ContentType type, byte[] bytes, boolean close, Header[] headers) {
        if (!claim()) {
            return;
        }
        status = code;
        BasicHttpResponse response = new BasicHttpResponse(code);
        response.addHeader(REQUEST_ID_HEADER, requestId());
        for (Header h : headers) {
            response.addHeader(h);
        }
        for (Header h : corsHeaders) {
            response.addHeader(h);
        }
        if (close) {
            response.addHeader(HttpHeaders.CONNECTION, "close");
            if (!inputDone && session != null) {
                session.closeAfterLinger(); // the unread body would keep the connection open: close it ourselves
            }
        }
        if (type == JSON) {
            response.addHeader(JSON_CONTENT_TYPE);
        }
        outbox.end(bytes);
        submit(response, new Body(bytes.length, type == JSON ? JSON_TEXT : type.toString()));
    }

    /** A 204 answer without a body (a CORS preflight's). */
    private void replyNoContent(Header[] headers, boolean close) {
        if (!claim()) {
            return;
        }
        status = 204;
        BasicHttpResponse response = new BasicHttpResponse(204);
        for (Header h : headers) {
            response.addHeader(h);
        }
        if (close) {
            response.addHeader(HttpHeaders.CONNECTION, "close");
            if (!inputDone && session != null) {
                session.closeAfterLinger();
            }
        }
        outbox.none();
        submit(response, null); // no entity: HttpCore ends the exchange, and a 204 must carry no body
    }

    /** Starts a streamed 200 answer; the body follows through {@link #send}. */
    void startStream(Header[] headers) {
        if (!claim()) {
            return;
        }
        streamStarted = true;
        firstContentNanos = System.nanoTime();
        status = 200;
        BasicHttpResponse response = new BasicHttpResponse(200);
        response.addHeader(REQUEST_ID_HEADER, requestId());
        for (Header h : headers) {
            response.addHeader(h);
        }
        for (Header h : corsHeaders) {
            response.addHeader(h);
        }
        response.addHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        submit(response, new Body(-1, SSE_TEXT));
    }

    void send(byte[] bytes) throws Outbox.ClientGone {
        outbox.write(bytes);
    }

    void endStream(byte[] last) {
        outbox.end(last);
    }

    /**
     * Ends a started stream that failed with {@code errorEvents} (the endpoint's error event, or events): then, with
     * {@code stream-error = event-and-abort}, the connection is closed without the body's end, so a client that
     * ignores error events still sees the answer fail; with {@code event}, the body ends normally.
     */
    void endStreamWithError(byte[] errorEvents) {
        WatchedSession s = session;
        if (server.config().streamError() == GatewayConfig.StreamError.EVENT_AND_ABORT && s != null) {
            outbox.endAbruptly(errorEvents, s::closeWhenFlushed);
        } else {
            outbox.end(errorEvents);
        }
    }

    /** The answer handed to HttpCore, once it is (its headers as HttpCore's steps left them). */
    private volatile BasicHttpResponse sentHead;

    boolean responded() {
        return responded;
    }

    /**
     * Whether the answer sent says the connection closes after it ({@code Connection: close}, which HttpCore's steps
     * add for some statuses, an HTTP/1.0 client or a client that asked). HttpCore then stops serving the connection,
     * but requests the client pipelined behind this one stay queued in it, never answered nor failed, and it never
     * closes the connection while they are there: so once this answer's body is all handed over, the connection is
     * closed here when it is flushed ({@link WatchedSession#closeWhenFlushed}), which fails those requests.
     */
    private boolean closesConnection() {
        BasicHttpResponse a = sentHead;
        Header connection = a == null || session == null ? null : a.getFirstHeader(HttpHeaders.CONNECTION);
        return connection != null && "close".equalsIgnoreCase(connection.getValue());
    }

    private void submit(BasicHttpResponse response, EntityDetails details) {
        sentHead = response;
        WatchedSession s = session;
        if (s != null && s.writesHere()) {
            s.writeNow(() -> send(response, details)); // on the connection's I/O thread, outside its events
            return;
        }
        // HttpCore writes the head, asks for the body (produce, on this thread) and ends it, each time asking for
        // write interest: held back to one wake-up of the I/O thread once all of it is buffered.
        SessionEvents events = s == null ? null : s.events;
        boolean held = events != null && events.hold();
        try {
            send(response, details);
        } finally {
            if (held) {
                events.release();
            }
        }
    }

    private void send(BasicHttpResponse response, EntityDetails details) {
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
        try {
            if (outbox.produce(channel) && closesConnection()) {
                session.closeWhenFlushed();
            }
        } catch (RuntimeException | Error e) {
            failedInside(e);
            clientGone(); // the body cannot be completed: end the exchange
        }
    }

    @Override
    public void failed(Exception cause) {
        clientGone();
    }

    @Override
    public void releaseResources() {
        try {
            stopBodyWatch();
            if (!outbox.completed()) {
                clientGone();
            }
            if (session != null) {
                session.deactivate(this);
            }
        } catch (RuntimeException | Error e) {
            FailureLine.log(System.Logger.Level.WARNING, "releasing request " + requestId() + " failed", e);
        } finally {
            record();
        }
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
        if (streamStarted && answering()) {
            GatewayServer.LOG.log(System.Logger.Level.INFO, "request " + requestId() + " (" + endpoint.label + "): the"
                    + " client left before its stream ended; the upstream call was cancelled");
        }
        gone = true;
        outbox.abort();
        cancelUpstream();
    }

    /** Aborts the upstream call (the worker's scope and its stream, or the call started without a worker). */
    private void cancelUpstream() {
        CancelScope s = scope;
        if (s != null) {
            s.cancel();
        }
        java.util.concurrent.Future<?> call = pendingCall;
        if (call != null) {
            call.cancel(true);
        }
        ChatStream st = stream;
        if (st != null) {
            st.close();
        }
    }

    /**
     * The connection was closed under this exchange by the gateway itself (a linger or a drain limit ending): HttpCore
     * will not release it, so it is ended here, from whichever thread closed it. Idempotent with {@link
     * #releaseResources}.
     */
    void connectionClosed() {
        try {
            stopBodyWatch();
            clientGone();
        } finally {
            record();
        }
    }

    private void record() {
        synchronized (this) {
            if (finished || !counted) {
                return;
            }
            finished = true;
        }
        long nanos = System.nanoTime() - startNanos;
        int sent = gone && status == 0 ? 499 : status;
        server.metrics().finished(endpoint.label, label, provider, sent, nanos);
        sentStatus = sent;
        tookNanos = nanos;
        dashboardPartDone();
        server.exchangeEnded(this);
    }
}
