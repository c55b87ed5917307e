package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.api.LlmException;
import dev.switchboard.internal.FormattedHeaders;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;
import org.jspecify.annotations.Nullable;

/**
 * One POST of a JSON body on the non-blocking client, answered through a future (see
 * {@link HttpProviderClient#postJsonAsync}). The request's bytes are written whole before it starts; the answer's body
 * is gathered, bounded by the response limits (or by {@link HttpProviderClient#MAX_ERROR_BODY} for an error status),
 * and read once it has arrived whole, on the I/O thread that received its end. What the answer or a failure means is
 * decided by {@link HttpProviderClient}, in the same code as for the blocking client: a failure of this client is
 * first expressed as the exception the blocking client throws for it.
 *
 * <p>The exchange leases its connection from {@link AsyncExchanges}'s pool itself and hands it back itself, so that
 * an abort (a timeout, or the caller cancelling the future) and the answer's end never cross: an aborted exchange's
 * connection is closed, never pooled, and an abort after the answer's end closes nothing (the connection may already
 * serve another exchange). Until its connection is leased the abort fails the future at once, and the connection goes
 * back to the pool unused when it comes; once leased and until the request's head goes out, the connection is closed
 * as that head is written.
 */
final class AsyncJsonExchange<T> implements AsyncClientExchangeHandler {

    private static final String JSON_CONTENT_TYPE = ContentType.APPLICATION_JSON.toString();
    /**
     * The request headers of every exchange, besides its client's ({@link HttpProviderClient} sets all of them at once,
     * formatted once): what the blocking client adds to every request (its content-compression and connection steps),
     * and the body's Content-Type, which HttpCore's content step then finds and does not make again.
     */
    static final List<Header> OWN_HEADERS = List.of(
            FormattedHeaders.of("Accept-Encoding", ContentCodings.ACCEPTED),
            FormattedHeaders.of("Connection", "keep-alive"),
            FormattedHeaders.of("Content-Type", JSON_CONTENT_TYPE));
    /** The first buffer for an answer of unknown length (chunked): it grows by doubling, up to the limit. */
    private static final int FIRST_BUFFER_BYTES = 4096;
    private static final byte[] NO_BYTES = new byte[0];

    private final HttpProviderClient client;
    private final Request request;
    private final ResponseReader<T> reader;
    private final Answer answer = new Answer();
    private @Nullable HttpHost target;
    private @Nullable Watchdog watchdog;
    private @Nullable RequestBody body;

    // Guarded by this: where the exchange is with its connection.
    private @Nullable AsyncClientEndpoint endpoint;
    private @Nullable HttpConnection connection;
    private boolean aborted;
    private boolean released;

    // The answer, on the I/O thread.
    private int status;
    private ResponseHeaders headers = ResponseHeaders.NONE;
    private @Nullable String contentEncoding;
    private int limit;
    /** The body so far: the I/O thread's {@link AnswerBuffer} while {@link #borrowed}, else an array of its own. */
    private byte[] buffer = NO_BYTES;
    private @Nullable AnswerBuffer borrowed;
    private int length;

    /** An exchange with {@code target}, a URI as HttpCore's request reads it (see {@link RequestTarget#of}). */
    AsyncJsonExchange(HttpProviderClient client, RequestTarget target, ResponseReader<T> reader) {
        this.client = client;
        this.reader = reader;
        this.request = new Request(target, this);
    }

    /** The request, for {@link HttpProviderClient} to set its headers on ({@link #OWN_HEADERS} too) before {@link #start}. */
    BasicHttpRequest request() {
        return request;
    }

    /** The host the request goes to. */
    HttpHost target() {
        if (target == null) {
            throw new IllegalStateException("not started");
        }
        return target;
    }

    /** The future the caller holds. */
    CompletableFuture<T> future() {
        return answer;
    }

    /**
     * Makes the exchange ready to go: its body, its target, and its watchdog, whose timeouts run from now (a
     * caller's {@link CancelScope} that is already cancelled fails the future here).
     */
    void start(byte[] json, HttpHost target, TimeoutSweeper sweeper) {
        this.body = new RequestBody(json);
        this.target = target;
        this.watchdog = new Watchdog(this::abort, client.timeouts(), sweeper, true);
    }

    /** The client refused to start the exchange: the future fails with what it threw. */
    void couldNotStart(RuntimeException e) {
        fail(e);
    }

