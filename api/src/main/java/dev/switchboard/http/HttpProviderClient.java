package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.internal.FormattedHeaders;
import dev.switchboard.internal.ReusedJsonOutput;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.ResponseLimits;
import dev.switchboard.spi.Timeouts;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client of one provider: sends JSON over the shared pooled {@link HttpTransport} with the provider's
 * timeouts and headers, and turns every failure into an {@link LlmException} of the right kind with secrets
 * redacted. One call path serves both plain and streamed calls: {@link #send} reads the whole body, {@link #open}
 * hands it over as it arrives. {@link #postJsonAsync} makes the same plain call on the transport's non-blocking
 * client, with no thread waiting for the answer; what an answer or a failure means is decided by the same methods
 * for both clients. Every body read is bounded by the provider's {@link ResponseLimits}: past a limit the
 * connection is dropped and the call fails with a {@code SERVER} error naming the limit's key; error bodies are read
 * up to 64 KiB. Thread-safe.
 */
public final class HttpProviderClient {

    /** The most of an error body read (and kept in the failure's text); a longer one's connection is dropped. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    private static final ContentType JSON = ContentType.APPLICATION_JSON;

    private final String provider;
    private final HttpTransport transport;
    private final Timeouts timeouts;
    private final ResponseLimits limits;
    /** The configured headers as immutable header objects, made once and set on every request. */
    private final Header[] fixedHeaders;
    private final Redactor redactor;
    private final ErrorMapper errorMapper;
    private final Clock clock;
    private final RequestConfig requestConfig;
    /** The socket timeout of an exchange's connection: a backstop for its watchdog. */
    private final Timeout socketTimeout;
    private final Timeout connectTimeout;

    /** A client with the default {@link ResponseLimits}. */
    public HttpProviderClient(String provider, HttpTransport transport, Timeouts timeouts, Map<String, String> headers,
                              Redactor redactor, ErrorMapper errorMapper, Clock clock) {
        this(provider, transport, timeouts, ResponseLimits.DEFAULTS, headers, redactor, errorMapper, clock);
    }

    public HttpProviderClient(String provider, HttpTransport transport, Timeouts timeouts, ResponseLimits limits,
                              Map<String, String> headers, Redactor redactor, ErrorMapper errorMapper, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.errorMapper = Objects.requireNonNull(errorMapper, "errorMapper");
        this.clock = Objects.requireNonNull(clock, "clock");
        // whether a name carries a credential is decided here, as it is for registering the header's value
        this.fixedHeaders = Map.copyOf(headers).entrySet().stream()
                .map(h -> fixedHeader(h.getKey(), h.getValue()))
                .toArray(Header[]::new);
        long socketMillis = Math.max(timeouts.firstByte().toMillis(), timeouts.idle().toMillis()) + 1000;
        this.socketTimeout = Timeout.ofMilliseconds(socketMillis); // backstop; the watchdog is precise
        this.connectTimeout = Timeout.of(timeouts.connect());
        this.requestConfig = connectTimeout(RequestConfig.custom(), timeouts)
                .setResponseTimeout(socketTimeout)
                .setConnectionRequestTimeout(connectTimeout)
                .setRedirectsEnabled(false)
                .build();
    }

    /**
     * A client for a provider's settings: its timeouts, its response limits, its configured headers plus
     * {@code authHeaders}, and a redactor over the context's secrets, to which it adds the key and the values of
     * credential headers (so a provider built on this client needs to register nothing itself).
     */
    public static HttpProviderClient create(ProviderSettings settings, ProviderContext context,
                                            Map<String, String> authHeaders, ErrorMapper errorMapper) {
        Map<String, String> all = new java.util.LinkedHashMap<>(settings.headers());
        all.putAll(authHeaders);
        settings.apiKey().ifPresent(context.secrets()::register);
        all.forEach(context.secrets()::registerHeader);
        return new HttpProviderClient(settings.name(), context.http(), settings.timeouts(), settings.responseLimits(), all,
                Redactor.of(context.secrets()), errorMapper, context.clock());
    }

    @SuppressWarnings("deprecation") // per-request connect timeout: the pool is shared by providers with different ones
    private static RequestConfig.Builder connectTimeout(RequestConfig.Builder b, Timeouts t) {
        return b.setConnectTimeout(Timeout.of(t.connect()));
    }

    public String provider() {
        return provider;
    }

    public Redactor redactor() {
        return redactor;
    }

    /** POSTs a JSON body and returns the parsed JSON response. */
    public JsonResponse postJson(URI uri, Map<String, String> extraHeaders, BodyWriter body) {
        return send(post(uri, extraHeaders, body, "application/json"), asTree);
    }

    /**
     * POSTs a JSON body and reads the successful answer with {@code reader} as it arrives, with no tree of the whole
     * body: the same statuses, error mapping, limits and redaction as {@link #postJson(URI, Map, BodyWriter)}.
     */
    public <T> T postJson(URI uri, Map<String, String> extraHeaders, BodyWriter body, ResponseReader<T> reader) {
        Objects.requireNonNull(reader, "reader");
        return send(post(uri, extraHeaders, body, "application/json"), (in, status, headers) -> {
            try (JsonReader json = Json.reader(in)) {
                return readAnswer(json, headers, reader);
            }
        });
    }

    /**
     * POSTs a JSON body without waiting for the answer: the request goes out on the transport's non-blocking client
     * and no thread is held while the upstream answers. Everything else is {@link #postJson(URI, Map, BodyWriter,
     * ResponseReader)}'s: the same request headers, limits, timeouts, error mapping and redaction; the future
     * completes with what that method returns or exceptionally with what it throws (an {@link LlmException} as a
     * rule, never wrapped in another exception).
     *
     * <p>The answer is read on an I/O thread of that client once it has arrived whole (bounded by the response
     * limits): {@code reader} runs there, and so do callbacks added to the future, so neither may block. An aborted
     * call's future completes where the abort happens: on the timeout thread for a timeout, on the cancelling thread
     * for a cancelled {@link CancelScope}. Cancelling the future aborts the exchange and closes its connection; a
     * completed exchange leaves its connection to the pool.
     */
    public <T> CompletableFuture<T> postJsonAsync(URI uri, Map<String, String> extraHeaders, BodyWriter body,
                                                  ResponseReader<T> reader) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(reader, "reader");
        AsyncJsonExchange<T> exchange;
        AsyncExchanges exchanges;
        try {
            exchanges = transport.asyncExchanges();
            exchange = new AsyncJsonExchange<>(this, requestTarget(uri), reader);
            HostHeaders host = hostHeaders(exchange.request());
            if (host == null) {
                throw new IllegalArgumentException("no host in " + uri.getScheme() + " URI");
            }
            exchange.request().setHeaders(host.jsonPost()); // a new request: these replace nothing
            setExtraHeaders(exchange.request(), extraHeaders);
            exchange.start(exactBody(body), host.target(), transport.timeouts());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // e.g. a body that cannot be written: what postJson would throw
        }
        if (!exchange.future().isDone()) { // done already when the caller's scope was cancelled
            try {
                exchanges.execute(exchange, connectTimeout);
            } catch (RuntimeException e) {
                exchange.couldNotStart(e); // e.g. the transport closed meanwhile
            }
        }
        return exchange.future();
    }

    /** The target of this client's last call without waiting: its next one goes to the same URI as a rule. */
    private volatile AsyncJsonExchange.@Nullable RequestTarget lastTarget;

    private AsyncJsonExchange.RequestTarget requestTarget(URI uri) {
        AsyncJsonExchange.RequestTarget target = lastTarget;
        if (target == null || !target.isFor(uri)) {
            target = AsyncJsonExchange.RequestTarget.of(uri);
            lastTarget = target;
        }
        return target;
    }

    /** POSTs with no body (an action such as a cancel whose spec defines none) and returns the parsed JSON response. */
    public JsonResponse postWithoutBody(URI uri, Map<String, String> extraHeaders) {
        HttpPost post = new HttpPost(uri);
        prepare(post, extraHeaders, "application/json");
        return send(post, asTree);
    }

    /** GETs a JSON resource. */
    public JsonResponse getJson(URI uri, Map<String, String> extraHeaders) {
        HttpGet get = new HttpGet(uri);
        prepare(get, extraHeaders, "application/json");
        return send(get, asTree);
    }

    /** POSTs a JSON body and returns the response open for incremental reading ({@code accept} e.g. text/event-stream). */
    public StreamingResponse openPost(URI uri, Map<String, String> extraHeaders, BodyWriter body, String accept) {
        return open(post(uri, extraHeaders, body, accept));
    }

    /** GETs a resource and returns it open for incremental reading. */
    public StreamingResponse openGet(URI uri, Map<String, String> extraHeaders, String accept) {
        HttpGet get = new HttpGet(uri);
        prepare(get, extraHeaders, accept);
        return open(get);
    }

    private HttpPost post(URI uri, Map<String, String> extraHeaders, BodyWriter body, String accept) {
        HttpPost post = new HttpPost(uri);
        prepare(post, extraHeaders, accept);
        post.setEntity(serialize(body));
        return post;
    }

    /**
     * Sets the headers every request of the blocking client carries: Accept, User-Agent, Host, the configured and
     * credential headers (see {@link #setOwnHeaders}) and {@code extraHeaders}.
     */
    private void prepare(HttpUriRequestBase request, Map<String, String> extraHeaders, String accept) {
        request.setConfig(requestConfig);
        HostHeaders host = hostHeaders(request);
        setOwnHeaders(request, accept(accept), host == null ? null : host.host());
        setExtraHeaders(request, extraHeaders);
    }

    /**
     * Sets the headers this client gives every request, on either client, in this order (a header replaces an earlier
     * one of the same name): Accept, User-Agent, Host (when the request names an authority), then the configured and
     * credential headers.
     */
    private void setOwnHeaders(HttpRequest request, Header accept, @Nullable Header host) {
        request.setHeader(accept);
        request.setHeader(USER_AGENT); // what the client would add, made once instead of per request
        if (host != null) {
            request.setHeader(host);
        }
        for (Header h : fixedHeaders) {
            request.setHeader(h);
        }
    }

    /** Sets the headers a call adds (e.g. a refreshed token), after and over all others. */
    private void setExtraHeaders(HttpRequest request, Map<String, String> extraHeaders) {
        if (!extraHeaders.isEmpty()) {
            for (Map.Entry<String, String> h : extraHeaders.entrySet()) {
                redactor.secrets().registerHeader(h.getKey(), h.getValue()); // e.g. a refreshed token
                request.setHeader(callHeader(h.getKey(), h.getValue()));
            }
        }
    }

    /**
     * What this client sends to the authority it last sent to, made when it first calls there (a provider's requests
     * all go to its base URL): that authority and scheme; the Host header HttpCore's RequestTargetHost would add (the
     * host and port, without user info), formatted once; the host the non-blocking client connects to; and every
     * header of a JSON POST without waiting but the call's extra ones and Content-Length, in order: the exchange's own
     * ({@link AsyncJsonExchange#OWN_HEADERS}), then this client's ({@link #setOwnHeaders}), each replacing an earlier
     * one of the same name, as when they were set on each request one by one.
     */
    private record HostHeaders(String scheme, URIAuthority authority, Header host, HttpHost target, Header[] jsonPost) {}

    private volatile HostHeaders lastHost;

    /** The headers for the request's authority; null when it names none (the library's step names the target then). */
    private @Nullable HostHeaders hostHeaders(HttpRequest request) {
        URIAuthority authority = request.getAuthority();
        if (authority == null) {
            return null;
        }
        String scheme = request.getScheme();
        HostHeaders host = lastHost;
        if (host == null || !host.authority().equals(authority) || !host.scheme().equals(scheme)) {
            URIAuthority withoutUser = new URIAuthority(authority.getHostName(), authority.getPort());
            Header hostHeader = FormattedHeaders.of("Host", withoutUser.toString());
            BasicHttpRequest jsonPost = new BasicHttpRequest(Method.POST, "/");
            for (Header h : AsyncJsonExchange.OWN_HEADERS) {
                jsonPost.setHeader(h);
            }
            setOwnHeaders(jsonPost, ACCEPT_JSON, hostHeader);
            host = new HostHeaders(scheme, authority, hostHeader,
                    new HttpHost(scheme, authority.getHostName(), authority.getPort()), jsonPost.getHeaders());
            lastHost = host;
        }
        return host;
    }

    private static final Header USER_AGENT = FormattedHeaders.of("User-Agent", HttpTransport.USER_AGENT);
    private static final Header ACCEPT_JSON = FormattedHeaders.of("Accept", "application/json");
    private static final Header ACCEPT_EVENTS = FormattedHeaders.of("Accept", "text/event-stream");

    private static Header accept(String accept) {
        return switch (accept) {
            case "application/json" -> ACCEPT_JSON;
            case "text/event-stream" -> ACCEPT_EVENTS;
            default -> new BasicHeader("Accept", accept);
        };
    }

    /**
     * A header of every request, formatted once: a credential as a {@link CredentialHeader}, so that HttpClient's
     * header log prints it masked.
     */
    private Header fixedHeader(String name, String value) {
        return redactor.secrets().isSensitiveHeader(name) ? CredentialHeader.formatted(name, value)
                : FormattedHeaders.of(name, value);
    }

    /** A header of one call, left to the writer to format (formatting it here would be the same work, and a copy). */
    private Header callHeader(String name, String value) {
        return redactor.secrets().isSensitiveHeader(name) ? new CredentialHeader(name, value) : new BasicHeader(name, value);
    }

    /** Writes the body into this thread's buffer; the request sends it from there, so the bytes are not copied. */
    private JsonBody serialize(BodyWriter body) {
        return new JsonBody(writeBody(body));
    }

    /**
     * Writes the body into this thread's buffer and returns an exact copy of it: a request sent by the non-blocking
     * client goes out later, on another thread, after this thread may have written the next body into its buffer.
     */
    private byte[] exactBody(BodyWriter body) {
        return writeBody(body).toByteArray();
    }

    /**
     * Writes the body with the thread's kept buffer and generator ({@link ReusedJsonOutput}, which the gateway's
     * answers on the same thread are written with too). A body left with a value open is ended, as closing its own
     * generator would end it.
     */
    private ReusedJsonOutput writeBody(BodyWriter body) {
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            body.write(new JsonWriter(out.generator()));
            out.finish();
            return out;
        } catch (IOException e) {
            throw LlmException.builder(ErrorKind.INVALID_REQUEST, provider)
                    .message("cannot write the request body: " + e.getMessage()).cause(e).build();
        }
    }

    /**
     * A JSON request body, sent from the buffer of the thread that wrote it: a request is written to its connection
     * by the same call on the same thread (no automatic retries, no redirects), before that thread writes another
     * body. Should a body be sent after its buffer was reused, that is a failure, never another request's bytes.
     * ({@code ByteArrayEntity} would also format its {@code ContentType} into a new string for every request; this
     * one's Content-Type text is made once.)
     */
    private static final class JsonBody extends org.apache.hc.core5.http.io.entity.AbstractHttpEntity {
        private static final String CONTENT_TYPE = JSON.toString();
        private final ReusedJsonOutput buffer;
        private final int use;
        private final int length;

        JsonBody(ReusedJsonOutput buffer) {
            super(CONTENT_TYPE, null, false);
            this.buffer = buffer;
            this.use = buffer.uses();
            this.length = buffer.size();
        }

        private byte[] bytes() {
            if (buffer.uses() != use) {
                throw new IllegalStateException("the request body's buffer was reused before the request was sent");
            }
            return buffer.array();
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public long getContentLength() {
            return length;
        }

        @Override
        public InputStream getContent() {
            return new java.io.ByteArrayInputStream(bytes(), 0, length);
        }

        @Override
        public void writeTo(java.io.OutputStream out) throws IOException {
            out.write(bytes(), 0, length);
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    /** How {@link #send} reads a successful body: the stream is bounded by the limits and reports to the watchdog. */
    @FunctionalInterface
    private interface BodyReading<T> {
        T read(InputStream body, int status, ResponseHeaders headers) throws IOException;
    }

    /** The whole body as a tree. */
    private final BodyReading<JsonResponse> asTree = (in, status, headers) -> {
        JsonNode node = Json.read(in);
        if (node == null || node.isMissingNode()) {
            throw emptyBody();
        }
        return new JsonResponse(status, node, headers);
    };

    private <T> T send(HttpUriRequestBase request, BodyReading<T> reading) {
        Watchdog watchdog = new Watchdog(request, timeouts, transport.timeouts());
        try (ClassicHttpResponse response = transport.client().executeOpen(null, request, null)) {
            watchdog.headersReceived();
            int status = response.getCode();
            if (status >= 300) {
                throw failure(status, request, response);
            }
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                throw emptyBody();
            }
            if (entity.getContentLength() > limits.maxResponseBytes()) {
                request.cancel(); // refuse a declared size up front rather than read up to it
                throw declaredTooLarge(entity.getContentLength());
            }
            InputStream body = new LimitedInputStream(entity.getContent(), limits.maxResponseBytes(), "the response body",
                    "max-response-bytes", 0, request::cancel);
            try (InputStream in = new ActivityInputStream(body, watchdog)) {
                return reading.read(in, status, ResponseHeaders.of(response));
            }
        } catch (IOException e) {
            throw exchangeFailure(e, target(request), watchdog.firedReason());
        } finally {
            watchdog.stop();
        }
    }

    private StreamingResponse open(HttpUriRequestBase request) {
        Watchdog watchdog = new Watchdog(request, timeouts, transport.timeouts());
        ClassicHttpResponse response = null;
        try {
            response = transport.client().executeOpen(null, request, null);
            watchdog.headersReceived();
            int status = response.getCode();
            if (status >= 300) {
                try (ClassicHttpResponse r = response) {
                    throw failure(status, request, r);
                }
            }
            HttpEntity entity = response.getEntity();
            InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
            InputStream limited = new LimitedInputStream(content, limits.maxStreamBytes(), "the streamed body",
                    "max-stream-bytes", limits.maxLineBytes(), request::cancel);
            return new StreamingResponse(provider, redactor, request, response, watchdog, limited);
        } catch (IOException e) {
            watchdog.stop();
            closeQuietly(response);
            throw transportFailure(target(request), e, watchdog.firedReason());
        } catch (RuntimeException e) {
            watchdog.stop();
            throw e;
        }
    }

    // --- what both clients make of an answer and of a failure: one copy, so that both fail alike ----------------

    /**
     * Reads a successful answer with the caller's reader, which starts on the answer's first token; a body with no
     * token is an empty answer, which the reader never sees.
     */
    <T> T readAnswer(JsonReader json, ResponseHeaders headers, ResponseReader<T> reader) throws IOException {
        if (json.nextToken() == null) {
            throw emptyBody();
        }
        return reader.read(json, headers);
    }

    /** A successful answer whose Content-Length is over the response limit: refused before any of it is read. */
    ResponseLimitExceededException declaredTooLarge(long contentLength) {
        return new ResponseLimitExceededException("the response body (declared " + contentLength + " bytes)",
                "max-response-bytes", limits.maxResponseBytes());
    }

    /** What went wrong in an exchange that failed with {@code e} while sending or reading. */
    LlmException exchangeFailure(IOException e, String target, @Nullable String watchdogReason) {
        if (e instanceof ResponseLimitExceededException tooLarge) {
            return tooLarge.toLlmException(provider);
        }
        if (e instanceof JsonProcessingException invalid) {
            // the parser quotes the offending text, which may be anything the server echoed (a key included): the
            // message is redacted and the parser's exception, which quotes it too, is not attached
            return malformed("response body is not valid JSON: " + redactor.redact(invalid.getOriginalMessage())
                    + (invalid.getLocation() == null ? "" : " (line " + invalid.getLocation().getLineNr()
                            + ", column " + invalid.getLocation().getColumnNr() + ")"), null);
        }
        return transportFailure(target, e, watchdogReason);
    }

    private LlmException failure(int status, HttpUriRequestBase request, ClassicHttpResponse response) throws IOException {
        return statusFailure(status, ResponseHeaders.of(response), readErrorBody(response.getEntity(), request));
    }

    /**
     * The failure an answer with an error status gives, through the provider's {@link ErrorMapper}: {@code text} is
     * the start of its body (at most {@link #MAX_ERROR_BODY} bytes, see {@link #errorText}), redacted here, and
     * read as JSON when it looks like JSON, the tree redacted too.
     */
    LlmException statusFailure(int status, ResponseHeaders headers, String text) {
        JsonNode node = null;
        if (!text.isEmpty() && (text.charAt(0) == '{' || text.charAt(0) == '[')) {
            try {
                node = Json.read(text);
            } catch (IOException notJson) {
                node = null;
            }
        }
        String redacted = redactor.redact(text);
        return errorMapper.map(new HttpFailure(provider, status, headers, redacted,
                node == null ? null : redactor.redactTree(redactTree(node, text, redacted)), clock));
    }

    /** An error body's text: its bytes as UTF-8, stripped of surrounding white space. */
    static String errorText(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8).strip();
    }

    /** Re-parses the body from redacted text when redaction changed it, so no secret survives in the tree. */
    private static JsonNode redactTree(JsonNode node, String original, String redacted) {
        if (original.equals(redacted)) {
            return node;
        }
        try {
            return Json.read(redacted);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The first 64 KiB of an error body. When more follows, the connection is dropped instead of drained: closing a
     * body reads it to its end, and an error body may be as large as an upstream likes.
     */
    private static String readErrorBody(HttpEntity entity, HttpUriRequestBase request) throws IOException {
        if (entity == null) {
            return "";
        }
        InputStream in = entity.getContent();
        if (in == null) {
            return "";
        }
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_ERROR_BODY + 1);
            if (bytes.length > MAX_ERROR_BODY) {
                request.cancel();
                bytes = Arrays.copyOf(bytes, MAX_ERROR_BODY);
            }
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // aborted above, or broken: what was read is the error to report
            }
        }
        return errorText(bytes, bytes.length);
    }

    /** A successful answer with no JSON in it. */
    LlmException emptyBody() {
        return malformed("empty response body", null);
    }

    private LlmException malformed(String what, Throwable cause) {
        return LlmException.builder(ErrorKind.SERVER, provider).message(what).cause(cause).build();
    }

    /**
     * A failure to connect, send or read, as the blocking client reports it (the non-blocking one hands its failures
     * over in the same types): {@code watchdogReason} is why the watchdog aborted the exchange, if it did.
     */
    private LlmException transportFailure(String target, IOException e, @Nullable String watchdogReason) {
        if (watchdogReason != null) {
            return LlmException.builder(ErrorKind.TIMEOUT, provider).message(watchdogReason + " at " + target).cause(e).build();
        }
        if (e instanceof MessageConstraintException) {
            return headTooLarge(provider, target, e);
        }
        if (e instanceof ConnectTimeoutException) {
            return LlmException.builder(ErrorKind.TIMEOUT, provider)
                    .message("cannot connect to " + target + " within " + timeouts.connect().toMillis() + " ms").cause(e).build();
        }
        if (e instanceof SocketTimeoutException) {
            return LlmException.builder(ErrorKind.TIMEOUT, provider).message("timed out waiting for " + target).cause(e).build();
        }
        if (e instanceof HttpHostConnectException || e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return LlmException.builder(ErrorKind.CONNECTION, provider)
                    .message("cannot connect to " + target + " (connection refused: is the server running?)").cause(e).build();
        }
        if (e instanceof UnknownHostException) {
            return LlmException.builder(ErrorKind.CONNECTION, provider)
                    .message("unknown host in " + target).cause(e).build();
        }
        if (e instanceof NoHttpResponseException) {
            return LlmException.builder(ErrorKind.CONNECTION, provider)
                    .message(target + " closed the connection without answering").cause(e).build();
        }
        if (e instanceof InterruptedIOException) {
            return LlmException.builder(ErrorKind.TIMEOUT, provider).message("request to " + target + " was interrupted").cause(e).build();
        }
        return LlmException.builder(ErrorKind.CONNECTION, provider)
                .message("I/O error talking to " + target + ": " + redactor.redact(String.valueOf(e.getMessage()))).cause(e).build();
    }

    /**
     * A response head (or a chunk-size line) past what is read of one: {@link HttpTransport#MAX_HEAD_LINE_BYTES} a
     * line, {@link HttpTransport#MAX_HEADER_FIELDS} fields. A {@code SERVER} failure, not retried on the same target.
     */
    static LlmException headTooLarge(String provider, String target, IOException e) {
        return LlmException.builder(ErrorKind.SERVER, provider)
                .message("answer too large: the response from " + target + " has a head line over "
                        + ResponseLimits.describe(HttpTransport.MAX_HEAD_LINE_BYTES) + " or more than "
                        + HttpTransport.MAX_HEADER_FIELDS + " header fields (" + e.getMessage() + "); the rest was not read")
                .retryable(false)
                .build();
    }

    /** Scheme, host and port: where the request went, without any user:password part of the URL. */
    static String target(HttpRequest request) {
        URIAuthority authority = request.getAuthority();
        if (authority == null) {
            return request.getScheme() + "://";
        }
        String host = authority.getHostName();
        host = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host; // an IPv6 literal
        return request.getScheme() + "://" + host + (authority.getPort() >= 0 ? ":" + authority.getPort() : "");
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response != null) {
            try {
                response.close();
            } catch (IOException ignored) {
                // already failing; the original error is the one to report
            }
        }
    }

    /**
     * Reports each read of a plain body to the watchdog, so the idle timeout measures silence between reads and not
     * the time a large or slowly sent body takes as a whole (that is the total timeout's job).
     */
    private static final class ActivityInputStream extends FilterInputStream {
        private final Watchdog watchdog;

        ActivityInputStream(InputStream in, Watchdog watchdog) {
            super(in);
            this.watchdog = watchdog;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            watchdog.touch();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            watchdog.touch();
            return n;
        }
    }

    /** The socket timeout an exchange's connection gets: see the constructor. */
    Timeout socketTimeout() {
        return socketTimeout;
    }

    /** The timeouts in force. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** The response limits in force. */
    public ResponseLimits limits() {
        return limits;
    }
}
