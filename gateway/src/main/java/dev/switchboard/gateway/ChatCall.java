package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Cost;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.gateway.OpenAiServerCodec.ChunkHeader;
import dev.switchboard.gateway.ui.ContentExcerpt;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.TokenEstimate;
import java.io.IOException;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * {@code POST /v1/chat/completions} on a worker thread: parse, resolve the model, call the route, answer as a
 * {@code chat.completion} or as SSE {@code chat.completion.chunk}s. The I/O thread may read the body first and answer
 * a hit of an in-process cache itself ({@link #answeredOnReactor}); a request it leaves goes to a worker, which
 * continues from what it read. A streamed answer's head goes out with its first content (the route has by then fallen
 * back past every target that failed to start), so a request whose targets all fail still gets a proper error status;
 * a failure after that ends the stream with an error event. The stream's loop, its endings and its bookkeeping are
 * {@link StreamRelay}'s, shared with the Responses and Messages endpoints; what is chat's own is how the events are
 * written ({@code Chunks}).
 */
final class ChatCall implements java.util.function.BiConsumer<ChatResponse, Throwable> {

    static final String PROVIDER_HEADER = "x-switchboard-provider";
    static final String ATTEMPTS_HEADER = "x-switchboard-attempts";
    static final String OVERHEAD_HEADER = "x-switchboard-overhead-ms";
    /** What the answer cost in US dollars, or {@code unknown}; on non-streamed answers (a stream's is in /v1/usage). */
    static final String COST_HEADER = "x-switchboard-cost-usd";

    private final GatewayServer server;
    private final Exchange exchange;
    private long upstreamNanos;
    /** A call started without a worker: whether it is under way, and when it started ({@link System#nanoTime}). */
    private boolean started;
    private long startNanos;
    /** The request's key in its route's response cache; null when the route does not cache it. */
    private String cacheKey;

    // What the body says, once read (prepare): by the worker, or by the I/O thread that looked for a hit first.
    private OpenAiServerCodec.ChatCall call;
    private ModelResolver.Resolved target;
    private ChatRequest request;
    /** Whether the route's cache was asked already; {@code cached} is then its answer (null: a miss, or not asked). */
    private boolean lookedUp;
    private ResponseCache.Entry cached;

    ChatCall(GatewayServer server, Exchange exchange) {
        this.server = server;
        this.exchange = exchange;
    }

    /** On a worker: the whole call, continuing from what the I/O thread read when it read the body first. */
    void serve() throws Outbox.ClientGone {
        if (call == null && !prepare()) {
            return;
        }
        answer();
    }

    /**
     * On the I/O thread, for a request {@link ReadOnReactor#mayRead} let it read: reads the body; when the route keeps
     * its answers in this process and has this one (not streamed: a replayed stream is relayed by a worker), answers
     * it here, in the scopes a worker would answer it in; otherwise, for a call that is not streamed, starts it here
     * when its route can make it without holding a thread ({@link #startedWithoutWaiting}). The cache is asked before
     * the key's admission here, the other way round on a worker: the key this thread admits has no limit or budget,
     * so its admission can neither refuse nor change anything the lookup depends on.
     *
     * @return whether the request is answered or started (a hit, an error in its body or model, a call under way);
     *         false: a worker is to {@link #serve} it, from what was read here
     */
    boolean answeredOnReactor() {
        if (!prepare()) {
            return true;
        }
        if (call.stream()) {
            return false;
        }
        String route = target.route().name();
        if (server.cache().caches(route)) {
            if (!server.cache().inProcess(route)) {
                return false; // a shared cache's lookup is a round trip: a worker's
            }
            lookUp();
            if (cached != null) {
                exchange.inCallScopes(this::answer);
                return true;
            }
        }
        return startedWithoutWaiting();
    }

    /**
     * Starts the call on this (I/O) thread when its route can make it without holding a thread while the provider
     * answers, and {@code max-concurrent-requests} leaves room: admitted, started and written in the scopes a worker
     * would call in; the answer is written by whichever thread completes the call ({@link #ended}).
     *
     * @return whether the call was started (or its key refused, which is answered); false: a worker is to call
     */
    private boolean startedWithoutWaiting() {
        if (!server.callStarting()) {
            return false;
        }
        try {
            exchange.inCallScopes(this::start);
        } finally {
            if (!started) {
                server.callEnded();
            }
        }
        // a failure inside start() was answered (a 500) by the scopes: the request is done with either way
        return started || exchange.responded();
    }

    /** {@link #startedWithoutWaiting}'s part inside the call's scopes; {@link #started} says whether it is under way. */
    private void start() {
        KeyAccount account = server.account(exchange.key);
        java.util.Optional<java.util.concurrent.CompletableFuture<ChatResponse>> pending;
        startNanos = System.nanoTime();
        // admitted here without a limit or budget (ReadOnReactor): the ticket only names the key for the call's usage
        try (KeyAccount.Ticket ticket = account == null ? null
                : account.admit(TokenEstimate.of(request, LimitPolicy.DEFAULT_OUTPUT_TOKENS))) {
            pending = target.route().chatWithoutWaiting(request, exchange.blockingSteps());
        } catch (KeyAccount.Refused r) {
            exchange.reply(r.reply(), false, cacheResult(Exchange.NO_HEADERS, exchange));
            return;
        }
        if (pending.isEmpty()) {
            return;
        }
        exchange.callStarted(pending.get());
        started = true;
        pending.get().whenComplete(this);
    }

    /** A call started without a worker ended, on the thread that completed it: its end is the exchange's. */
    @Override
    public void accept(ChatResponse response, Throwable failure) {
        exchange.callEnded(() -> ended(response, failure));
    }

    /** The end of a call started without a worker: its answer, or its failure, written as a worker writes them. */
    private void ended(ChatResponse response, Throwable failure) {
        upstreamNanos = System.nanoTime() - startNanos;
        if (failure == null) {
            answered(response, null);
            return;
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof java.util.concurrent.CancellationException) {
            return; // the client left (or the gateway abandoned the call): nothing to answer
        }
        if (cause instanceof LlmException e) {
            failed(exchange, target, e);
            return;
        }
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    /**
     * Reads the body and resolves its model (the exchange is then routed, and a miss until a lookup says otherwise on
     * a caching route); false after answering an error (a malformed body, an unknown model).
     */
    private boolean prepare() {
        OpenAiServerCodec.ChatCall read = ChatBodyReader.read(exchange.body(), exchange.bodyLength());
        if (read == null) { // a body the streaming reader is not sure of: the tree reader answers it
            JsonNode json = parse(exchange);
            if (json == null) {
                return false;
            }
            try {
                read = OpenAiServerCodec.readChatRequest(json);
            } catch (OpenAiServerCodec.InvalidRequest e) {
                exchange.reply(ErrorReply.of(e), false);
                return false;
            }
        }
        ModelResolver.Resolved resolved = server.resolver().resolve(read.model());
        if (resolved == null) {
            exchange.reply(ErrorReply.unknownModel(server.resolver().unknown(read.model())), false);
            return false;
        }
        exchange.routed(resolved);
        if (server.cache().caches(resolved.route().name())) {
            exchange.cacheResult = "miss"; // until a lookup finds the answer: errors and bypasses are misses too
        }
        request = resolved.model() == null ? read.request()
                : read.request().toBuilder().model(resolved.model()).build();
        if (server.dashboard().capturesContent()) {
            exchange.prompt = ContentExcerpt.prompt(request);
        }
        call = read;
        target = resolved;
        return true;
    }

    /** Asks the route's cache for the request's answer, unless the request may not use it (sampled, no-cache). */
    private void lookUp() {
        String route = target.route().name();
        cacheKey = server.cache().key(route, request.model().orElse(null), exchange.key, call.stream(),
                exchange.body(), exchange.bodyLength());
        if (cacheKey != null) {
            String cacheControl = exchange.header("cache-control");
            cached = bypassesCache(cacheControl) ? null : server.cache().get(route, cacheKey);
            server.metrics().cache(route, cached != null);
            if (cached != null) {
                exchange.cacheResult = "hit";
            }
            if (forbidsStoring(cacheControl)) {
                cacheKey = null; // the fresh answer is not kept either (no-cache's replaces the cached one)
            }
        }
        lookedUp = true;
    }

    /** Admits the key, looks for a cached answer unless that was done, and answers: replayed, streamed or fetched. */
    private void answer() throws Outbox.ClientGone {
        KeyAccount account = server.account(exchange.key);
        KeyAccount.Ticket ticket;
        try { // the estimate only for a key to admit: a gateway without keys has none
            ticket = account == null ? null
                    : account.admit(TokenEstimate.of(request, LimitPolicy.DEFAULT_OUTPUT_TOKENS));
        } catch (KeyAccount.Refused r) {
            exchange.reply(r.reply(), false, cacheResult(Exchange.NO_HEADERS, exchange));
            return;
        }
        try {
            if (!lookedUp) {
                lookUp();
            }
            if (call.stream()) {
                stream(call, target, request, ticket, cached);
            } else if (cached != null) {
                replay(call, target, request, cached, ticket);
            } else {
                complete(call, target, request, ticket);
            }
        } finally {
            if (ticket != null) {
                ticket.close();
            }
        }
    }

    /** The key's admission: null when the gateway has no keys (nothing to limit or attribute). */
    static KeyAccount.Ticket admit(KeyAccount account, long estimatedTokens) throws KeyAccount.Refused {
        return account == null ? null : account.admit(estimatedTokens);
    }

    /** The body as JSON, or null after answering 400. */
    static JsonNode parse(Exchange exchange) {
        try {
            JsonNode json = Json.read(exchange.body(), 0, exchange.bodyLength());
            if (json == null || json.isMissingNode()) {
                exchange.reply(ErrorReply.invalidRequest(null, "The request body is empty; send a JSON object."), false);
                return null;
            }
            return json;
        } catch (JsonProcessingException e) {
            exchange.reply(ErrorReply.invalidRequest(null, "We could not parse the JSON body of your request: "
                    + e.getOriginalMessage()), false);
            return null;
        } catch (IOException e) {
            exchange.reply(ErrorReply.invalidRequest(null, "We could not read the body of your request."), false);
            return null;
        }
    }

    private void complete(OpenAiServerCodec.ChatCall call, ModelResolver.Resolved target, ChatRequest request,
                          KeyAccount.Ticket ticket) {
        ChatResponse response;
        long t0 = System.nanoTime();
        try {
            response = target.route().chat(request);
        } catch (LlmException e) {
            upstreamNanos = System.nanoTime() - t0;
            failed(exchange, target, e);
            return;
        } finally {
            upstreamNanos = System.nanoTime() - t0;
        }
        answered(response, ticket);
    }

    /** Writes the route's answer (and keeps it when the route caches it); {@code ticket} null for none. */
    private void answered(ChatResponse response, KeyAccount.Ticket ticket) {
        exchange.provider = response.provider();
        if (exchange.prompt != null) {
            exchange.answer = ContentExcerpt.cut(response.text());
        }
        if (ticket != null) {
            ticket.used(response.usage());
        }
        String id = response.id().isEmpty() ? newId() : response.id();
        String model = response.model().isEmpty() ? call.model() : response.model();
        byte[] body = JsonBodies.json(g -> OpenAiServerCodec.writeChatCompletion(g, response, id, model, created()));
        if (cacheKey != null) { // kept before the client has the answer, so its next request finds it
            server.cache().put(target.route().name(), cacheKey, new ResponseCache.Entry(response, List.of(),
                    response.provider()));
        }
        exchange.reply(200, Exchange.JSON, body, false, cacheResult(answerHeaders(exchange, upstreamNanos,
                response.provider(), response.attempts(), response.cost()), exchange));
        exchange.attempted(target.label(), response.attempts());
    }

    /** Whether a client's {@code Cache-Control} asks for a fresh answer ({@code no-cache} or {@code no-store}). */
    static boolean bypassesCache(String cacheControl) {
        if (cacheControl == null) {
            return false;
        }
        String v = cacheControl.toLowerCase(java.util.Locale.ROOT);
        return v.contains("no-cache") || v.contains("no-store");
    }

    /** Whether a client's {@code Cache-Control} says {@code no-store}: as in HTTP, its answer is not stored. */
    static boolean forbidsStoring(String cacheControl) {
        return cacheControl != null && cacheControl.toLowerCase(java.util.Locale.ROOT).contains("no-store");
    }

    /** A cached answer to a call that is not streamed: costs nothing, asks no provider. */
    private void replay(OpenAiServerCodec.ChatCall call, ModelResolver.Resolved target, ChatRequest request,
                        ResponseCache.Entry cached, KeyAccount.Ticket ticket) {
        ChatResponse response = cached.response();
        exchange.provider = UsageRecord.CACHE; // /metrics counts a provider's requests as the ledger does: sent ones
        if (ticket != null) {
            ticket.used(Usage.NONE);
        }
        String model = response.model().isEmpty() ? call.model() : response.model();
        long created = created();
        byte[] body;
        if (response.id().isEmpty()) { // each answer gets its own id: nothing to reuse
            String id = newId();
            body = JsonBodies.json(g -> OpenAiServerCodec.writeChatCompletion(g, response, id, model, created));
        } else {
            body = cached.body(created, model, () -> JsonBodies.json(g -> OpenAiServerCodec.writeChatCompletion(g,
                    response, response.id(), model, created)));
        }
        hit(target, request, cached); // counted before the client has it, as an answer from a provider is
        exchange.reply(200, Exchange.JSON, body, false, hitHeaders(exchange, response.provider()));
    }

    /**
     * Marks an answer given from the cache: its trail is one {@link Attempt.Outcome#CACHED} step of the provider that
     * first answered, and the ledger counts it as a request of {@link UsageRecord#CACHE} at zero cost (under its
     * route and key, so {@code /v1/usage}, {@code /metrics} and the usage log show the hit).
     */
    private void hit(ModelResolver.Resolved target, ChatRequest request, ResponseCache.Entry cached) {
        exchange.attempted(target.label(), List.of(Attempt.builder(cached.provider(), Attempt.Outcome.CACHED)
                .model(request.model().orElse(null)).build()));
        String answered = cached.model();
        server.switchboard().ledger().record(UsageRecord.cacheHit(server.switchboard().clock().instant(),
                answered != null ? answered : request.model().orElse(""), target.route().name(),
                exchange.key == null ? "" : exchange.key.name()));
    }

    private static final Header NO_TRIES = new BasicHeader(ATTEMPTS_HEADER, "0");
    private static final Header NO_COST = new BasicHeader(COST_HEADER, "0");
    private static final Header HIT = new BasicHeader(ResponseCache.HEADER, "hit");

    /**
     * A non-streamed hit's headers, as {@link #headers}, {@link #withCost} and {@link #withCache} would make them
     * (the provider whose answer it replays, no tries, the gateway's time, no cost, {@code hit}), in one array.
     */
    static Header[] hitHeaders(Exchange exchange, String provider) {
        long overhead = Math.max(0, System.nanoTime() - exchange.startNanos());
        return new Header[] {new BasicHeader(PROVIDER_HEADER, provider), NO_TRIES,
                new BasicHeader(OVERHEAD_HEADER, millis(overhead)), NO_COST, HIT};
    }

    /** {@code headers} and the cache header, when the route caches. */
    static Header[] withCache(Header[] headers, String result) {
        Header[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
        for (int i = 0; i < headers.length && result.equals("hit"); i++) {
            if (headers[i].getName().equals(ATTEMPTS_HEADER)) {
                all[i] = new BasicHeader(ATTEMPTS_HEADER, "0"); // no provider was asked
            }
        }
        all[headers.length] = new BasicHeader(ResponseCache.HEADER, result);
        return all;
    }

    /** {@code headers} and, when the exchange's route caches, whether this answer came from the cache. */
    static Header[] cacheResult(Header[] headers, Exchange exchange) {
        String result = exchange.cacheResult;
        return result == null ? headers : withCache(headers, result);
    }

    private void stream(OpenAiServerCodec.ChatCall call, ModelResolver.Resolved target, ChatRequest request,
                        KeyAccount.Ticket ticket, ResponseCache.Entry cached) throws Outbox.ClientGone {
        StreamRelay relay = new StreamRelay(server, exchange, target);
        relay.relay(() -> cached != null
                        ? new ResponseCache.Replay(cached.events(), cached.provider(), request.model().orElse(null))
                        : target.route().stream(request),
                new Chunks(relay, call, target, request, cached), ticket);
    }

    /** A streamed answer as SSE {@code chat.completion.chunk}s ended by {@code [DONE]}. */
    private final class Chunks implements StreamRelay.Answer {
        private final StreamRelay relay;
        private final OpenAiServerCodec.ChatCall call;
        private final ModelResolver.Resolved target;
        private final ChatRequest request;
        /** The cached answer replayed, or null (a hit costs the key nothing and is marked as one). */
        private final ResponseCache.Entry cached;
        private boolean hitMarked;
        /** The events as they came, for the cache; null when the route does not cache the request, or on a hit. */
        private final List<ChatEvent> recorded;
        private final StringBuilder answer = exchange.prompt != null ? new StringBuilder() : null; // capture-content
        private String id;
        private String model;
        private ChunkHeader header;
        private Usage usage = Usage.NONE;

        Chunks(StreamRelay relay, OpenAiServerCodec.ChatCall call, ModelResolver.Resolved target, ChatRequest request,
               ResponseCache.Entry cached) {
            this.relay = relay;
            this.call = call;
            this.target = target;
            this.request = request;
            this.cached = cached;
            this.recorded = cacheKey != null && cached == null ? new java.util.ArrayList<>() : null;
        }

        @Override
        public boolean started() {
            return header != null;
        }

        @Override
        public void on(ChatEvent event) throws Outbox.ClientGone {
            if (recorded != null) {
                recorded.add(event);
            }
            if (event instanceof ChatEvent.Started s) {
                id = id == null && s.id() != null && !s.id().isEmpty() ? s.id() : id;
                model = model == null && s.model() != null && !s.model().isEmpty() ? s.model() : model;
                return;
            }
            if (event instanceof ChatEvent.UsageReport u) {
                usage = u.usage();
                return;
            }
            if (answer != null && event instanceof ChatEvent.TextDelta t) {
                ContentExcerpt.append(answer, t.text());
            }
            if (event instanceof ChatEvent.ReasoningBlockEnd) {
                return; // a chat.completion.chunk has no place for a signed reasoning block
            }
            boolean first = header == null;
            if (first) {
                start();
            }
            ChunkHeader h = header;
            exchange.send(JsonBodies.event(g -> OpenAiServerCodec.writeChunk(g, h, event, first)));
        }

        private void start() throws Outbox.ClientGone {
            header = new ChunkHeader(id == null ? newId() : id, model == null ? call.model() : model, created(),
                    call.includeUsage());
            relay.head(h -> cacheResult(h, exchange));
            if (cached != null) {
                exchange.provider = UsageRecord.CACHE; // as for an answer that is not streamed
            }
        }

        @Override
        public void end() throws Outbox.ClientGone {
            if (header == null) { // an answer without any content: still one well-formed stream
                start();
            }
            if (recorded != null) { // the whole answer, as it came: a hit replays these events (kept before the
                // client has the end, so its next request finds it)
                server.cache().put(target.route().name(), cacheKey, new ResponseCache.Entry(null, recorded,
                        relay.stream().provider()));
            }
            if (call.includeUsage()) {
                ChunkHeader h = header;
                Usage u = usage;
                exchange.send(JsonBodies.event(g -> OpenAiServerCodec.writeUsageChunk(g, h, u)));
            }
            if (cached != null) {
                hit(target, request, cached);
                hitMarked = true;
            }
            exchange.endStream(JsonBodies.DONE);
        }

        @Override
        public byte[] failure(ErrorReply error) {
            return error.event();
        }

        @Override
        public Usage usage() {
            return cached != null ? Usage.NONE : usage;
        }

        @Override
        public boolean replayed() {
            return cached != null;
        }

        @Override
        public void closed() {
            if (answer != null) {
                exchange.answer = ContentExcerpt.cut(answer);
            }
            if (cached != null && !hitMarked) { // the client left during the replay
                hit(target, request, cached);
            }
        }
    }

    /** "; not resumed: why" for a route's stream that gave up on resuming (a tool call had started, ...), else "". */
    static String notResumed(dev.switchboard.api.ChatStream stream) {
        return stream instanceof dev.switchboard.runtime.routing.RouteChatStream r
                ? r.notResumedBecause().map(why -> "; not resumed: " + why).orElse("") : "";
    }

    /** A route that failed before answering: its error, with the gateway's headers, unless the client left. */
    static void failed(Exchange exchange, ModelResolver.Resolved target, LlmException e) {
        exchange.attempted(target.label(), e.attempts());
        if (!exchange.gone()) {
            exchange.reply(ErrorReply.of(e), false, cacheResult(failureHeaders(e), exchange));
        }
    }

    /**
     * A route failure's gateway headers, as a success has them: the last provider tried and the tries made (targets
     * skipped untried not counted). When no provider was tried (every target skipped, a budget refused the call)
     * there is no provider to name: only {@code x-switchboard-attempts: 0}.
     */
    static Header[] failureHeaders(LlmException e) {
        String provider = null;
        int tried = 0;
        for (Attempt a : e.attempts()) {
            if (!a.outcome().isSkip()) {
                tried++;
                provider = a.provider();
            }
        }
        if (provider == null) {
            return new Header[] {new BasicHeader(ATTEMPTS_HEADER, "0")};
        }
        return new Header[] {new BasicHeader(PROVIDER_HEADER, provider),
                new BasicHeader(ATTEMPTS_HEADER, Integer.toString(tried))};
    }

    /**
     * The gateway's headers: who answered, after how many tries, and the gateway's own share of the time (all of the
     * exchange's time but the {@code upstreamNanos} spent waiting for the route).
     */
    static Header[] headers(Exchange exchange, long upstreamNanos, String provider, List<Attempt> attempts) {
        Header[] headers = new Header[3];
        putHeaders(headers, exchange, upstreamNanos, provider, attempts);
        return headers;
    }

    /** A non-streamed answer's headers: {@link #headers} and the cost header, made in one array. */
    static Header[] answerHeaders(Exchange exchange, long upstreamNanos, String provider, List<Attempt> attempts,
                                  Cost cost) {
        Header[] headers = new Header[4];
        putHeaders(headers, exchange, upstreamNanos, provider, attempts);
        headers[3] = costHeader(cost);
        return headers;
    }

    private static void putHeaders(Header[] headers, Exchange exchange, long upstreamNanos, String provider,
                                   List<Attempt> attempts) {
        long overhead = Math.max(0, System.nanoTime() - exchange.startNanos() - upstreamNanos);
        headers[0] = providerHeader(provider);
        int tries = tries(attempts);
        headers[1] = tries == 1 ? ONE_TRY : new BasicHeader(ATTEMPTS_HEADER, Integer.toString(tries));
        headers[2] = new BasicHeader(OVERHEAD_HEADER, millis(overhead));
    }

    /**
     * The provider header of the latest answer that named one: a route's calls are mostly answered by the same
     * provider, and a header is immutable, so it serves every such answer (a race only makes one header more).
     */
    private static volatile Header lastProviderHeader = new BasicHeader(PROVIDER_HEADER, "");

    /** {@code x-switchboard-provider: provider}, the latest answer's header when it named the same provider. */
    static Header providerHeader(String provider) {
        Header h = lastProviderHeader;
        if (!h.getValue().equals(provider)) {
            h = new BasicHeader(PROVIDER_HEADER, provider);
            lastProviderHeader = h;
        }
        return h;
    }

    /** The usual count of tries, answered at the first: one header for every such answer (headers are immutable). */
    private static final Header ONE_TRY = new BasicHeader(ATTEMPTS_HEADER, "1");

    /** {@code headers} and the cost header. */
    static Header[] withCost(Header[] headers, Cost cost) {
        Header[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
        all[headers.length] = costHeader(cost);
        return all;
    }

    private static Header costHeader(Cost cost) {
        java.util.Optional<java.math.BigDecimal> usd = cost.usd();
        return new BasicHeader(COST_HEADER, usd.isPresent() ? usd.get().toPlainString() : "unknown");
    }

    /** Tries made: the trail without the targets skipped untried (cooling down, lacking a capability). */
    static int tries(List<Attempt> attempts) {
        int n = 0;
        for (Attempt a : attempts) {
            if (!a.outcome().isSkip()) {
                n++;
            }
        }
        return Math.max(n, 1);
    }

    /** Milliseconds with three decimals, e.g. {@code 0.087}. */
    static String millis(long nanos) {
        long micros = nanos / 1000;
        StringBuilder sb = new StringBuilder(12).append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        return sb.append(frac).toString();
    }

    /**
     * An answer id for an answer whose provider gave none: 126 random bits in base 36, two non-negative longs
     * ({@code Long.toUnsignedString} of a negative one builds its digits in two strings and concatenates them).
     */
    static String newId() {
        return RandomIds.of("chatcmpl-", 2);
    }

    static long created() {
        return System.currentTimeMillis() / 1000;
    }
}