    /** What hears of the leased (or newly connected) connection. */
    FutureCallback<AsyncClientEndpoint> leasing() {
        return new Leasing();
    }

    // --- the connection -------------------------------------------------------------------------------------

    private final class Leasing implements FutureCallback<AsyncClientEndpoint> {
        @Override
        public void completed(AsyncClientEndpoint leased) {
            boolean use;
            synchronized (AsyncJsonExchange.this) {
                use = !aborted;
                if (use) {
                    endpoint = leased;
                }
            }
            if (use) {
                leased.execute(AsyncJsonExchange.this, null); // the request goes out on the connection's I/O thread
            } else {
                leased.releaseAndReuse(); // nothing was sent on it: it serves the next exchange
            }
        }

        @Override
        public void failed(Exception cause) {
            fail(failure(connectFailure(cause)));
        }

        @Override
        public void cancelled() {
            fail(failure(new RequestNotExecutedException("the connection request was cancelled")));
        }
    }

    /**
     * Called on the I/O thread as the request's head is written on {@code sending}: from now on an abort closes that
     * connection. Its socket timeout becomes the client's backstop (the watchdog's deadlines come first); an idle
     * pooled connection keeps it, and is closed when it runs out.
     */
    void sending(HttpConnection sending) {
        sending.setSocketTimeout(client.socketTimeout());
        boolean close;
        synchronized (this) {
            connection = sending;
            close = aborted;
        }
        if (close) {
            sending.close(CloseMode.IMMEDIATE);
        }
    }

    /**
     * Aborts the exchange, for its watchdog (a timeout, the transport closing) or for the caller: fails the future now,
     * with the watchdog's reason, and closes the connection if the request has gone out on it (a connection leased
     * already is closed as the request's head is written, one leased later goes back to the pool unused). The future
     * does not wait for the I/O thread to hear of the close: that thread may be gone (a closed transport), and the
     * connection, once aborted, is never pooled again. Once the answer has been read whole there is nothing to abort.
     */
    private boolean abort() {
        HttpConnection open;
        synchronized (this) {
            if (released) {
                return false;
            }
            aborted = true;
            open = connection;
        }
        if (open != null) {
            open.close(CloseMode.IMMEDIATE);
        }
        fail(failure(new InterruptedIOException(open != null ? "aborted" : "aborted before the request was sent")));
        return true;
    }

    /**
     * Hands the connection back: to the pool when the answer was read whole and nothing aborted the exchange,
     * otherwise closed (no pooled connection may carry what is left of an answer). Once, on the I/O thread.
     */
    private void release(boolean reusable) {
        AsyncClientEndpoint leased;
        boolean reuse;
        synchronized (this) {
            leased = endpoint;
            endpoint = null;
            connection = null;
            released = true;
            reuse = reusable && !aborted;
        }
        if (leased != null) {
            if (reuse) {
                leased.releaseAndReuse();
            } else {
                leased.releaseAndDiscard();
            }
        }
    }

    // --- the request ------------------------------------------------------------------------------------------

    @Override
    public void produceRequest(RequestChannel channel, HttpContext context) throws HttpException, IOException {
        channel.sendRequest(request, requestBody(), context);
    }

    @Override
    public int available() {
        return requestBody().remaining();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        requestBody().writeTo(channel);
    }

    private RequestBody requestBody() {
        if (body == null) {
            throw new IllegalStateException("not started");
        }
        return body;
    }

    // --- the answer -------------------------------------------------------------------------------------------

    @Override
    public void consumeInformation(HttpResponse response, HttpContext context) {
        // a 1xx head: the answer follows
    }

