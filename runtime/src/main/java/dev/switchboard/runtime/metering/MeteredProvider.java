package dev.switchboard.runtime.metering;

import dev.switchboard.runtime.BudgetExceededException;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.LocalRateLimitException;
import dev.switchboard.runtime.Sleeper;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.UsageLedger;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageScope;
import dev.switchboard.runtime.config.Durations;
import dev.switchboard.runtime.routing.CallEnd;
import dev.switchboard.runtime.routing.CapabilityCheck;
import dev.switchboard.runtime.routing.LinkedFuture;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A provider with Switchboard's accounting around every call: its {@link RateLimiter} is asked before anything is
 * sent (a refusal is a {@link LocalRateLimitException}), the reservation is settled with the real token counts, the
 * provider's rate-limit signals adapt the limiter, the answer is priced from the {@link PriceTable} and carries its
 * {@link Cost}, and the call lands in the {@link UsageLedger}. Before anything is sent the call's estimated cost is
 * reserved in the budgets it counts in ({@link UsageLedger#reserve}; a refusal is a {@link BudgetExceededException})
 * and its record settles them. A stream is accounted for once, when it ends, whether it was collected, drained,
 * closed early by its caller or cut by a failure after content; tokens the provider did not report are estimated
 * and the record says so ({@link UsageRecord#estimated()}). A stream that fails before any content is not recorded. This is what {@code Switchboard.provider(name)} and every route's targets are.
 *
 * <p>Before any of that, a call the provider does not declare the {@link Capability capabilities} for (a stream
 * from a provider without {@code STREAMING}, tools without {@code TOOLS}...) is refused with
 * {@link dev.switchboard.api.ErrorKind#UNSUPPORTED}, naming the provider and what it lacks (see
 * {@link CapabilityCheck}): nothing is reserved, limited or sent.
 *
 * <p>Model listing passes through unmetered. Thread-safe. {@link #close()} closes the provider it wraps, once.
 */
public final class MeteredProvider implements LlmProvider {

    private final LlmProvider delegate;
    private final String defaultModel;
    private final String defaultEmbeddingModel;
    private final PriceTable prices;
    private final RateLimiter limiter;
    private final UsageLedger ledger;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The attempts of a call answered at its first try: this provider alone (made once, as the name is fixed). */
    private final List<String> firstTry;

    private MeteredProvider(Builder b) {
        this.delegate = b.delegate;
        this.defaultModel = b.defaultModel;
        this.defaultEmbeddingModel = b.defaultEmbeddingModel;
        this.prices = b.prices;
        this.clock = b.clock;
        this.limiter = b.limiter != null ? b.limiter : new RateLimiter(delegate.name(), LimitPolicy.NONE, b.clock);
        this.ledger = b.ledger;
        this.sleeper = b.sleeper;
        this.firstTry = List.of(delegate.name());
    }

    public static Builder builder(LlmProvider delegate) {
        return new Builder(delegate);
    }

    /** The provider this one meters. */
    public LlmProvider delegate() {
        return delegate;
    }

    /** This provider's limiter, shared by every route that uses it. */
    public RateLimiter limiter() {
        return limiter;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        ChatCall call = admit(request, true);
        ChatResponse response;
        try {
            response = delegate.chat(request);
        } catch (RuntimeException e) {
            call.failed(e);
            throw e;
        }
        return call.answered(response);
    }

    /**
     * {@inheritDoc} Offered when nothing of the accounting waits: the ledger {@linkplain
     * UsageLedger#recordsWithoutWaiting records without waiting}, the limiter {@linkplain
     * RateLimiter#tryAcquireWithoutWaiting admits at once} and the provider offers such a call itself. The admission
     * (capabilities, budget holds, the limiter's reservation) runs on the calling thread, in its {@link UsageScope};
     * the accounting of the answer or failure runs where the provider's future completes, or on {@code blocking} when
     * it would change a limiter whose store waits (a provider's signal to hold it, with the {@code embedded} backend).
     * When this call cannot be made, what was taken for it is given back before the empty answer.
     */
    @Override
    public Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request, Executor blocking) {
        LinkedFuture<ChatResponse> metered = new LinkedFuture<>();
        Future<?> call = chatWithoutWaiting(request, blocking, metered::completeAs);
        if (call == null) {
            return Optional.empty();
        }
        metered.link(call);
        return Optional.of(metered);
    }

    /**
     * {@link #chatWithoutWaiting(ChatRequest, Executor)} for a layer above in the runtime (a route calling its
     * target), without a future of its own: {@code end} hears what that future would complete with (the priced answer,
     * or the failure), once, where the provider's call ends or on {@code blocking}.
     *
     * @return the provider's call, whose cancel abandons it; {@code end} may already have heard a failure that came
     *         before anything was sent (a capability missing, a budget refusing). Null when no such call can be
     *         made: nothing is held then and {@code end} hears nothing.
     */
    public @Nullable Future<?> chatWithoutWaiting(ChatRequest request, Executor blocking, CallEnd<ChatResponse> end) {
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(end, "end");
        if (ledger != null && !ledger.recordsWithoutWaiting()) {
            return null;
        }
        ChatCall call;
        try {
            call = admit(request, false);
        } catch (RuntimeException e) {
            return failedAtOnce(e, end); // as chat() would throw: unsupported, over budget
        }
        if (call == null) {
            return null;
        }
        Optional<CompletableFuture<ChatResponse>> started;
        try {
            started = delegate.chatWithoutWaiting(request, blocking);
        } catch (RuntimeException e) {
            call.failed(e);
            return failedAtOnce(e, end);
        }
        if (started.isEmpty()) {
            call.notSent();
            return null;
        }
        CompletableFuture<ChatResponse> answer = started.get();
        call.endsIn(end, blocking);
        answer.whenComplete(call);
        return answer;
    }

    /** A call that failed before anything was sent: {@code end} hears it now; the call to cancel is a done one. */
    private static Future<?> failedAtOnce(RuntimeException e, CallEnd<ChatResponse> end) {
        end.ended(null, e);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Admits a chat call: checks the provider's capabilities, holds its estimated cost in its budgets and reserves its
     * place in the limiter, waiting for room when {@code mayWait}; else returns null, holding nothing, when the limiter
     * cannot admit it at once.
     */
    private ChatCall admit(ChatRequest request, boolean mayWait) {
        Objects.requireNonNull(request, "request");
        CapabilityCheck.require(delegate, CapabilityCheck.forChat(request, false), "chat");
        String requested = request.model().orElse(defaultModel);
        UsageScope scope = UsageScope.current();
        Instant since = since(scope);
        long inputEstimate = TokenEstimate.input(request);
        long outputEstimate = TokenEstimate.output(request, limiter.policy().defaultOutputTokens());
        UsageLedger.Reservation held = reserve(scope, requested, inputEstimate, outputEstimate);
        RateLimiter.Reservation r;
        try {
            long tokens = inputEstimate + outputEstimate; // TokenEstimate.of, without reading the messages again
            r = mayWait ? limiter.acquire(tokens, sleeper) : limiter.tryAcquireWithoutWaiting(tokens);
        } catch (RuntimeException e) {
            unhold(held);
            throw e;
        }
        if (r == null) {
            unhold(held);
            return null;
        }
        return new ChatCall(requested, scope, since, inputEstimate, held, r);
    }

    /**
     * One admitted chat call until it is accounted for: what {@link #chat} and {@link #chatWithoutWaiting} do after
     * the provider answered or failed.
     */
    private final class ChatCall implements BiConsumer<ChatResponse, Throwable> {
        private final String requested;
        private final UsageScope scope;
        private final Instant since;
        private final long inputEstimate;
        private final UsageLedger.Reservation held;
        private final RateLimiter.Reservation admitted;
        /** A call without waiting: who hears its end, and where accounting that waits runs (set before it starts). */
        private CallEnd<ChatResponse> end;
        private Executor blocking;

        ChatCall(String requested, UsageScope scope, Instant since, long inputEstimate, UsageLedger.Reservation held,
                 RateLimiter.Reservation admitted) {
            this.requested = requested;
            this.scope = scope;
            this.since = since;
            this.inputEstimate = inputEstimate;
            this.held = held;
            this.admitted = admitted;
        }

        /** The provider answered: the limiter learns its signals and real counts, the call is priced and recorded. */
        ChatResponse answered(ChatResponse response) {
            try {
                limiter.observe(response.rateLimits());
                settle(admitted, response.usage());
                Cost cost = prices.cost(name(), response.model(), requested, response.usage());
                // counts the provider did not report are estimated for the ledger and budgets, as a stream's are, so
                // an answer without usage is not free; the caller's answer keeps what the provider said (cost unknown)
                Usage reported = response.usage();
                Usage counted = reported.inputTokens() > 0 && reported.outputTokens() > 0 ? reported // the usual case
                        : TokenEstimate.withEstimates(reported, inputEstimate, contentChars(response));
                boolean estimated = counted != reported;
                Cost charged = estimated ? prices.cost(name(), response.model(), requested, counted) : cost;
                record(scope, since, response.model(), requested, counted, charged, estimated, CallOutcome.OK, held);
                return response.withCost(cost);
            } finally {
                unhold(held); // nothing left to give back once recorded
            }
        }

        /** The call failed (or its caller gave it up): the limiter's reservation and the budget holds go back. */
        void failed(RuntimeException e) {
            try {
                MeteredProvider.this.failed(admitted, e, false);
            } finally {
                unhold(held);
            }
        }

        /** The call was not made after all (the provider offered no call without waiting): all of it goes back. */
        void notSent() {
            try {
                limiter.release(admitted, false);
            } finally {
                unhold(held);
            }
        }

        /**
         * Whether accounting for this end of the call waits for nothing: everything was admitted without waiting, so
         * only a hold of the limiter may wait, for a store that writes it first.
         */
        boolean accountsWithoutWaiting(ChatResponse response, Throwable failure) {
            if (limiter.changesWithoutWaiting()) {
                return true;
            }
            if (failure == null) {
                return response == null || !RateLimiter.holdsFor(response.rateLimits());
            }
            return providerAsksToWait(LinkedFuture.cause(failure)) == null;
        }

        void endsIn(CallEnd<ChatResponse> end, Executor blocking) {
            this.end = end;
            this.blocking = blocking;
        }

        /** The provider's call without waiting ended: accounted for here, or on {@code blocking} when that waits. */
        @Override
        public void accept(ChatResponse response, Throwable failure) {
            if (accountsWithoutWaiting(response, failure)) {
                complete(response, failure);
                return;
            }
            try {
                blocking.execute(() -> complete(response, failure));
            } catch (RejectedExecutionException e) {
                complete(response, failure); // accounted late rather than never
            }
        }

        /** Accounts for the call's end; {@code end} hears what {@link #chat} returns or throws. */
        private void complete(ChatResponse response, Throwable failure) {
            ChatResponse priced = null;
            Throwable thrown = null;
            try {
                if (failure == null) {
                    priced = answered(response);
                } else {
                    thrown = LinkedFuture.cause(failure);
                    failed(thrown instanceof RuntimeException e ? e : new CompletionException(thrown));
                }
            } catch (Throwable t) {
                priced = null;
                thrown = t; // the accounting failed: as chat() would throw it
            }
            end.ended(priced, thrown);
        }
    }

    /** Characters of an answer's content (text, reasoning, tool calls), counted as a stream counts its deltas. */
    private static long contentChars(ChatResponse response) {
        long chars = response.text().length() + (response.reasoning() == null ? 0 : response.reasoning().length());
        for (ToolCall call : response.toolCalls()) {
            chars += call.name().length() + call.arguments().length();
        }
        return chars;
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        CapabilityCheck.require(delegate, CapabilityCheck.forChat(request, true), "stream");
        String requested = request.model().orElse(defaultModel);
        UsageScope scope = UsageScope.current();
        Instant since = since(scope);
        long inputEstimate = TokenEstimate.input(request);
        UsageLedger.Reservation held = reserve(scope, requested, inputEstimate,
                TokenEstimate.output(request, limiter.policy().defaultOutputTokens()));
        RateLimiter.Reservation r;
        ChatStream stream;
        try {
            r = limiter.acquire(TokenEstimate.of(request, limiter.policy().defaultOutputTokens()), sleeper);
            try {
                stream = Objects.requireNonNull(delegate.stream(request), "stream() returned null");
            } catch (RuntimeException e) {
                failed(r, e, false);
                throw e;
            }
        } catch (RuntimeException e) {
            unhold(held);
            throw e;
        }
        limiter.observe(stream.rateLimits());
        return new MeteredStream(stream, requested, this, r, held, scope, since, inputEstimate);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.hasTokenInputs()) {
            CapabilityCheck.require(delegate, Set.of(Capability.EMBEDDINGS, Capability.EMBEDDING_TOKEN_INPUT),
                    "token-array embeddings");
        } else {
            CapabilityCheck.require(delegate, Set.of(Capability.EMBEDDINGS), "embeddings");
        }
        String requested = request.model() != null ? request.model() : defaultEmbeddingModel;
        UsageScope scope = UsageScope.current();
        Instant since = since(scope);
        UsageLedger.Reservation held = reserve(scope, requested, TokenEstimate.of(request), 0);
        RateLimiter.Reservation r;
        EmbeddingResponse response;
        try {
            r = limiter.acquire(TokenEstimate.of(request), sleeper);
            try {
                response = delegate.embed(request);
            } catch (RuntimeException e) {
                failed(r, e, false);
                throw e;
            }
        } catch (RuntimeException e) {
            unhold(held);
            throw e;
        }
        try {
            settle(r, response.usage());
            Cost cost = prices.cost(name(), response.model(), requested, response.usage());
            record(scope, since, response.model(), requested, response.usage(), cost, false, CallOutcome.OK, held);
            return response.toBuilder().cost(cost).build();
        } finally {
            unhold(held); // nothing left to give back once recorded
        }
    }

    @Override
    public List<ModelInfo> listModels() {
        CapabilityCheck.require(delegate, Set.of(Capability.MODEL_LISTING), "model listing");
        return delegate.listModels();
    }

    @Override
    public boolean isModelAvailable(String model) {
        return delegate.isModelAvailable(model);
    }

    /** Closes the wrapped provider, once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            delegate.close();
        }
    }

    @Override
    public String toString() {
        return "metered " + delegate;
    }

    // ---------------------------------------------------------------- accounting, shared with MeteredStream

    /**
     * A call failed. A rate limit from the provider with a retry hint holds the limiter until then. The tokens go
     * back; the request stays counted when the provider answered with an HTTP status (it counted it too) or when
     * content had already been delivered.
     */
    void failed(RateLimiter.Reservation r, RuntimeException e, boolean contentDelivered) {
        LlmException l = e instanceof LlmException x ? x : null;
        Duration wait = providerAsksToWait(e);
        if (wait != null) {
            limiter.hold(wait, "the provider answered with a rate limit asking to wait " + Durations.text(wait));
        }
        if (contentDelivered) {
            limiter.keep(r); // tokens were produced but not counted: the estimate stands
        } else {
            limiter.release(r, l != null && l.status().isPresent());
        }
    }

    /** How long a failure from the provider asks to hold the limiter: a rate limit with a retry hint; else null. */
    private static Duration providerAsksToWait(Throwable e) {
        if (e instanceof LlmException l && l.kind() == ErrorKind.RATE_LIMIT && !(l instanceof LocalRateLimitException)
                && l.retryAfter().isPresent()) {
            return l.retryAfter().get();
        }
        return null;
    }

    /** Settles with the real counts, or keeps the estimate when the provider reported none. */
    void settle(RateLimiter.Reservation r, Usage usage) {
        if (usage.equals(Usage.NONE)) {
            limiter.keep(r);
        } else {
            limiter.settle(r, usage.totalTokens());
        }
    }

    Cost price(String answeredModel, String requestedModel, Usage usage) {
        return prices.cost(name(), answeredModel, requestedModel, usage);
    }

    /**
     * Holds the estimated cost of a call (its input estimate plus its most output, priced as the requested model) in
     * every budget the call counts in.
     *
     * @throws BudgetExceededException when a budget cannot cover it; nothing is held or sent then
     */
    UsageLedger.Reservation reserve(UsageScope scope, String requestedModel, long inputTokens, long outputTokens) {
        if (ledger == null || !ledger.tracksBudgets()) {
            return UsageLedger.Reservation.NONE; // nothing to hold: the estimate is not worth making
        }
        Cost estimate = prices.cost(name(), null, requestedModel, Usage.of(inputTokens, outputTokens));
        return ledger.reserve(name(), requestedModel == null ? "" : requestedModel, scope.route(), scope.keyName(),
                estimate);
    }

    /** The call holding {@code held} failed without being recorded: its budget holds are given back. */
    void unhold(UsageLedger.Reservation held) {
        if (ledger != null) {
            ledger.release(held);
        }
    }

    /** Where a call's latency counts from: its request's (or route call's) start, else now. */
    Instant since(UsageScope scope) {
        if (ledger == null) {
            return Instant.EPOCH;
        }
        Optional<Instant> started = scope.startedAt();
        return started.isPresent() ? started.get() : clock.instant();
    }

    /**
     * Records the call in the ledger, settling its budget holds with its cost; its record names the request, the
     * latency since {@code since}, how it ended and the providers tried for it, this one last.
     */
    void record(UsageScope scope, Instant since, String answeredModel, String requestedModel, Usage usage, Cost cost,
                boolean estimated, CallOutcome outcome, UsageLedger.Reservation held) {
        if (ledger == null) {
            return;
        }
        String model = answeredModel != null && !answeredModel.isEmpty() ? answeredModel
                : requestedModel == null ? "" : requestedModel;
        Instant now = clock.instant();
        List<String> before = scope.triedBefore();
        List<String> attempts;
        if (before.isEmpty()) {
            attempts = firstTry;
        } else {
            attempts = new ArrayList<>(before.size() + 1);
            attempts.addAll(before);
            attempts.add(name());
        }
        ledger.record(new UsageRecord(now, name(), model, scope.route(), scope.keyName(), usage, cost, estimated,
                scope.requestId(), Duration.between(since, now), outcome, attempts), held);
    }

    /** Builds a {@link MeteredProvider}. Not thread-safe. */
    public static final class Builder {
        private final LlmProvider delegate;
        private String defaultModel;
        private String defaultEmbeddingModel;
        private PriceTable prices = PriceTable.empty();
        private RateLimiter limiter;
        private UsageLedger ledger;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder(LlmProvider delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** The chat model the provider uses when a request names none, so such calls can be priced. */
        public Builder defaultModel(String model) { this.defaultModel = model; return this; }
        /** The embedding model the provider uses when a request names none. */
        public Builder defaultEmbeddingModel(String model) { this.defaultEmbeddingModel = model; return this; }
        public Builder prices(PriceTable prices) { this.prices = Objects.requireNonNull(prices, "prices"); return this; }
        /** The limiter; by default one without limits (which the provider's own signals still hold). */
        public Builder limiter(RateLimiter limiter) { this.limiter = Objects.requireNonNull(limiter, "limiter"); return this; }
        /** Where answered calls are recorded; none by default. */
        public Builder ledger(UsageLedger ledger) { this.ledger = Objects.requireNonNull(ledger, "ledger"); return this; }
        /** The clock of the default limiter and of ledger records. */
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock"); return this; }
        /** How a call waits for room (up to the limiter's max-wait). */
        public Builder sleeper(Sleeper sleeper) { this.sleeper = Objects.requireNonNull(sleeper, "sleeper"); return this; }

        public MeteredProvider build() {
            return new MeteredProvider(this);
        }
    }
}
