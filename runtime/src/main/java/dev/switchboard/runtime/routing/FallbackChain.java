package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.BudgetExceededException;
import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.LocalRateLimitException;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.RequestRejectedException;
import dev.switchboard.runtime.RetryPolicy;
import dev.switchboard.runtime.Sleeper;
import dev.switchboard.runtime.TargetState;
import dev.switchboard.runtime.UsageScope;
import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.AllTargetsFailedException.TargetFailure;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.CancelScope;
import dev.switchboard.runtime.ProviderManager.Target;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one call pipeline of a route, shared by chat, stream and embeddings: its elements in order (a single target, or
 * a {@link TargetGroup} that picks one member per request and lets the next member stand in for one skipped without
 * a request or failing with a retryable kind), skipping targets that cool down or lack a capability; per target a retry loop with backoff and retry hints; fallback on
 * fallback-worthy failures; a stop on caller errors. Every try lands in the attempt trail. A target refused by its
 * provider's own rate limiter ({@link LocalRateLimitException}: nothing was sent) is neither retried nor blamed: the
 * chain moves straight on, and the trail records a {@code RATE_LIMIT} skip ({@link Attempt.Outcome#SKIPPED_LOCAL_LIMIT}). A budget that
 * cannot cover the call ({@link BudgetExceededException}) ends the chain at once: no other target would change that.
 * Each step of the trail says what became of it ({@link Attempt.Outcome}), so nobody reads its description to know.
 *
 * <p>Thread-safe: per-call state lives on the stack; the cooldowns are shared and synchronised.
 */
public final class FallbackChain {

    private static final System.Logger LOG = System.getLogger(ProviderManager.class.getName());

    /**
     * One kind of call through the route.
     *
     * @param what           what is asked for, for log lines ({@code chat}, {@code stream}, {@code embeddings})
     * @param requestedModel the model the request names (null: the provider's default), unless a target overrides it
     * @param required       the capabilities a target must declare to be tried (see {@link CapabilityCheck})
     * @param invoke         the call on one target; returns non-null or throws
     */
    public record Operation<T>(String what, String requestedModel, Set<Capability> required, Function<Target, T> invoke) {

        public Operation {
            Objects.requireNonNull(what, "what");
            required = Set.copyOf(required);
            Objects.requireNonNull(invoke, "invoke");
        }

        public String model(Target target) {
            return target.model() != null ? target.model() : requestedModel;
        }

        /** Whether the time of a successful try is a time to first token (chat and streams, not embeddings). */
        boolean measuresFirstToken() {
            return !"embeddings".equals(what);
        }

        boolean supports(Target target) {
            return CapabilityCheck.missing(target.provider(), required).isEmpty();
        }

        /** Why {@code target} is skipped when it does not {@link #supports support} this call. */
        LlmException refusal(Target target) {
            return CapabilityCheck.refusal(target.provider(), CapabilityCheck.missing(target.provider(), required), what);
        }
    }

    /**
     * A successful call: its value, the target that gave it (and its position in the route), and the trail (the
     * successful try last).
     */
    public record Outcome<T>(T value, Target target, int index, List<Attempt> attempts) {}

    /** How one target's retry loop ended: a value or the last failure. */
    private record TargetResult<T>(T value, LlmException failure) {}

    private final String route;
    private final List<TargetGroup> elements;
    private final Map<Target, CircuitBreaker> breakers;
    private final Map<Target, TargetStats> stats;
    private final DoubleSupplier random;
    private final RetryPolicy retry;
    private final Backoff backoff;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param elements the chain: single targets and groups
     * @param breakers the cooldown of every target, members included
     * @param stats    the statistics of every target, members included, that groups pick by
     * @param random   uniform values in [0, 1] for the groups' picks; thread-safe
     */
    public FallbackChain(String route, List<TargetGroup> elements, Map<Target, CircuitBreaker> breakers,
            Map<Target, TargetStats> stats, DoubleSupplier random, RetryPolicy retry, Backoff backoff, Clock clock,
            Sleeper sleeper) {
        this.route = route;
        this.elements = List.copyOf(elements);
        this.breakers = breakers;
        this.stats = stats;
        this.random = random;
        this.retry = retry;
        this.backoff = backoff;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Runs {@code op} through the targets.
     *
     * @throws AllTargetsFailedException when every target failed or was skipped
     * @throws RequestRejectedException  when a target judged the request itself invalid
     */
    public <T> Outcome<T> run(Operation<T> op) {
        return run(op, 0);
    }

    /**
     * Runs {@code op} through the targets from position {@code from} on (a resumed stream skips those before).
     *
     * @throws AllTargetsFailedException when every target failed or was skipped
     * @throws RequestRejectedException  when a target judged the request itself invalid
     */
    public <T> Outcome<T> run(Operation<T> op, int from) {
        // most calls answer at the first try: an array of ten is waste; no failure array until a target fails
        return run(op, from, null, null, new ArrayList<>(2), new ArrayList<>());
    }

    /**
     * Runs {@code op} through the targets from position {@code from} on. When {@code first} is given, element
     * {@code from}'s members were already put in {@code picked} order and the first of them was tried once, ending as
     * {@code first} says: the chain goes on from there as if it had made that try itself.
     */
    private <T> Outcome<T> run(Operation<T> op, int from, List<Target> picked, Tried<T> first, List<Attempt> trail,
            List<TargetFailure> failures) {
        for (int i = from; i < elements.size(); i++) {
            TargetGroup element = elements.get(i);
            List<Target> order = i == from && picked != null ? picked : element.order(random, stats);
            for (int m = 0; m < order.size(); m++) {
                Target target = order.get(m);
                String nextElement = i + 1 < elements.size() ? elements.get(i + 1).label() : null;
                String nextMember = m + 1 < order.size() ? order.get(m + 1).label() : nextElement;
                Step<T> step = first != null && i == from && m == 0
                        ? tries(target, op, breakers.get(target), first.permit(), trail, failures, nextMember,
                                nextElement, first)
                        : attempt(target, op, trail, failures, nextMember, nextElement);
                if (step.value() != null) {
                    return new Outcome<>(step.value(), target, i, List.copyOf(trail));
                }
                if (!step.memberMayStandIn()) {
                    break; // a failure another deployment would repeat (a key refused, a model missing): next element
                }
            }
        }
        throw new AllTargetsFailedException(route, trail, failures);
    }

    /**
     * Starts the first try of a call without waiting on one target; what {@link #runWithoutWaiting} asks of its caller.
     */
    @FunctionalInterface
    public interface FirstTry<T> {
        /**
         * Starts the call on {@code target}; {@code end} hears how it ends, once (possibly before this returns).
         *
         * @return the call, whose cancel abandons it; null when {@code target} offers no call without waiting (then
         *         {@code end} hears nothing)
         */
        @Nullable Future<?> start(Target target, CallEnd<T> end);
    }

    /**
     * Starts {@code op}'s first try without waiting, when the route's first target to try can be tried at once: the
     * first element puts its members in order as {@link #run} does, and the first of them must support the call, be
     * let through by its cooldown and be asked while the caller has not cancelled (else empty: the caller runs the
     * chain with {@link #run} on a thread that may wait, which records the skip). {@code firstTry} makes the call
     * (none when the target offers none: empty too).
     *
     * <p>An answer is accounted for as {@link #run} does (the trail's answered try and its latency, the target's
     * health) where the call ends, and the returned future completes with {@code answer} of the outcome. After a
     * failure the chain carries on on {@code blocking} exactly as {@link #run} would after that try failed: the
     * target's retries with their waits, its cooldown, the next member or element, a rejected request, every target
     * failed. Cancelling the returned future cancels the try in flight (its permit is given back, as for a caller who
     * cancels {@link #run}), or the chain's continuation, through the {@link CancelScope} of the thread running it.
     * The call's future and this one are the only futures of the call: the layers between hear of its end through
     * {@link CallEnd}.
     *
     * @param firstTry the call on one target that holds no thread while the target answers
     * @param answer   what the caller gets of the outcome (run where the call ends, or on {@code blocking})
     * @param blocking where the chain goes on after a failed first try; it runs tasks in the caller's scopes
     */
    public <T, V> Optional<CompletableFuture<V>> runWithoutWaiting(Operation<T> op, FirstTry<T> firstTry,
            Function<Outcome<T>, V> answer, Executor blocking) {
        Objects.requireNonNull(firstTry, "firstTry");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(blocking, "blocking");
        List<Target> order = elements.get(0).order(random, stats);
        Target target = order.get(0);
        CircuitBreaker breaker = breakers.get(target);
        if (!op.supports(target) || CancelScope.currentIsCancelled() || !breaker.permitsWithoutWaiting()) {
            return Optional.empty();
        }
        CircuitBreaker.Permit permit = breaker.tryAcquire();
        if (permit == CircuitBreaker.Permit.REJECTED) {
            return Optional.empty();
        }
        LinkedFuture<V> result = new LinkedFuture<>();
        TryInFlight<T, V> inFlight = new TryInFlight<>(op, order, target, breaker, permit, clock.instant(), answer,
                result, blocking);
        Future<?> call;
        try {
            call = firstTry.start(target, inFlight);
        } catch (RuntimeException e) {
            inFlight.ended(null, e); // a try that failed at once: the chain goes on as after any
            return Optional.of(result);
        }
        if (call == null) {
            breaker.released(permit);
            return Optional.empty();
        }
        result.link(call);
        return Optional.of(result);
    }

    /** A first try made without waiting, as it ended: its permit, when it started, and its value or failure. */
    private record Tried<T>(CircuitBreaker.Permit permit, Instant start, T value, RuntimeException thrown) {

        /** How the call ended, as {@link #tryTarget} sees a try: a null value is a failure too. */
        static <T> Tried<T> of(Operation<T> op, CircuitBreaker.Permit permit, Instant start, T value,
                Throwable failure) {
            if (failure == null) {
                return value != null ? new Tried<>(permit, start, value, null)
                        : new Tried<>(permit, start, null, new NullPointerException(op.what() + " returned null"));
            }
            Throwable cause = LinkedFuture.cause(failure);
            return new Tried<>(permit, start, null,
                    cause instanceof RuntimeException e ? e : new CompletionException(cause));
        }
    }

    /** A first try made without waiting, in flight: where it ends, its answer is accounted for or the chain resumed. */
    private final class TryInFlight<T, V> implements CallEnd<T> {
        private final Operation<T> op;
        private final List<Target> order;
        private final Target target;
        private final CircuitBreaker breaker;
        private final CircuitBreaker.Permit permit;
        private final Instant start;
        private final Function<Outcome<T>, V> answer;
        private final LinkedFuture<V> result;
        private final Executor blocking;

        TryInFlight(Operation<T> op, List<Target> order, Target target, CircuitBreaker breaker,
                CircuitBreaker.Permit permit, Instant start, Function<Outcome<T>, V> answer, LinkedFuture<V> result,
                Executor blocking) {
            this.op = op;
            this.order = order;
            this.target = target;
            this.breaker = breaker;
            this.permit = permit;
            this.start = start;
            this.answer = answer;
            this.result = result;
            this.blocking = blocking;
        }

        @Override
        public void ended(T value, Throwable failure) {
            if (result.isCancelled()) {
                breaker.released(permit); // the caller left: neither retry, fall back nor blame the target
                return;
            }
            if (failure == null && value != null && breaker.succeedsWithoutWaiting(permit)) {
                answeredAtFirstTry(value); // the usual end, settled right here
                return;
            }
            Tried<T> first = Tried.of(op, permit, start, value, failure);
            Runnable rest = first.thrown() == null ? () -> answeredAtFirstTry(first.value()) : () -> resume(first);
            try {
                blocking.execute(rest);
            } catch (RejectedExecutionException e) {
                breaker.released(permit);
                result.completeExceptionally(e);
            }
        }

        private void answeredAtFirstTry(T value) {
            try {
                List<Attempt> trail = List.of(answered(target, op, op.model(target), start));
                breaker.succeeded(permit);
                result.complete(answer.apply(new Outcome<>(value, target, 0, trail)));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        /**
         * The chain after a failed first try, on a thread that may wait. A cancel of the result cancels this thread's
         * {@link CancelScope} (one of its own when the thread has none), which the chain's waits and calls heed.
         */
        private void resume(Tried<T> first) {
            CancelScope caller = CancelScope.current();
            CancelScope scope = caller != null ? caller : CancelScope.open();
            try {
                result.whenComplete((v, e) -> {
                    if (result.isCancelled()) {
                        scope.cancel();
                    }
                });
                result.complete(answer.apply(run(op, 0, order, first, new ArrayList<>(2), new ArrayList<>())));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                if (scope != caller) {
                    scope.close();
                }
            }
        }
    }

    /**
     * What became of one target: its answer, or no answer and whether the group's next member stands in: it does for a
     * skip without a request and for a failure worth retrying (a 5xx, a timeout, a rate limit, an overload, a broken
     * connection: that deployment is in trouble, its siblings likely are not, as LiteLLM's router and Portkey's
     * loadbalance also assume); any other failure moves the request to the chain's next element.
     */
    private record Step<T>(T value, boolean memberMayStandIn) {}

    /**
     * {@code nextMember}: who stands in for a skip or a retryable failure; {@code nextElement}: who takes over after
     * another failure.
     */
    private <T> Step<T> attempt(Target target, Operation<T> op, List<Attempt> trail, List<TargetFailure> failures,
            String nextMember, String nextElement) {
        String provider = target.provider().name();
        String model = op.model(target);
        if (!op.supports(target)) {
            LlmException skip = op.refusal(target);
            trail.add(Attempt.failed(provider, model, Duration.ZERO, Attempt.Outcome.SKIPPED_UNSUPPORTED, skip.kind(),
                    Failures.describe(skip)));
            failures.add(new TargetFailure(target.label(), skip));
            return new Step<>(null, true);
        }
        CircuitBreaker breaker = breakers.get(target);
        CircuitBreaker.Permit permit = breaker.tryAcquire();
        if (permit == CircuitBreaker.Permit.REJECTED) {
            LlmException skip = coolingDown(target, breaker);
            trail.add(Attempt.failed(provider, model, Duration.ZERO, Attempt.Outcome.SKIPPED_COOLDOWN, skip.kind(),
                    Failures.describe(skip)));
            failures.add(new TargetFailure(target.label(), skip));
            LOG.log(Level.DEBUG, () -> "route " + route + ": " + Failures.describe(skip) + ": " + target.label());
            return new Step<>(null, true);
        }
        return tries(target, op, breaker, permit, trail, failures, nextMember, nextElement, null);
    }

    /**
     * The tries of a target its cooldown let through with {@code permit}, which they settle whatever happens;
     * {@code first}: the first try, when it was already made.
     */
    private <T> Step<T> tries(Target target, Operation<T> op, CircuitBreaker breaker, CircuitBreaker.Permit permit,
            List<Attempt> trail, List<TargetFailure> failures, String nextMember, String nextElement, Tried<T> first) {
        boolean settled = false;
        try {
            if (first == null && CancelScope.currentIsCancelled()) {
                throw LlmException.builder(ErrorKind.CONNECTION, route)
                        .message("cancelled by the caller before calling " + target.label()).attempts(trail).build();
            }
            TargetResult<T> result = tryTarget(target, op, op.model(target), trail, first);
            if (result.failure() == null) {
                breaker.succeeded(permit);
                settled = true;
                return new Step<>(result.value(), false);
            }
            LlmException failure = result.failure();
            if (!failure.kind().isFallbackWorthy()) {
                breaker.released(permit);
                settled = true;
                throw new RequestRejectedException(failure, trail);
            }
            boolean opened = false;
            boolean nothingSent = failure instanceof LocalRateLimitException;
            if (saysNothingAboutHealth(failure.kind()) || nothingSent) {
                breaker.released(permit);
            } else {
                opened = breaker.failed(permit, failure.kind(), Failures.describe(failure));
            }
            settled = true;
            failures.add(new TargetFailure(target.label(), failure));
            boolean standIn = nothingSent || failure.kind().isRetryable();
            logFailure(target, failure, opened, breaker, standIn ? nextMember : nextElement);
            return new Step<>(null, standIn);
        } finally {
            if (!settled) {
                breaker.released(permit);
            }
        }
    }

    /**
     * A target whose stream had started failed mid-answer: its call had counted as a success, so the failure is
     * recorded now (towards its cooldown, unless it says nothing about the target's health).
     */
    public void failedMidStream(Target target, LlmException failure) {
        if (saysNothingAboutHealth(failure.kind())) {
            return;
        }
        CircuitBreaker breaker = breakers.get(target);
        if (breaker.failed(CircuitBreaker.Permit.CALL, failure.kind(), Failures.describe(failure))) {
            TargetState s = breaker.state();
            LOG.log(Level.INFO, () -> "route " + route + ": " + target.label() + " cools down until " + s.openUntil()
                    + " after " + s.consecutiveFailures() + " consecutive failures");
        }
    }

    /** The number of elements of the chain (a group counts once). */
    public int size() {
        return elements.size();
    }

    /**
     * Failures caused by what this request asks (a feature the target lacks, a prompt too long for it, content its
     * filter refuses) say nothing about the target's health: they move the request on but do not count towards a
     * cooldown, or one tool-calling request would take the target away from every plain one.
     */
    private static boolean saysNothingAboutHealth(ErrorKind kind) {
        return kind == ErrorKind.UNSUPPORTED || kind == ErrorKind.CONTEXT_LENGTH || kind == ErrorKind.CONTENT_FILTER;
    }

    /**
     * Tells the usage log which providers this request tried before the call about to be sent (retries included,
     * skips not); nothing to tell on a first try.
     */
    private static UsageScope triedBefore(List<Attempt> trail) {
        List<String> tried = null;
        for (Attempt a : trail) {
            if (!a.outcome().isSkip()) {
                if (tried == null) {
                    tried = new ArrayList<>(trail.size());
                }
                tried.add(a.provider());
            }
        }
        return tried == null ? null : UsageScope.tries(tried);
    }

    /** The retry loop of one target; {@code first}: its first try, when it was already made. */
    private <T> TargetResult<T> tryTarget(Target target, Operation<T> op, String model, List<Attempt> trail,
            Tried<T> first) {
        String provider = target.provider().name();
        for (int n = 0; ; n++) {
            Instant start;
            T value = null;
            RuntimeException thrown = null;
            if (n == 0 && first != null) {
                start = first.start();
                value = first.value();
                thrown = first.thrown();
            } else {
                start = clock.instant();
                try (UsageScope s = triedBefore(trail)) {
                    value = Objects.requireNonNull(op.invoke().apply(target), () -> op.what() + " returned null");
                } catch (RuntimeException e) {
                    thrown = e;
                }
            }
            if (thrown == null) {
                answered(target, op, model, trail, start);
                return new TargetResult<>(value, null);
            }
            if (thrown instanceof BudgetExceededException e) {
                throw e; // the caller's spending, not the target's failure: no retry, no fallback, no cooldown
            }
            LlmException failure = Failures.of(provider, thrown);
            if (CancelScope.currentIsCancelled()) {
                throw cancelled(target, failure, trail); // the caller left: neither retry, fall back nor blame the target
            }
            Attempt.Outcome outcome = failure instanceof LocalRateLimitException
                    ? Attempt.Outcome.SKIPPED_LOCAL_LIMIT : Attempt.Outcome.FAILED;
            trail.add(Attempt.failed(provider, model, since(start), outcome, failure.kind(), Failures.describe(failure)));
            Duration wait = waitBeforeRetry(target, failure, n);
            if (wait == null) {
                return new TargetResult<>(null, failure);
            }
            int retryNumber = n + 1;
            LlmException cause = failure;
            LOG.log(Level.DEBUG, () -> "route " + route + ": retrying " + target.label() + " in " + wait.toMillis()
                    + " ms after " + cause.kind() + " (retry " + retryNumber + " of " + retry.maxRetries() + ")");
            try {
                sleep(wait);
            } catch (InterruptedException e) {
                if (CancelScope.currentIsCancelled()) {
                    throw cancelled(target, failure, trail);
                }
                Thread.currentThread().interrupt();
                throw LlmException.builder(failure.kind(), route)
                        .message("interrupted while waiting to retry " + target.label())
                        .cause(failure)
                        .attempts(trail)
                        .build();
            }
        }
    }

    /** An answered try: the trail gets it with its latency, which the target's statistics learn. */
    private <T> void answered(Target target, Operation<T> op, String model, List<Attempt> trail, Instant start) {
        trail.add(answered(target, op, model, start));
    }

    /** An answered try, with its latency, which the target's statistics learn. */
    private <T> Attempt answered(Target target, Operation<T> op, String model, Instant start) {
        Duration took = since(start);
        if (op.measuresFirstToken()) {
            stats.get(target).recordLatency(took);
        }
        return Attempt.answered(target.provider().name(), model, took);
    }

    /** Waits with the sleeper; a cancelled {@link CancelScope} of this thread cuts the wait short. */
    private void sleep(Duration wait) throws InterruptedException {
        CancelScope scope = CancelScope.current();
        if (scope == null) {
            sleeper.sleep(wait);
        } else {
            scope.interruptibly(() -> sleeper.sleep(wait));
        }
    }

    /** The call was abandoned by its caller ({@link CancelScope#cancel()}); the failure carries the trail so far. */
    private LlmException cancelled(Target target, LlmException last, List<Attempt> trail) {
        return LlmException.builder(last.kind(), route).message("cancelled by the caller while calling " + target.label())
                .cause(last).attempts(trail).build();
    }

    /** How long to wait before retry {@code n} of the target, or null to give the target up. */
    private Duration waitBeforeRetry(Target target, LlmException failure, int n) {
        if (!failure.isRetryable() || n >= retry.maxRetries()) {
            return null;
        }
        Optional<Duration> hint = failure.retryAfter();
        if (hint.isEmpty()) {
            return backoff.delay(n);
        }
        Duration asked = hint.get().isNegative() ? Duration.ZERO : hint.get();
        if (!backoff.isWorthWaiting(asked)) {
            // Waiting longer than max-delay would stall the caller; another target is likely faster.
            LOG.log(Level.INFO, () -> "route " + route + ": " + target.label() + " asks to wait " + asked.toMillis()
                    + " ms, more than max-delay " + retry.maxDelay().toMillis() + " ms; not retrying it");
            return null;
        }
        return asked;
    }

    /**
     * Why a cooling target is skipped. The skip carries the kind of the failure that opened the target and, while
     * it is open, the time left as its retry hint, so that a route whose targets all cool down after rate limits
     * still fails as a rate limit that says when to come back. It ends with what the last failure said, so that a
     * target lacking its key still names the variable to set once it cools down.
     */
    private LlmException coolingDown(Target target, CircuitBreaker breaker) {
        TargetState state = breaker.state();
        ErrorKind kind = breaker.lastFailure() == null ? ErrorKind.SERVER : breaker.lastFailure();
        LlmException.Builder b = LlmException.builder(kind, target.provider().name());
        String last = breaker.lastFailureMessage();
        String because = last == null ? "" : "; last failure: " + last;
        if (state.state() == CircuitState.OPEN) {
            Duration left = Duration.between(clock.instant(), state.openUntil());
            b.retryAfter(left.isNegative() ? Duration.ZERO : left)
                    .message("skipped: cooling down until " + state.openUntil() + " after "
                            + state.consecutiveFailures() + " consecutive failures" + because);
        } else {
            b.message("skipped: cooling down, a probe request is in flight" + because);
        }
        return b.build();
    }

    private void logFailure(Target target, LlmException failure, boolean opened, CircuitBreaker breaker, String next) {
        if (opened) {
            TargetState s = breaker.state();
            LOG.log(Level.INFO, () -> "route " + route + ": " + target.label() + " cools down until " + s.openUntil()
                    + " after " + s.consecutiveFailures() + " consecutive failures");
        }
        if (next != null) {
            // A local rate limit is routine (that is what it is for): not worth a line per request at INFO.
            Level level = failure instanceof LocalRateLimitException ? Level.DEBUG : Level.INFO;
            LOG.log(level, () -> "route " + route + ": " + target.label() + " failed (" + failure.kind() + ": "
                    + Failures.describe(failure) + "); falling back to " + next);
        }
    }

    private Duration since(Instant start) {
        Duration d = Duration.between(start, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }
}