    @Override
    public void consumeResponse(HttpResponse response, @Nullable EntityDetails entity, HttpContext context)
            throws IOException {
        watchdog().headersReceived();
        status = response.getCode();
        headers = ResponseHeaders.of(response);
        if (status < 300 && entity != null && entity.getContentLength() > client.limits().maxResponseBytes()) {
            throw client.declaredTooLarge(entity.getContentLength()); // the connection is dropped, not drained
        }
        if (entity == null) { // no body at all: the exchange is over
            release(true);
            if (status >= 300) {
                fail(client.statusFailure(status, headers, ""));
            } else {
                fail(client.emptyBody());
            }
            return;
        }
        contentEncoding = ContentCodings.coding(entity.getContentEncoding());
        limit = status >= 300 ? HttpProviderClient.MAX_ERROR_BODY
                : (int) Math.min(client.limits().maxResponseBytes(), Integer.MAX_VALUE - 16);
        long declared = entity.getContentLength();
        int size = declared >= 0 ? (int) Math.min(declared, limit) : Math.min(FIRST_BUFFER_BYTES, limit);
        borrowed = size <= AnswerBuffer.SIZE ? AnswerBuffer.borrow() : null;
        buffer = borrowed != null ? borrowed.bytes() : new byte[size];
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        channel.update(Integer.MAX_VALUE); // the body is bounded by the limit below, not by flow control
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        watchdog().touch();
        int n = src.remaining();
        if (n > limit - length) {
            if (status >= 300) {
                take(src, limit - length); // the error's text is the start of its body
                throw new ErrorBodyCut();
            }
            throw new ResponseLimitExceededException("the response body", "max-response-bytes",
                    client.limits().maxResponseBytes());
        }
        take(src, n);
    }

    private void take(ByteBuffer src, int n) {
        if (length + n > buffer.length) {
            int grown = (int) Math.min(Math.max((long) buffer.length * 2, (long) length + n), limit);
            byte[] own = java.util.Arrays.copyOf(buffer, grown);
            giveBackBuffer(); // outgrown: the body goes on in an array of its own
            buffer = own;
        }
        src.get(buffer, length, n);
        length += n;
    }

    /** Ends the loan of the I/O thread's buffer, if the body is in it; the body is not read after this. */
    private void giveBackBuffer() {
        if (borrowed != null) {
            borrowed.giveBack();
            borrowed = null;
            buffer = NO_BYTES;
        }
    }

    @Override
    public void streamEnd(@Nullable List<? extends Header> trailers) {
        release(true);
        if (status >= 300) {
            String text = errorText();
            giveBackBuffer();
            fail(client.statusFailure(status, headers, text));
            return;
        }
        T value;
        try {
            value = readAnswer();
        } catch (LlmException e) {
            fail(e);
            return;
        } catch (IOException e) {
            fail(client.exchangeFailure(e, HttpProviderClient.target(request), watchdog().firedReason()));
            return;
        } catch (RuntimeException | Error e) {
            fail(e); // what the caller's reader threw: as postJson would throw it
            return;
        } finally {
            giveBackBuffer(); // what the reader made of the body holds none of its bytes
        }
        succeed(value);
    }

    /**
     * What the caller's reader makes of the answer. A plain answer is read with the parser this I/O thread keeps for
     * one document after another; should that fail as JSON, the ordinary parser reads the body again, so that a
     * malformed answer fails exactly as it did with it (same message, same location), and one in an encoding the kept
     * parser does not read (UTF-16, UTF-32) is still read.
     */
    private T readAnswer() throws IOException {
        if (contentEncoding == null) {
            try (JsonReader json = Json.reusedReader(buffer, 0, length)) {
                return client.readAnswer(json, headers, reader);
            } catch (JsonProcessingException readAgain) {
                // below
            }
        }
        try (JsonReader json = ContentCodings.answer(contentEncoding, buffer, length, client.limits().maxResponseBytes())) {
            return client.readAnswer(json, headers, reader);
        }
    }

    /** The error body's text: its bytes, decoded when the upstream compressed them. */
    private String errorText() {
        if (contentEncoding == null) {
            return HttpProviderClient.errorText(buffer, length);
        }
        byte[] decoded = ContentCodings.decodeStart(contentEncoding, buffer, length, HttpProviderClient.MAX_ERROR_BODY);
        return HttpProviderClient.errorText(decoded, decoded.length);
    }

    @Override
    public void failed(Exception cause) {
        release(false);
        Throwable failure = cause instanceof ErrorBodyCut ? client.statusFailure(status, headers, errorText()) : failure(cause);
        giveBackBuffer();
        fail(failure);
    }

    @Override
    public void cancel() {
        release(false);
        giveBackBuffer();
        fail(failure(new RequestNotExecutedException("the HTTP client gave up the exchange")));
    }

    @Override
    public void releaseResources() {
        if (!answer.isDone()) { // the exchange ended without an answer or a failure: the connection went away
            release(false);
            fail(failure(new ConnectionClosedException("the exchange ended without an answer")));
        }
        giveBackBuffer();
    }

