package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.RateLimiter;
import dev.switchboard.runtime.routing.Backoff;
import dev.switchboard.runtime.routing.CapabilityCheck;
import dev.switchboard.runtime.routing.CircuitBreaker;
import dev.switchboard.runtime.routing.Failures;
import dev.switchboard.runtime.routing.FallbackChain;
import dev.switchboard.runtime.routing.CallEnd;
import dev.switchboard.runtime.routing.OpenedStream;
import dev.switchboard.runtime.routing.ResumePrefix;
import dev.switchboard.runtime.routing.RouteChatStream;
import dev.switchboard.runtime.routing.StreamResumer;
import dev.switchboard.runtime.routing.RouteStrategy;
import dev.switchboard.runtime.routing.TargetGroup;
import dev.switchboard.runtime.routing.TargetStats;
import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.AllTargetsFailedException.TargetFailure;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.http.CancelScope;
import dev.switchboard.spi.ChatAccumulator;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A route: an {@link LlmProvider} (type {@code route}, named after the route) that tries its targets in order.
 *
 * <ul>
 *   <li><b>Retries.</b> Per target, a failure whose {@link LlmException#isRetryable()} is true (the provider may
 *       override its kind's answer, e.g. OpenAI's {@code x-should-retry}) is retried up to
 *       {@link RetryPolicy#maxRetries()} times, waiting a random time in {@code [0, min(maxDelay, initialDelay *
 *       multiplier^n)]} before retry {@code n} (full jitter), or exactly the provider's retry hint. A hint longer than
 *       {@code maxDelay} is not waited for: the route moves on to the next target.</li>
 *   <li><b>Target groups.</b> An element of the chain may be a {@link TargetGroup}: one member answers each request,
 *       picked by its {@link RouteStrategy} (weights, fewest calls in flight, lowest time to first token) with the
 *       route's random source. A member skipped without a request (cooling down, over its rate limit, lacking a
 *       capability) gives way to another member; a member that was asked and failed hands the request to the next
 *       element of the chain, as a single target does. The statistics ({@link #targetStats()}) are this process's.</li>
 *   <li><b>Fallback.</b> When a target's tries end in a fallback-worthy failure (authentication, quota, unknown
 *       model, context length, content filter, unsupported feature, or a retryable failure that outlasted its
 *       retries) the next target is tried. A caller error ({@code INVALID_REQUEST}) stops the route at once with a
 *       {@link RequestRejectedException}. Anything else a provider throws counts as a {@code SERVER} failure of it.
 *       When no target is left: {@link AllTargetsFailedException}.</li>
 *   <li><b>Cooldown.</b> After {@link CooldownPolicy#failureThreshold()} consecutive failed calls (caller errors do
 *       not count) a target is skipped for {@link CooldownPolicy#duration()}, then one probe call at a time goes
 *       through until one succeeds (closed again) or fails (another cooldown). See {@link #targetStates()}.</li>
 *   <li><b>Attempt trail.</b> Every try, retry and skip becomes an {@link Attempt}; a response carries them with the
 *       successful try last, a failure carries them in its exception.</li>
 *   <li><b>Streams.</b> {@link #stream} goes through the same loop and pulls each target's stream up to its first
 *       content event, so a failure before any content still falls back. A failure after content was delivered
 *       counts towards the target's cooldown and, by {@link StreamFailover}, either reaches the caller or is resumed
 *       by the targets after it, which continue the same answer in the same stream.</li>
 *   <li><b>Rate limits.</b> A target whose provider is a {@link MeteredProvider} with no room in its
 *       {@link RateLimiter} (after waiting up to its {@code max-wait}) is given up without sending anything: the trail
 *       records a {@code RATE_LIMIT} saying no request was sent, and the route moves on; it is no failure of the
 *       target's health.</li>
 *   <li><b>Budget.</b> A route with a {@link Budget} refuses calls once it is spent (or wholly held by calls in
 *       flight) for the period ({@link BudgetExceededException}, {@code QUOTA}); each target's metered provider
 *       reserves the call's estimated cost in it before sending. A budget refusal ends the route at once: no retry,
 *       no fallback, no cooldown. Usage is recorded under the route's name.</li>
 *   <li><b>Without waiting.</b> {@link #chatWithoutWaiting} makes the first try of a chat call through the target's
 *       own call without waiting, when nothing before it may wait; everything after a failed first try (retries,
 *       fallbacks) runs on the caller's blocking executor, through the same loop as {@link #chat}.</li>
 * </ul>
 *
 * <p>Immutable once built and thread-safe: one manager serves concurrent calls; the cooldown state is shared by
 * them. {@link #close()} does not close the targets' providers: several routes share them, and whoever built them
 * (the {@code Switchboard} facade) closes them.
 */
public final class ProviderManager implements LlmProvider {

    private static final System.Logger LOG = System.getLogger(ProviderManager.class.getName());

    /** One target of a route: a provider and, optionally, the model to use on it (null: the provider's default). */
    public record Target(LlmProvider provider, @Nullable String model) {
        public Target {
            Objects.requireNonNull(provider, "provider");
        }

        public String label() {
            return model == null ? provider.name() : provider.name() + "/" + model;
        }
    }

    private final String name;
    private final List<TargetGroup> elements;
    private final List<Target> targets;
    private final Map<Target, TargetStats> stats;
    private final RetryPolicy retry;
    private final CooldownPolicy cooldown;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final Map<Target, CircuitBreaker> breakers;
    private final FallbackChain chain;
    private final StreamFailover failover;
    private final int resumePrefixChars;
    private final Budget budget;

    private ProviderManager(Builder b) {
        this.name = b.name;
        this.elements = List.copyOf(b.elements);
        Set<Target> all = new LinkedHashSet<>();
        for (TargetGroup g : elements) {
            for (TargetGroup.Member m : g.members()) {
                all.add(m.target());
            }
        }
        this.targets = List.copyOf(all);
        this.retry = b.retry;
        this.cooldown = b.cooldown;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.random = b.random;
        this.failover = b.failover;
        this.resumePrefixChars = b.resumePrefixChars;
        this.budget = b.budget;
        // One cooldown per distinct provider and model: a target listed twice shares its health.
        Map<Target, CircuitBreaker> byTarget = new LinkedHashMap<>();
        for (Target t : targets) {
            byTarget.computeIfAbsent(t, k -> new CircuitBreaker(k.label(), cooldown, clock, b.state,
                    b.stateName + ":" + k.label()));
        }
        this.breakers = Collections.unmodifiableMap(byTarget);
        Map<Target, TargetStats> statsByTarget = new LinkedHashMap<>();
        for (Target t : targets) {
            statsByTarget.put(t, new TargetStats());
        }
        this.stats = Collections.unmodifiableMap(statsByTarget);
        this.chain = new FallbackChain(name, elements, breakers, stats, b.random, retry, new Backoff(retry, b.random),
                clock, b.sleeper);
    }

    /** A builder whose chain starts empty: add single targets ({@link Builder#fallback}) and groups. */
    public static Builder builder() {
        return new Builder();
    }

    public static Builder builder(LlmProvider primary) {
        return new Builder().fallback(primary);
    }

    public static Builder builder(LlmProvider primary, String model) {
        return new Builder().fallback(primary, model);
    }

    /** Every distinct target of the route, group members included, in the order written. */
    public List<Target> targets() {
        return targets;
    }

    /** The route's chain as written: single targets and target groups, in order. */
    public List<TargetGroup> elements() {
        return elements;
    }

    /** What the route knows about each of its {@link #targets()} (calls in flight, time to first token). */
    public Map<Target, TargetStats> targetStats() {
        return stats;
    }

    /**
     * A copy of this route that asks every target for {@code model} instead of its configured one (for a caller that
     * names the model, such as the CLI's {@code --route R --model M}). It keeps the name, retry and cooldown policies,
     * clock, sleeper and jitter source; targets that become identical (same provider, now the same model) are tried
     * once.
     *
     * <p>The copy has its own cooldown state, starting closed: cooldowns are kept per provider <em>and model</em>, so
     * the health of {@code openai/gpt-4o} says nothing certain about {@code openai/M}, and a short-lived override
     * must not trip the original route's targets either.
     */
    public ProviderManager withModel(String model) {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("the model to use on every target of route " + name + " is blank");
        }
        Builder b = new Builder().name(name).retry(retry).cooldown(cooldown).clock(clock).sleeper(sleeper).random(random)
                .streamFailover(failover);
        b.budget = budget; // the same route, the same spending
        Set<Target> added = new LinkedHashSet<>();
        for (TargetGroup g : elements) {
            if (!g.isGroup()) {
                Target overridden = new Target(g.members().get(0).target().provider(), model);
                if (added.add(overridden)) {
                    b.elements.add(TargetGroup.single(overridden));
                }
                continue;
            }
            Map<Target, TargetGroup.Member> members = new LinkedHashMap<>();
            for (TargetGroup.Member m : g.members()) {
                members.putIfAbsent(new Target(m.target().provider(), model),
                        new TargetGroup.Member(new Target(m.target().provider(), model), m.weight()));
            }
            b.elements.add(TargetGroup.of(g.strategy(), List.copyOf(members.values())));
        }
        return b.build();
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    public CooldownPolicy cooldownPolicy() {
        return cooldown;
    }

    /** The cooldown state of each distinct target, in route order, as of now on the route's clock. */
    public List<TargetState> targetStates() {
        List<TargetState> states = new ArrayList<>(breakers.size());
        for (CircuitBreaker b : breakers.values()) {
            states.add(b.state());
        }
        return List.copyOf(states);
    }

    /**
     * The kind of each target's last failure, by target label, as the state store keeps it (with a persistent
     * backend, across a restart); targets that never failed are left out.
     */
    public Map<String, dev.switchboard.api.ErrorKind> lastFailures() {
        Map<String, dev.switchboard.api.ErrorKind> kinds = new java.util.LinkedHashMap<>();
        for (CircuitBreaker b : breakers.values()) {
            dev.switchboard.api.ErrorKind kind = b.lastFailure();
            if (kind != null) {
                kinds.put(b.state().label(), kind);
            }
        }
        return kinds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "route";
    }

    /** What any target can do. */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> all = EnumSet.noneOf(Capability.class);
        for (Target t : targets) {
            all.addAll(t.provider().capabilities());
        }
        return all;
    }

    /** The route's budget, if it has one. */
    public Optional<Budget> budget() {
        return Optional.ofNullable(budget);
    }

    /**
     * {@inheritDoc} The answer carries the answering target's cost when that provider is metered (a
     * {@code Switchboard}'s are).
     *
     * @throws BudgetExceededException when the route's budget is spent for the current period; nothing is sent
     */
    @Override
    public ChatResponse chat(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        checkBudget();
        FallbackChain.Outcome<ChatResponse> o;
        try (UsageScope s = UsageScope.route(name, clock)) {
            o = chain.run(chatOperation(request));
        }
        return answer(o);
    }

    /**
     * {@inheritDoc} Offered when the route's first target to try can be tried at once and makes such a call itself
     * (a metered provider whose limiter and ledger wait for nothing, over a provider that offers one), and the route's
     * budget, if it has one, waits for nothing either. The answer is what {@link #chat} returns: the target's answer
     * with the attempt trail. After a failed first try the route carries on on {@code blocking} as {@link #chat}
     * does, with the route's own {@link UsageScope} open again there.
     *
     * @see FallbackChain#runWithoutWaiting
     */
    @Override
    public Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request, Executor blocking) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(blocking, "blocking");
        if (budget != null && !budget.waitsForNothing()) {
            return Optional.empty(); // its check asks a store that may wait
        }
        try {
            checkBudget();
        } catch (BudgetExceededException e) {
            return Optional.of(CompletableFuture.failedFuture(e));
        }
        try (UsageScope s = UsageScope.route(name, clock)) {
            CallWithoutWaiting call = new CallWithoutWaiting(request, blocking, UsageScope.current());
            return chain.runWithoutWaiting(chatOperation(request), call, ProviderManager::answer, call);
        }
    }

    private FallbackChain.Operation<ChatResponse> chatOperation(ChatRequest request) {
        return new FallbackChain.Operation<>("chat", request.model().orElse(null),
                CapabilityCheck.forChat(request, false), t -> counted(t, () -> t.provider().chat(forTarget(request, t))));
    }

    private static ChatResponse answer(FallbackChain.Outcome<ChatResponse> o) {
        return o.value().withAttempts(o.attempts());
    }

    /**
     * One chat call of this route made without waiting, in one object for its three parts: where its steps that wait
     * run ({@link #execute}: on the caller's {@code blocking} executor, which re-enters the caller's scopes, inside
     * this route's {@link UsageScope} again, counting from when the scope opened for the call says it started), how
     * its first try starts ({@link #start}), and that try's count in flight until it ends ({@link #ended}).
     */
    private final class CallWithoutWaiting
            implements Executor, FallbackChain.FirstTry<ChatResponse>, CallEnd<ChatResponse> {
        private final ChatRequest request;
        private final Executor blocking;
        private final UsageScope route;
        // Set by start, before the try can end.
        private TargetStats counted;
        private CallEnd<ChatResponse> end;

        CallWithoutWaiting(ChatRequest request, Executor blocking, UsageScope route) {
            this.request = request;
            this.blocking = blocking;
            this.route = route;
        }

        @Override
        public void execute(Runnable task) {
            blocking.execute(() -> {
                try (UsageScope s = UsageScope.route(name, route.startedAt().orElse(null))) {
                    task.run();
                }
            });
        }

        /**
         * The call of {@code target}, counted in flight until it ends; null when the target's provider offers none. A
         * metered target (a {@code Switchboard}'s are) hands its end on as a plain call; any other provider's future
         * gets a callback.
         */
        @Override
        public @Nullable Future<?> start(Target target, CallEnd<ChatResponse> end) {
            TargetStats s = stats.get(target);
            this.counted = s;
            this.end = end;
            s.enter();
            ChatRequest sent = forTarget(request, target);
            Future<?> call;
            try {
                if (target.provider() instanceof MeteredProvider metered) {
                    call = metered.chatWithoutWaiting(sent, this, this);
                } else {
                    Optional<CompletableFuture<ChatResponse>> started = target.provider().chatWithoutWaiting(sent, this);
                    call = started.isEmpty() ? null : started.get();
                    if (call != null) {
                        CallEnd.whenDone(started.get(), this);
                    }
                }
            } catch (RuntimeException e) {
                s.exit();
                throw e;
            }
            if (call == null) {
                s.exit();
            }
            return call;
        }

        /** The first try ended: it no longer counts in flight, and the chain hears of it. */
        @Override
        public void ended(ChatResponse response, Throwable failure) {
            counted.exit();
            end.ended(response, failure);
        }
    }

    /**
     * Streams the answer of the first target that starts answering. The returned stream's {@link ChatStream#provider()}
     * names that target and {@link ChatStream#attempts()} holds the trail, whose last (successful) try's latency is
     * the time to the first content.
     */
    @Override
    public ChatStream stream(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        checkBudget();
        FallbackChain.Operation<OpenedStream> op = streamOperation(request, stats);
        FallbackChain.Outcome<OpenedStream> o;
        try (UsageScope s = UsageScope.route(name, clock)) {
            o = chain.run(op);
        }
        return new RouteChatStream(o.value(), op.model(o.target()), o.attempts(), new Resumer(request, o));
    }

    /** Opens streams; each counts as a call in flight of its target until it is closed, drained or fails. */
    private static FallbackChain.Operation<OpenedStream> streamOperation(ChatRequest request,
            Map<Target, TargetStats> stats) {
        return new FallbackChain.Operation<>("stream", request.model().orElse(null),
                CapabilityCheck.forChat(request, true),
                t -> OpenedStream.open(t.provider(), forTarget(request, t), stats.get(t)));
    }

    /** A call of {@code target}, counted in flight while it runs. */
    private <T> T counted(Target target, java.util.function.Supplier<T> call) {
        TargetStats s = stats.get(target);
        s.enter();
        try {
            return call.get();
        } finally {
            s.exit();
        }
    }

    /** What this route's streams do when the answering target fails mid-answer. */
    public StreamFailover streamFailover() {
        return failover;
    }

    /** The most delivered text (in characters, the last ones) a resumed stream repeats to the next target. */
    public int resumePrefixChars() {
        return resumePrefixChars;
    }

    /**
     * Embeds with the first target that can; targets without {@link Capability#EMBEDDINGS} (and, for token arrays,
     * {@link Capability#EMBEDDING_TOKEN_INPUT}) are skipped.
     */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        checkBudget();
        FallbackChain.Outcome<EmbeddingResponse> o;
        try (UsageScope s = UsageScope.route(name, clock)) {
            o = chain.run(new FallbackChain.Operation<>(
                    request.hasTokenInputs() ? "token-array embeddings" : "embeddings", request.model(),
                    request.hasTokenInputs() ? Set.of(Capability.EMBEDDINGS, Capability.EMBEDDING_TOKEN_INPUT)
                            : Set.of(Capability.EMBEDDINGS),
                    t -> counted(t, () -> t.provider().embed(t.model() == null ? request : request.withModel(t.model())))));
        }
        return o.value().toBuilder().attempts(o.attempts()).build();
    }

    private void checkBudget() {
        if (budget != null) {
            budget.check(name);
        }
    }

    /**
     * The models of every target's provider (each provider asked once, duplicates dropped). A provider whose listing
     * fails is left out; only when all fail does this throw ({@link AllTargetsFailedException}). Cooldowns are
     * neither consulted nor changed: a listing says nothing about chat health.
     */
    @Override
    public List<ModelInfo> listModels() {
        Set<ModelInfo> models = new LinkedHashSet<>();
        Set<LlmProvider> asked = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Attempt> trail = new ArrayList<>();
        List<TargetFailure> failures = new ArrayList<>();
        boolean anyListed = false;
        for (Target t : targets) {
            LlmProvider p = t.provider();
            if (!asked.add(p)) {
                continue;
            }
            Instant start = clock.instant();
            try {
                models.addAll(p.listModels());
                trail.add(Attempt.answered(p.name(), null, since(start)));
                anyListed = true;
            } catch (RuntimeException e) {
                LlmException failure = Failures.of(p.name(), e);
                trail.add(Attempt.failed(p.name(), null, since(start), Attempt.Outcome.FAILED, failure.kind(),
                        Failures.describe(failure)));
                failures.add(new TargetFailure(p.name(), failure));
                LOG.log(Level.DEBUG, () -> "route " + name + ": listing the models of " + p.name() + " failed, leaving them out: "
                        + Failures.describe(failure));
            }
        }
        if (!anyListed) {
            throw new AllTargetsFailedException(name, trail, failures);
        }
        return List.copyOf(models);
    }

    /**
     * Does nothing: a route owns none of its targets' providers (routes share them; the {@code Switchboard} facade,
     * or whoever built them, closes them).
     */
    @Override
    public void close() {}

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("route ").append(name).append(" [");
        for (int i = 0; i < elements.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(elements.get(i).label());
        }
        return sb.append(']').toString();
    }

    private Duration since(Instant start) {
        Duration d = Duration.between(start, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * The mid-stream failover of one stream: records the failure of the answering target (trail and cooldown) and,
     * for {@link StreamFailover#RESUME}, opens the targets after it with the original messages plus an assistant
     * message holding the text delivered so far (its last {@code resume-prefix-chars} characters). Used by the thread
     * pulling the stream.
     */
    private final class Resumer implements StreamResumer {
        private final ChatRequest request;
        private int index;
        private Target answering;
        private String model;
        private Instant since;
        private String notResumed;

        Resumer(ChatRequest request, FallbackChain.Outcome<OpenedStream> opened) {
            this.request = request;
            moveTo(opened);
        }

        @Override
        public java.util.Optional<String> notResumedBecause() {
            return java.util.Optional.ofNullable(notResumed);
        }

        private void moveTo(FallbackChain.Outcome<?> o) {
            this.index = o.index();
            this.answering = o.target();
            this.model = o.target().model() != null ? o.target().model() : request.model().orElse(null);
            this.since = clock.instant();
        }

        @Override
        public Continuation resume(LlmException failure, ChatAccumulator delivered) {
            if (CancelScope.currentIsCancelled()) {
                return null; // the caller left: nobody to continue for, and the target is not to blame
            }
            Target failed = answering;
            Attempt broke = Attempt.failed(failed.provider().name(), model, since(since),
                    Attempt.Outcome.FAILED_MID_STREAM, failure.kind(), "mid-stream: " + Failures.describe(failure));
            chain.failedMidStream(failed, failure);
            String why = failover == StreamFailover.FAIL ? "stream-failover = fail"
                    : index + 1 >= elements.size() ? "no target left"
                    : !failure.kind().isFallbackWorthy() ? "the request was rejected"
                    : delivered.isFinished() ? "the answer had finished"
                    : !delivered.toResponse(failed.provider().name(), model, null, List.of()).toolCalls().isEmpty()
                            ? "a tool call had started" : null;
            if (why != null) {
                notResumed = why; // the gateway's line for the request says it, with the request id
                LOG.log(Level.DEBUG, () -> "route " + name + ": " + failed.label() + " failed mid-stream ("
                        + Failures.describe(failure) + "); not resuming: " + why);
                return null;
            }
            LOG.log(Level.INFO, () -> "route " + name + ": " + failed.label() + " failed mid-stream (" + failure.kind()
                    + ": " + Failures.describe(failure) + "); resuming with " + elements.get(index + 1).label());
            String prefix = ResumePrefix.of(delivered, resumePrefixChars);
            // Only whitespace delivered: no prefix to continue (an empty assistant message is refused by most APIs).
            ChatRequest continued = prefix.isEmpty() ? request
                    : request.toBuilder().addMessage(Message.assistant(prefix)).build();
            FallbackChain.Outcome<OpenedStream> o;
            try (UsageScope s = UsageScope.route(name, clock)) {
                o = chain.run(streamOperation(continued, stats), index + 1);
            } catch (AllTargetsFailedException e) {
                List<Attempt> trail = new ArrayList<>(e.attempts().size() + 1);
                trail.add(broke);
                trail.addAll(e.attempts());
                List<TargetFailure> failures = new ArrayList<>(e.failures().size() + 1);
                failures.add(new TargetFailure(failed.label(), failure));
                failures.addAll(e.failures());
                throw new AllTargetsFailedException(name, trail, failures);
            }
            moveTo(o);
            List<Attempt> trail = new ArrayList<>(o.attempts().size() + 1);
            trail.add(broke);
            trail.addAll(o.attempts());
            // The try that took over continues the broken answer: it resumed rather than answered.
            int last = trail.size() - 1;
            trail.set(last, trail.get(last).toBuilder().outcome(Attempt.Outcome.RESUMED).build());
            return new Continuation(o.value(), trail, ResumePrefix.endsInWhitespace(delivered));
        }
    }

    private static ChatRequest forTarget(ChatRequest request, Target target) {
        return target.model() == null ? request : request.toBuilder().model(target.model()).build();
    }

    /** Builds a {@link ProviderManager}. Not thread-safe. */
    public static final class Builder {
        private String name = "route";
        private final List<TargetGroup> elements = new ArrayList<>();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private CooldownPolicy cooldown = CooldownPolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private StreamFailover failover = StreamFailover.RESUME;
        private int resumePrefixChars = ResumePrefix.DEFAULT_CHARS;
        private Budget budget;
        private StateStore state;
        private String stateName;

        private Builder() {}

        public Builder name(String name) { this.name = Objects.requireNonNull(name, "name"); return this; }
        public Builder fallback(LlmProvider provider) { elements.add(TargetGroup.single(new Target(provider, null))); return this; }
        public Builder fallback(LlmProvider provider, String model) { elements.add(TargetGroup.single(new Target(provider, model))); return this; }
        /**
         * Adds a target group as the next element: one member answers each request, picked by {@code strategy}
         * with the route's {@link #random random} source; a member skipped without a request gives way to another.
         */
        public Builder group(RouteStrategy strategy, List<TargetGroup.Member> members) {
            elements.add(TargetGroup.of(strategy, members));
            return this;
        }
        public Builder retry(RetryPolicy retry) { this.retry = Objects.requireNonNull(retry, "retry"); return this; }
        public Builder cooldown(CooldownPolicy cooldown) { this.cooldown = Objects.requireNonNull(cooldown, "cooldown"); return this; }
        /** The clock of cooldowns and attempt latencies. */
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock"); return this; }
        /** How the route waits between retries. */
        public Builder sleeper(Sleeper sleeper) { this.sleeper = Objects.requireNonNull(sleeper, "sleeper"); return this; }
        /** What a stream does when its target fails after content was delivered; {@link StreamFailover#RESUME} by default. */
        public Builder streamFailover(StreamFailover failover) { this.failover = Objects.requireNonNull(failover, "failover"); return this; }
        /**
         * The most delivered text a resumed stream repeats to the next target: its last {@code chars} characters
         * (16000 by default), so a resume request stays bounded however much was delivered. At least 1.
         */
        public Builder resumePrefixChars(int chars) {
            if (chars < 1) {
                throw new IllegalArgumentException("resume-prefix-chars must be at least 1, was " + chars);
            }
            this.resumePrefixChars = chars;
            return this;
        }
        /**
         * A spending limit: once it is spent for the current period the route refuses calls with a
         * {@link BudgetExceededException}. The budget must be fed by the ledger its targets record in
         * ({@link UsageLedger#track}); a {@code Switchboard} wires this from {@code routes.<name>.budget}.
         */
        public Builder budget(Budget budget) { this.budget = Objects.requireNonNull(budget, "budget"); return this; }
        /**
         * Where the targets' cooldowns live (under {@code <route name>:<target label>}); by default in memory, the
         * route's own. A store shared by several instances makes a cooldown one opens honoured by the others.
         */
        public Builder state(StateStore state) { return state(state, null); }
        /** {@link #state(StateStore)}, with the cooldowns under {@code <name>:<target label>} (null: the route's name). */
        public Builder state(StateStore state, String name) {
            this.state = Objects.requireNonNull(state, "state");
            this.stateName = name;
            return this;
        }

        /**
         * The source of backoff jitter and of the target groups' picks: uniform values in [0, 1], called from any thread that calls the route, so it
         * must be thread-safe. Defaults to {@link ThreadLocalRandom}.
         */
        public Builder random(DoubleSupplier random) { this.random = Objects.requireNonNull(random, "random"); return this; }

        public ProviderManager build() {
            if (elements.isEmpty()) {
                throw new IllegalArgumentException("a route needs at least one target");
            }
            if (state == null) {
                state = new MemoryStateStore();
            }
            if (stateName == null) {
                stateName = name;
            }
            return new ProviderManager(this);
        }
    }
}
