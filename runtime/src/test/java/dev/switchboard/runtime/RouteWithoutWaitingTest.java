package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.Price;
import dev.switchboard.runtime.metering.PriceTable;
import dev.switchboard.runtime.metering.RateLimiter;
import dev.switchboard.runtime.routing.TargetStats;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateChange;
import dev.switchboard.runtime.state.StateJournal;
import dev.switchboard.runtime.state.StateStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A route's chat call without waiting: its first try holds no thread while the target answers, and whatever follows a
 * failed first try runs on the caller's blocking executor, ending as {@link ProviderManager#chat} ends for the same
 * answers. Deterministic: the providers' answers are futures the test completes, the blocking executor is a queue the
 * test runs, time is a manual clock.
 */
@Timeout(20)
class RouteWithoutWaitingTest {

    /** $12 per million input tokens, $20 per million output: the script's 5 in and 7 out cost $0.0002. */
    private static final PriceTable PRICES = new PriceTable(Map.of("served-model", Price.of("12", null, "20")), Map.of());
    private static final ChatRequest REQUEST = ChatRequest.of("Hi");

    // ---------------------------------------------------------------------------------------------- fakes

    /** The caller's executor for steps that wait: a queue the test runs, on the test's thread. */
    static final class QueuedExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int pending() {
            return tasks.size();
        }

        /** Runs the queued tasks (and those they queue) one after the other. */
        void runAll() {
            Runnable task;
            while ((task = poll()) != null) {
                running = true;
                try {
                    task.run();
                } finally {
                    running = false;
                }
            }
        }

        private synchronized Runnable poll() {
            return tasks.poll();
        }