    // --- the outcome ------------------------------------------------------------------------------------------

    private void succeed(T value) {
        watchdog().stopWithoutWaiting();
        answer.complete(value);
    }

    private void fail(Throwable failure) {
        watchdog().stopWithoutWaiting();
        answer.completeExceptionally(failure);
    }

    /**
     * A failure of this client as {@link HttpProviderClient} maps it: a runtime exception as it is (the blocking
     * client lets it through too), any other as the exception the blocking client throws in the same case.
     */
    private Throwable failure(Exception cause) {
        if (cause instanceof RuntimeException unchecked) {
            return unchecked;
        }
        IOException io;
        if (cause instanceof ConnectionClosedException && status == 0) {
            io = new NoHttpResponseException(target().toHostString() + " failed to respond", cause); // closed before any answer
        } else if (cause instanceof IOException e) {
            io = e;
        } else if (cause instanceof HttpException e) {
            io = new ClientProtocolException(e.getMessage(), e); // e.g. a malformed status line
        } else {
            io = new IOException(cause.getMessage(), cause);
        }
        return client.exchangeFailure(io, HttpProviderClient.target(request), watchdog().firedReason());
    }

    /** A failure to get a connection, as the blocking client's connection step reports it. */
    private Exception connectFailure(Exception cause) {
        if (cause instanceof SocketTimeoutException) {
            return new ConnectTimeoutException("Connect to " + target().toHostString() + " timed out");
        }
        if (cause instanceof TimeoutException) { // no pooled connection came free in time
            return new ConnectionRequestTimeoutException(cause.getMessage());
        }
        return cause;
    }

    private Watchdog watchdog() {
        if (watchdog == null) {
            throw new IllegalStateException("not started");
        }
        return watchdog;
    }

    /** Thrown by {@link #consume} once an error body has filled its buffer: drops the connection, not drained. */
    private static final class ErrorBodyCut extends IOException {
        ErrorBodyCut() {
            super("error body cut at " + HttpProviderClient.MAX_ERROR_BODY + " bytes");
        }
    }

    /**
     * A request URI's scheme, authority and path (with its query), as HttpCore's request reads them from the URI; made
     * once per URI a client calls, rather than for every request (a provider calls the same few URIs).
     */
    record RequestTarget(URI uri, String scheme, @Nullable URIAuthority authority, String path) {
        static RequestTarget of(URI uri) {
            BasicHttpRequest read = new BasicHttpRequest(Method.POST, uri);
            return new RequestTarget(uri, read.getScheme(), read.getAuthority(), read.getPath());
        }

        /** Whether this is {@code other}'s target: the same URI object as a rule (providers keep theirs). */
        boolean isFor(URI other) {
            return uri == other || uri.equals(other);
        }
    }

    /** The request, known by type to {@link AsyncExchanges}' head listener, which tells its exchange the connection. */
    static final class Request extends BasicHttpRequest {
        private final transient AsyncJsonExchange<?> exchange;

        Request(RequestTarget target, AsyncJsonExchange<?> exchange) {
            super(Method.POST.name(), target.scheme(), target.authority(), target.path());
            this.exchange = exchange;
        }

        AsyncJsonExchange<?> exchange() {
            return exchange;
        }
    }

    /** The caller's future: cancelling it aborts the exchange. */
    private final class Answer extends CompletableFuture<T> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                abort();
            }
            return cancelled;
        }
    }

    /** A JSON request body of exact bytes, written out as the connection takes them. */
    private static final class RequestBody implements EntityDetails {
        private final ByteBuffer bytes;

        RequestBody(byte[] json) {
            this.bytes = ByteBuffer.wrap(json);
        }

        int remaining() {
            return bytes.remaining();
        }

        void writeTo(DataStreamChannel channel) throws IOException {
            while (bytes.hasRemaining()) {
                if (channel.write(bytes) == 0) {
                    return; // the connection's buffer is full: called again when it can take more
                }
            }
            channel.endStream();
        }

        @Override
        public long getContentLength() {
            return bytes.capacity();
        }

        @Override
        public String getContentType() {
            return JSON_CONTENT_TYPE;
        }

        @Override
        public @Nullable String getContentEncoding() {
            return null;
        }

        @Override
        public boolean isChunked() {
            return false;
        }

        @Override
        public Set<String> getTrailerNames() {
            return Set.of();
        }
    }
}