        /** Whether a task of this executor is running now. */
        boolean running() {
            return running;
        }
    }

    /**
     * A provider answering from a script: chat() takes the script's next step, and a call without waiting stays
     * pending until the test answers it with the script's next step, as chat() would have.
     */
    static final class AsyncScripted implements LlmProvider {
        record Pending(ChatRequest request, CompletableFuture<ChatResponse> future, Executor blocking) {}

        final ScriptedProvider script;
        private final Deque<Pending> pending = new ArrayDeque<>();

        AsyncScripted(ScriptedProvider script) {
            this.script = script;
        }

        @Override
        public String name() {
            return script.name();
        }

        @Override
        public String type() {
            return script.type();
        }

        @Override
        public Set<Capability> capabilities() {
            return script.capabilities();
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            return script.chat(request);
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            return script.stream(request);
        }

        @Override
        public synchronized Optional<CompletableFuture<ChatResponse>> chatWithoutWaiting(ChatRequest request,
                Executor blocking) {
            CompletableFuture<ChatResponse> f = new CompletableFuture<>();
            pending.add(new Pending(request, f, blocking));
            return Optional.of(f);
        }

        synchronized Pending next() {
            return pending.poll();
        }

        synchronized int pendingCalls() {
            return pending.size();
        }

        /** Answers the oldest pending call with the script's next step. */
        void answerPending() {
            Pending p = next();
            ChatResponse r;
            try {
                r = script.chat(p.request());
            } catch (RuntimeException e) {
                p.future().completeExceptionally(e);
                return;
            }
            p.future().complete(r);
        }
    }

    /** A store doing what {@code delegate} does but saying nothing of how it waits (as a store across the network). */
    static StateStore storeThatMayWait(StateStore delegate) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The {@code embedded} backend's shape: the state in memory, every change awaited on a journal (here, none). */
    static MemoryStateStore embeddedLike() {
        return new MemoryStateStore("embedded", new StateJournal() {
            private long sequence;

            @Override
            public synchronized long append(StateChange change) {
                return ++sequence;
            }

            @Override
            public void awaitDurable(long sequence) {}

            @Override
            public void close() {}
        });
    }

    /** Two metered targets behind one route, on one manual clock, with a ledger and the route's own sleeper. */
    static final class Setup {
        final ManualClock clock = new ManualClock();
        final RecordingSleeper sleeper = new RecordingSleeper(clock);
        final UsageLedger ledger = new UsageLedger();
        final QueuedExecutor blocking = new QueuedExecutor();
        final AsyncScripted primary = new AsyncScripted(new ScriptedProvider("primary", clock));
        final AsyncScripted secondary = new AsyncScripted(new ScriptedProvider("secondary", clock));
        final ProviderManager route;

        Setup(Consumer<ScriptedProvider> primaryScript, Consumer<ScriptedProvider> secondaryScript) {
            primaryScript.accept(primary.script);
            secondaryScript.accept(secondary.script);
            route = ProviderManager.builder(metered(primary)).fallback(metered(secondary)).name("r")
                    .retry(RetryPolicy.exponential(2, Duration.ofSeconds(1))).cooldown(new CooldownPolicy(2,
                            Duration.ofMinutes(1)))
                    .clock(clock).sleeper(sleeper).random(() -> 0.5).build();
        }

        MeteredProvider metered(LlmProvider p) {
            return MeteredProvider.builder(p).prices(PRICES).ledger(ledger).clock(clock).sleeper(sleeper)
                    .defaultModel("served-model").build();
        }

        TargetStats stats(AsyncScripted p) {
            return route.targetStats().entrySet().stream()
                    .filter(e -> e.getKey().provider().name().equals(p.name())).findFirst().orElseThrow().getValue();
        }
    }

    /** How a call ended, in everything the two paths must agree on. */
    record Ending(String text, Usage usage, Cost cost, String provider, List<Attempt> attempts, String failure,
                  ErrorKind kind, List<TargetState> states, List<Duration> waits, UsageTotals routeTotals) {

        static Ending of(Setup s, ChatResponse r, Throwable failure) {
            List<Attempt> attempts = r != null ? r.attempts()
                    : failure instanceof LlmException e ? e.attempts() : List.of();
            return new Ending(r == null ? null : r.text(), r == null ? null : r.usage(), r == null ? null : r.cost(),
                    r == null ? null : r.provider(), attempts, failure == null ? null : failure.getClass().getName(),
                    failure instanceof LlmException e ? e.kind() : null, s.route.targetStates(), s.sleeper.waits(),
                    s.ledger.snapshot().route("r"));
        }
    }

    private static Ending chat(Setup s) {
        try {
            return Ending.of(s, s.route.chat(REQUEST), null);
        } catch (RuntimeException e) {
            return Ending.of(s, null, e);
        }
    }

    private static Throwable failureOf(CompletableFuture<ChatResponse> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    // ---------------------------------------------------------------------------------------------- answered

    @Test
    void anAnswerAtTheFirstTryIsWhatChatReturnsAndAccountedForAlike() {
        Setup sync = new Setup(p -> p.latency(Duration.ofMillis(30)).answering("hello"), p -> {});
        Setup async = new Setup(p -> p.latency(Duration.ofMillis(30)).answering("hello"), p -> {});
        ChatResponse expected = sync.route.chat(REQUEST);

        CompletableFuture<ChatResponse> f = async.route.chatWithoutWaiting(REQUEST, async.blocking).orElseThrow();
        assertThat(f).isNotDone();
        assertThat(async.stats(async.primary).inFlight()).isEqualTo(1); // in flight while the provider thinks
        async.primary.answerPending();

        assertThat(f).isCompleted();
        assertThat(async.blocking.pending()).isZero(); // nothing waited: no step went to the blocking executor
        ChatResponse r = f.join();
        assertThat(r.text()).isEqualTo("hello").isEqualTo(expected.text());
        assertThat(r.usage()).isEqualTo(expected.usage());
        assertThat(r.cost()).isEqualTo(expected.cost()).isEqualTo(Cost.usd("0.0002"));
        assertThat(r.provider()).isEqualTo(expected.provider());
        assertThat(r.attempts()).isEqualTo(expected.attempts());
        assertThat(r.attempts()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(Attempt.Outcome.ANSWERED);
            assertThat(a.latency()).isEqualTo(Duration.ofMillis(30));
        });
        assertThat(async.ledger.snapshot()).isEqualTo(sync.ledger.snapshot());
        assertThat(async.ledger.snapshot().route("r").requests()).isEqualTo(1);
        assertThat(async.stats(async.primary).inFlight()).isZero();
        assertThat(async.stats(async.primary).samples()).isEqualTo(1);
        assertThat(async.stats(async.primary).latency()).isEqualTo(Duration.ofMillis(30));
        assertThat(async.route.targetStates()).isEqualTo(sync.route.targetStates());
    }

    // ---------------------------------------------------------------------------------------------- after a failure

    static Stream<Arguments> scripts() {
        return Stream.of(
                Arguments.of("500 then ok", (Consumer<ScriptedProvider>) p -> p.failing(ErrorKind.SERVER)
                        .answering("ok"), (Consumer<ScriptedProvider>) p -> p.answering("second")),
                Arguments.of("429 with retry-after then ok", (Consumer<ScriptedProvider>) p -> p
                        .failing(Errors.rateLimit("primary", Duration.ofMillis(700))).answering("ok"),
                        (Consumer<ScriptedProvider>) p -> p.answering("second")),
                Arguments.of("401 goes to the next element", (Consumer<ScriptedProvider>) p -> p
                        .failing(ErrorKind.AUTHENTICATION), (Consumer<ScriptedProvider>) p -> p.answering("second")),
                Arguments.of("400 is rejected", (Consumer<ScriptedProvider>) p -> p.failing(ErrorKind.INVALID_REQUEST),
                        (Consumer<ScriptedProvider>) p -> p.answering("second")),
                Arguments.of("every target fails", (Consumer<ScriptedProvider>) p -> p.failing(ErrorKind.SERVER),
                        (Consumer<ScriptedProvider>) p -> p.failing(ErrorKind.OVERLOADED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void afterAFailedFirstTryTheRouteGoesOnOnTheBlockingExecutorAsChatWould(String name,
            Consumer<ScriptedProvider> primary, Consumer<ScriptedProvider> secondary) {
        Setup sync = new Setup(primary, secondary);
        Ending expected = chat(sync);

        Setup async = new Setup(primary, secondary);
        int[] callsOutsideBlocking = new int[1];
        Runnable noteThread = () -> {
            if (!async.blocking.running()) {
                callsOutsideBlocking[0]++;
            }
        };
        async.primary.script.onCall(noteThread);
        async.secondary.script.onCall(noteThread);
        CompletableFuture<ChatResponse> f = async.route.chatWithoutWaiting(REQUEST, async.blocking).orElseThrow();
        async.primary.answerPending(); // the first try fails

        assertThat(f).isNotDone();
        assertThat(async.blocking.pending()).isEqualTo(1);
        assertThat(async.primary.script.calls() + async.secondary.script.calls()).isEqualTo(1);
        async.blocking.runAll();

        assertThat(f).isDone();
        Ending actual = Ending.of(async, f.isCompletedExceptionally() ? null : f.join(), failureOf(f));
        assertThat(actual).isEqualTo(expected);
        assertThat(callsOutsideBlocking[0]).as("calls made outside the blocking executor").isEqualTo(1);
        assertThat(async.stats(async.primary).inFlight()).isZero();
        assertThat(async.stats(async.secondary).inFlight()).isZero();
        assertThat(async.primary.pendingCalls() + async.secondary.pendingCalls()).isZero();
    }

    @Test
    void theScriptsEndAsTheirNamesSay() {
        assertThat(chat(new Setup(p -> p.failing(ErrorKind.SERVER).answering("ok"), p -> {})).text()).isEqualTo("ok");
        assertThat(chat(new Setup(p -> p.failing(ErrorKind.INVALID_REQUEST), p -> p.answering("x"))).failure())
                .isEqualTo(RequestRejectedException.class.getName());
        assertThat(chat(new Setup(p -> p.failing(ErrorKind.SERVER), p -> p.failing(ErrorKind.OVERLOADED))).failure())
                .isEqualTo(AllTargetsFailedException.class.getName());
        Ending limited = chat(new Setup(p -> p.failing(Errors.rateLimit("primary", Duration.ofMillis(700)))
                .answering("ok"), p -> {}));
        assertThat(limited.waits()).contains(Duration.ofMillis(700));
    }

    @Test
    void theRetriedCallIsAttributedToTheRouteAndTheRequest() {
        Setup async = new Setup(p -> p.failing(ErrorKind.SERVER).answering("ok"), p -> {});
        CompletableFuture<ChatResponse> f;
        try (UsageScope request = UsageScope.request("req-1", async.clock.instant())) {
            f = async.route.chatWithoutWaiting(REQUEST, task -> async.blocking.execute(() -> {
                // the caller's executor re-enters the caller's scopes, as the contract asks
                try (UsageScope again = UsageScope.request("req-1", ManualClock.START)) {
                    task.run();
                }
            })).orElseThrow();
        }
        List<UsageRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        async.ledger.listen(records::add);
        async.primary.answerPending();
        async.blocking.runAll();

        assertThat(f.join().text()).isEqualTo("ok");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.route()).isEqualTo("r");
            assertThat(r.requestId()).isEqualTo("req-1");
            assertThat(r.attempts()).containsExactly("primary", "primary");
        });
    }

    // ---------------------------------------------------------------------------------------------- not offered

    @Test
    void notOfferedWhenTheFirstTargetCoolsDown() {
        Setup s = new Setup(p -> p.failing(ErrorKind.SERVER), p -> p.answering("second"));
        s.route.chat(REQUEST); // three tries fail: two failures open the primary
        s.route.chat(REQUEST);
        assertThat(s.route.targetStates().get(0).state()).isEqualTo(CircuitState.OPEN);

        assertThat(s.route.chatWithoutWaiting(REQUEST, s.blocking)).isEmpty();
        assertThat(s.primary.pendingCalls() + s.secondary.pendingCalls()).isZero();
    }

    @Test
    void notOfferedWhenTheCallerHasCancelled() {
        Setup s = new Setup(p -> p.answering("ok"), p -> {});
        try (var scope = dev.switchboard.http.CancelScope.open()) {
            scope.cancel();
            assertThat(s.route.chatWithoutWaiting(REQUEST, s.blocking)).isEmpty();
        }
        assertThat(s.primary.pendingCalls()).isZero();
    }

    @Test
    void notOfferedWhenTheLimiterWouldWaitAndWhatWasTakenGoesBack() {
        ManualClock clock = new ManualClock();
        UsageLedger ledger = new UsageLedger();
        Budget budget = new Budget("route r", BudgetLimit.of("1.00", Duration.ofDays(1)), clock);
        ledger.track(UsageLedger.Dimension.ROUTE, "r", budget);
        AsyncScripted raw = new AsyncScripted(new ScriptedProvider("primary", clock).answering("ok"));
        RateLimiter limiter = new RateLimiter("primary", LimitPolicy.perMinute(1, 0), clock);
        MeteredProvider metered = MeteredProvider.builder(raw).prices(PRICES).ledger(ledger).clock(clock)
                .limiter(limiter).defaultModel("served-model").build();
        ProviderManager route = ProviderManager.builder(metered).name("r").clock(clock).budget(budget).build();
        QueuedExecutor blocking = new QueuedExecutor();

        CompletableFuture<ChatResponse> first = route.chatWithoutWaiting(REQUEST, blocking).orElseThrow();
        assertThat(budget.reserved()).isPositive(); // held while the call is in flight

        assertThat(route.chatWithoutWaiting(REQUEST, blocking)).isEmpty(); // one request a minute: taken
        raw.answerPending();
        assertThat(first.join().text()).isEqualTo("ok");
        assertThat(budget.reserved()).isZero(); // the refused call's hold went back, the answered one's was settled
        assertThat(route.targetStats().values()).allSatisfy(st -> assertThat(st.inFlight()).isZero());
        assertThat(raw.pendingCalls()).isZero();
    }

    @Test
    void notOfferedWhenAStoreMayWait() {
        ManualClock clock = new ManualClock();
        AsyncScripted raw = new AsyncScripted(new ScriptedProvider("primary", clock).answering("ok"));
        QueuedExecutor blocking = new QueuedExecutor();

        // the ledger's store (a server's)
        MeteredProvider remoteLedger = MeteredProvider.builder(raw).clock(clock)
                .ledger(new UsageLedger(storeThatMayWait(new MemoryStateStore()))).build();
        assertThat(ProviderManager.builder(remoteLedger).clock(clock).build().chatWithoutWaiting(REQUEST, blocking))
                .isEmpty();

        // the limiter's store (a server's), even without limits
        MeteredProvider remoteLimiter = MeteredProvider.builder(raw).clock(clock).limiter(new RateLimiter("primary",
                LimitPolicy.NONE, clock, storeThatMayWait(new MemoryStateStore()), "provider:primary")).build();
        assertThat(ProviderManager.builder(remoteLimiter).clock(clock).build().chatWithoutWaiting(REQUEST, blocking))
                .isEmpty();

        // limits on a store whose changes are written before they return
        MeteredProvider durableLimits = MeteredProvider.builder(raw).clock(clock).limiter(new RateLimiter("primary",
                LimitPolicy.perMinute(100, 0), clock, embeddedLike(), "provider:primary")).build();
        assertThat(ProviderManager.builder(durableLimits).clock(clock).build().chatWithoutWaiting(REQUEST, blocking))
                .isEmpty();

        // a budget whose settlement is written before it returns
        UsageLedger ledger = new UsageLedger(embeddedLike());
        ledger.track(UsageLedger.Dimension.ROUTE, "r", new Budget("route r", BudgetLimit.of("1.00",
                Duration.ofDays(1)), clock, embeddedLike(), "route:r"));
        MeteredProvider durableBudget = MeteredProvider.builder(raw).clock(clock).ledger(ledger).build();
        assertThat(ProviderManager.builder(durableBudget).name("r").clock(clock).build()
                .chatWithoutWaiting(REQUEST, blocking)).isEmpty();

        // the route's cooldowns (a server's)
        MeteredProvider local = MeteredProvider.builder(raw).clock(clock).build();
        assertThat(ProviderManager.builder(local).clock(clock).state(storeThatMayWait(new MemoryStateStore())).build()
                .chatWithoutWaiting(REQUEST, blocking)).isEmpty();

        assertThat(raw.pendingCalls()).isZero();
    }

    @Test
    void offeredOnTheEmbeddedShapeWithoutLimitsOrBudgets() {
        ManualClock clock = new ManualClock();
        MemoryStateStore store = embeddedLike();
        AsyncScripted raw = new AsyncScripted(new ScriptedProvider("primary", clock).answering("ok"));
        MeteredProvider metered = MeteredProvider.builder(raw).clock(clock).ledger(new UsageLedger(store))
                .limiter(new RateLimiter("primary", LimitPolicy.NONE, clock, store, "provider:primary")).build();
        ProviderManager route = ProviderManager.builder(metered).clock(clock).state(store).build();

        CompletableFuture<ChatResponse> f = route.chatWithoutWaiting(REQUEST, new QueuedExecutor()).orElseThrow();
        raw.answerPending();
        assertThat(f.join().text()).isEqualTo("ok");
    }

    @Test
    void aLimiterHoldOnAStoreThatWritesFirstIsAccountedOnTheBlockingExecutor() {
        ManualClock clock = new ManualClock();
        MemoryStateStore store = embeddedLike();
        ScriptedProvider script = new ScriptedProvider("primary", clock).answering("ok");
        AsyncScripted raw = new AsyncScripted(script);
        RateLimiter limiter = new RateLimiter("primary", LimitPolicy.NONE, clock, store, "provider:primary");
        MeteredProvider metered = MeteredProvider.builder(raw).clock(clock).limiter(limiter).build();
        QueuedExecutor blocking = new QueuedExecutor();

        CompletableFuture<ChatResponse> f = metered.chatWithoutWaiting(REQUEST, blocking).orElseThrow();
        AsyncScripted.Pending call = raw.next();
        call.future().complete(script.chat(REQUEST).toBuilder().rateLimits(dev.switchboard.api.RateLimits.builder()
                .remainingRequests(0).resetRequests(Duration.ofSeconds(5)).build()).build());

        assertThat(f).isNotDone(); // holding the limiter waits for the store: not on the provider's thread
        blocking.runAll();
        assertThat(f.join().text()).isEqualTo("ok");
        assertThat(limiter.snapshot().heldUntil()).isEqualTo(clock.instant().plusSeconds(5));
    }

    @Test
    void notOfferedByATargetThatDoesNotOfferIt() {
        ManualClock clock = new ManualClock();
        ScriptedProvider plain = new ScriptedProvider("plain", clock).answering("ok");
        ProviderManager route = ProviderManager.builder(MeteredProvider.builder(plain).clock(clock).build()).clock(clock)
                .build();

        assertThat(route.chatWithoutWaiting(REQUEST, new QueuedExecutor())).isEmpty();
        assertThat(route.targetStats().values()).allSatisfy(st -> assertThat(st.inFlight()).isZero());
        assertThat(route.targetStates()).allSatisfy(st -> assertThat(st.state()).isEqualTo(CircuitState.CLOSED));
        assertThat(route.chat(REQUEST).text()).isEqualTo("ok"); // the blocking path, as before
    }

    @Test
    void aBudgetSpentIsWhatChatThrows() {
        ManualClock clock = new ManualClock();
        UsageLedger ledger = new UsageLedger();
        Budget budget = new Budget("route r", BudgetLimit.of("0.0001", Duration.ofDays(1)), clock);
        ledger.track(UsageLedger.Dimension.ROUTE, "r", budget);
        AsyncScripted raw = new AsyncScripted(new ScriptedProvider("primary", clock).answering("ok"));
        MeteredProvider metered = MeteredProvider.builder(raw).prices(PRICES).ledger(ledger).clock(clock)
                .defaultModel("served-model").build();
        ProviderManager route = ProviderManager.builder(metered).name("r").clock(clock).budget(budget).build();
        route.chat(REQUEST); // $0.0002: the budget is spent

        CompletableFuture<ChatResponse> f = route.chatWithoutWaiting(REQUEST, new QueuedExecutor()).orElseThrow();
        assertThat(failureOf(f)).isInstanceOf(BudgetExceededException.class);
        assertThatThrownBy(() -> route.chat(REQUEST)).isInstanceOf(BudgetExceededException.class);
    }

    // ---------------------------------------------------------------------------------------------- cancel

    @Test
    void cancellingTheRoutesCallCancelsTheProvidersAndGivesBackWhatItHeld() {
        ManualClock clock = new ManualClock();
        UsageLedger ledger = new UsageLedger();
        Budget budget = new Budget("route r", BudgetLimit.of("1.00", Duration.ofDays(1)), clock);
        ledger.track(UsageLedger.Dimension.ROUTE, "r", budget);
        AsyncScripted raw = new AsyncScripted(new ScriptedProvider("primary", clock).answering("ok"));
        RateLimiter limiter = new RateLimiter("primary", LimitPolicy.perMinute(10, 0), clock);
        MeteredProvider metered = MeteredProvider.builder(raw).prices(PRICES).ledger(ledger).clock(clock)
                .limiter(limiter).defaultModel("served-model").build();
        ProviderManager route = ProviderManager.builder(metered).name("r").clock(clock).budget(budget)
                .cooldown(new CooldownPolicy(1, Duration.ofMinutes(1))).build();

        CompletableFuture<ChatResponse> f = route.chatWithoutWaiting(REQUEST, new QueuedExecutor()).orElseThrow();
        AsyncScripted.Pending call = raw.next();
        assertThat(limiter.snapshot().requestsAvailable()).isEqualTo(9.0);

        assertThat(f.cancel(true)).isTrue();

        assertThat(call.future()).isCancelled();
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        assertThat(limiter.snapshot().requestsAvailable()).isEqualTo(10.0); // nothing was answered: it goes back
        assertThat(budget.reserved()).isZero();
        assertThat(ledger.snapshot().total().requests()).isZero();
        assertThat(route.targetStats().values()).allSatisfy(st -> assertThat(st.inFlight()).isZero());
        assertThat(route.targetStates()).singleElement().satisfies(st -> {
            assertThat(st.state()).isEqualTo(CircuitState.CLOSED); // the caller left: the target is not to blame
            assertThat(st.consecutiveFailures()).isZero();
        });
    }

    @Test
    void cancellingWhileTheRouteWaitsToRetryStopsIt() {
        Setup s = new Setup(p -> p.failing(ErrorKind.SERVER).answering("ok"), p -> p.answering("second"));
        CompletableFuture<ChatResponse> f = s.route.chatWithoutWaiting(REQUEST, s.blocking).orElseThrow();
        s.primary.answerPending();
        f.cancel(true); // before the blocking executor runs the rest

        s.blocking.runAll();

        assertThat(f).isCancelled();
        assertThat(s.primary.script.calls()).isEqualTo(1); // neither retried
        assertThat(s.secondary.script.calls()).isZero(); // nor fallen back
        assertThat(s.route.targetStates()).allSatisfy(st -> assertThat(st.consecutiveFailures()).isZero());
        assertThat(s.sleeper.waits()).isEmpty();
    }
}
