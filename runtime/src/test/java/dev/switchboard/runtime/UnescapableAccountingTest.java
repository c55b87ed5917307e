package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.Price;
import dev.switchboard.runtime.metering.PriceTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing escapes the ledger and the budgets: streams abandoned or cut after content are recorded once (estimated
 * where the provider reported nothing), and budgets reserve each call's estimated cost before it is sent, so
 * concurrent calls overshoot by at most the estimation error of the calls in flight.
 */
@Timeout(20)
class UnescapableAccountingTest {

    /**
     * $12 per million input tokens, $20 per million output: ScriptedProvider's 5 in and 7 out cost exactly $0.0002,
     * and so does the estimate of a 20-character prompt (5 tokens) with max-output-tokens 7.
     */
    private static final PriceTable PRICES = new PriceTable(Map.of("served-model", Price.of("12", null, "20")), Map.of());
    private static final ChatRequest EXACT = ChatRequest.builder().user("twenty characters!!!").maxOutputTokens(7).build();

    private final ManualClock clock = new ManualClock();
    private final UsageLedger ledger = new UsageLedger();
    private final ExecutorService pool = Executors.newFixedThreadPool(50);

    @AfterEach
    void stopThreads() {
        pool.shutdownNow();
    }

    private MeteredProvider metered(ScriptedProvider raw) {
        return MeteredProvider.builder(raw).prices(PRICES).ledger(ledger).clock(clock).defaultModel("served-model")
                .build();
    }

    private Budget routeBudget(String amount) {
        Budget b = new Budget("route default", BudgetLimit.of(amount, Duration.ofDays(1)), clock);
        ledger.track(UsageLedger.Dimension.ROUTE, "default", b);
        return b;
    }

    private static ScriptedProvider.Step answerUsing(Usage usage) {
        return ScriptedProvider.Step.events(new ChatEvent.Started("id", "served-model"), new ChatEvent.TextDelta("ok"),
                new ChatEvent.Finished(FinishReason.STOP, "stop"), new ChatEvent.UsageReport(usage));
    }

    /** Thirty chunks of "word " (five characters each) and no usage report, as a provider that reports none. */
    private static ScriptedProvider.Step thirtyChunksWithoutUsage() {
        List<ChatEvent> events = new ArrayList<>();
        events.add(new ChatEvent.Started("id", "served-model"));
        for (int i = 0; i < 30; i++) {
            events.add(new ChatEvent.TextDelta("word "));
        }
        events.add(new ChatEvent.Finished(FinishReason.STOP, "stop"));
        return ScriptedProvider.Step.events(events.toArray(ChatEvent[]::new));
    }

    // ---------------------------------------------------------------- streams that end early

    @Test
    void aStreamAbandonedAfter25Of30ChunksIsRecordedOnceWithTheTokensReceivedMarkedEstimated() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(thirtyChunksWithoutUsage());
        Budget budget = routeBudget("1");
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget).build();

        ChatStream s;
        try (UsageScope key = UsageScope.key("team-a")) {
            s = route.stream(EXACT);
        }
        for (int i = 0; i < 26; i++) { // the start and 25 chunks
            s.next();
        }
        s.close();
        s.close();

        UsageSnapshot u = ledger.snapshot();
        assertThat(u.total().requests()).isEqualTo(1);
        assertThat(u.total().estimatedRequests()).isEqualTo(1);
        assertThat(u.total().inputTokens()).isEqualTo(5); // 20 characters of prompt
        assertThat(u.total().outputTokens()).isEqualTo(32); // 25 * 5 = 125 characters, a quarter rounded up
        assertThat(u.route("default").requests()).isEqualTo(1);
        assertThat(u.key("team-a").requests()).isEqualTo(1);
        // 5 * 12 + 32 * 20 = 700 per million
        assertThat(budget.spent()).isEqualByComparingTo("0.0007");
        assertThat(budget.reserved()).isEqualByComparingTo("0");
    }

    @Test
    void anAnswerWithoutUsageIsChargedItsEstimateAsAStreamIsWhileTheCallerSeesNoCounts() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(thirtyChunksWithoutUsage());
        Budget budget = routeBudget("1");
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget).build();

        ChatResponse answer;
        try (UsageScope key = UsageScope.key("team-a")) {
            answer = route.chat(EXACT);
        }

        assertThat(answer.usage()).isEqualTo(Usage.NONE); // what the provider said: the gateway leaves usage out
        UsageTotals t = ledger.snapshot().total();
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.estimatedRequests()).isEqualTo(1);
        assertThat(t.inputTokens()).isEqualTo(5); // 20 characters of prompt
        assertThat(t.outputTokens()).isEqualTo(38); // 30 * 5 = 150 characters, a quarter rounded up
        // 5 * 12 + 38 * 20 = 820 per million: not free, so a budget cannot be escaped by an upstream reporting nothing
        assertThat(budget.spent()).isEqualByComparingTo("0.00082");
        assertThat(budget.reserved()).isEqualByComparingTo("0");
    }

    @Test
    void aStreamThatFailsAfterContentIsRecordedWithTheTokensReceived() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(ScriptedProvider.Step.failAfter(
                Errors.error(ErrorKind.SERVER, "openai"), new ChatEvent.Started("id", "served-model"),
                new ChatEvent.TextDelta("12345678")));
        MeteredProvider openai = metered(raw);

        ChatStream s = openai.stream(EXACT);
        LlmException e = catchThrowableOfType(() -> {
            while (s.hasNext()) {
                s.next();
            }
        }, LlmException.class);

        assertThat(e).isNotNull();
        UsageTotals t = ledger.snapshot().total();
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.estimatedRequests()).isEqualTo(1);
        assertThat(t.outputTokens()).isEqualTo(2);
    }

    @Test
    void aReportedCountIsKeptAndOnlyTheMissingOneIsEstimated() {
        // Some providers report the input when the stream starts and the output only at its end.
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(ScriptedProvider.Step.events(
                new ChatEvent.Started("id", "served-model"), new ChatEvent.UsageReport(Usage.of(40, 0)),
                new ChatEvent.TextDelta("1234"), new ChatEvent.TextDelta("5678"),
                new ChatEvent.Finished(FinishReason.STOP, "stop")));

        ChatStream s = metered(raw).stream(EXACT);
        s.next();
        s.next();
        s.next();
        s.close();

        UsageTotals t = ledger.snapshot().total();
        assertThat(t.inputTokens()).isEqualTo(40);
        assertThat(t.outputTokens()).isEqualTo(1);
        assertThat(t.estimatedRequests()).isEqualTo(1);
    }

    @Test
    void aStreamThatCompletesWithItsUsageIsNotEstimated() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(answerUsing(Usage.of(5, 7)));

        metered(raw).stream(EXACT).collect();

        assertThat(ledger.snapshot().total().requests()).isEqualTo(1);
        assertThat(ledger.snapshot().total().estimatedRequests()).isZero();
        assertThat(ledger.snapshot().total().costUsd()).isEqualByComparingTo("0.0002");
    }

    @Test
    void aStreamThatFailsBeforeAnyContentIsNotRecordedAndGivesItsHoldBack() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(ScriptedProvider.Step.failAfter(
                Errors.error(ErrorKind.SERVER, "openai"), new ChatEvent.Started("id", "served-model")));
        Budget budget = routeBudget("1");
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget)
                .retry(RetryPolicy.none()).build();

        catchThrowableOfType(() -> route.stream(EXACT), LlmException.class);

        assertThat(ledger.snapshot().total().requests()).isZero();
        assertThat(budget.reserved()).isEqualByComparingTo("0");
        assertThat(budget.spent()).isEqualByComparingTo("0");
    }

    // ---------------------------------------------------------------- reservations

    @Test
    void fiftyConcurrentCallsOfAFifthOfTheBudgetAdmitExactlyFiveWhenEstimatesAreExact() throws Exception {
        Budget budget = routeBudget("0.001");
        Concurrent run = fiftyConcurrentCalls(budget, Usage.of(5, 7)); // $0.0002 each, as estimated

        assertThat(run.admitted).isEqualTo(5);
        assertThat(run.refused).isEqualTo(45);
        assertThat(budget.spent()).isEqualByComparingTo("0.001");
        assertThat(budget.reserved()).isEqualByComparingTo("0");
        assertThat(ledger.snapshot().route("default").requests()).isEqualTo(5);
    }

    @Test
    void underestimatedCallsOvershootByAtMostTheEstimationErrorOfTheCallsInFlight() throws Exception {
        Budget budget = routeBudget("0.001");
        // 5 in, 12 out: $0.0003 each against an estimate of $0.0002
        Concurrent run = fiftyConcurrentCalls(budget, Usage.of(5, 12));

        BigDecimal bound = new BigDecimal("0.0001").multiply(BigDecimal.valueOf(run.admitted));
        assertThat(run.admitted).isBetween(1, 5);
        assertThat(budget.spent().subtract(budget.limit().amount())).isLessThanOrEqualTo(bound);
        assertThat(budget.reserved()).isEqualByComparingTo("0");
    }

    private record Concurrent(int admitted, int refused) {}

    /**
     * Fifty calls through a route with {@code budget}, all in flight at once: each admitted call waits in the
     * provider until every call has been admitted or refused, then answers with {@code usage}.
     */
    private Concurrent fiftyConcurrentCalls(Budget budget, Usage usage) throws Exception {
        CountDownLatch decided = new CountDownLatch(50);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(answerUsing(usage)).onCall(() -> {
            admitted.incrementAndGet();
            decided.countDown();
            await(answer);
        });
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget).build();
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(pool.submit(() -> {
                try {
                    route.chat(EXACT);
                } catch (BudgetExceededException e) {
                    refused.incrementAndGet();
                    decided.countDown();
                }
            }));
        }
        assertThat(decided.await(10, TimeUnit.SECONDS)).isTrue();
        BigDecimal heldWhileInFlight = budget.reserved();
        answer.countDown();
        for (Future<?> f : calls) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(heldWhileInFlight).isEqualByComparingTo(new BigDecimal("0.0002").multiply(BigDecimal.valueOf(admitted.get())));
        return new Concurrent(admitted.get(), refused.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReservationIsReleasedWhenTheCallFails() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).failing(ErrorKind.SERVER);
        Budget budget = routeBudget("0.0002");
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget)
                .retry(RetryPolicy.none()).build();

        catchThrowableOfType(() -> route.chat(EXACT), LlmException.class);
        raw.then(answerUsing(Usage.of(5, 7)));
        String after = route.chat(EXACT).text();

        assertThat(after).isEqualTo("ok"); // the failed call's $0.0002 was given back, or this one would not fit
        assertThat(budget.spent()).isEqualByComparingTo("0.0002");
        assertThat(budget.reserved()).isEqualByComparingTo("0");
    }

    @Test
    void settlingReplacesTheEstimateWithTheActualCost() {
        // Estimated at $0.0002 with max-output-tokens 7; it really used 5 in and 2 out: 60 + 40 = $0.0001.
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(answerUsing(Usage.of(5, 2)));
        Budget budget = routeBudget("0.0005");
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget).build();

        route.chat(EXACT);
        BigDecimal spentAfterOne = budget.spent();
        route.chat(EXACT);
        route.chat(EXACT);
        route.chat(EXACT); // $0.0003 spent + $0.0002 estimated fits $0.0005 exactly

        BudgetExceededException fifth = catchThrowableOfType(() -> route.chat(EXACT), BudgetExceededException.class);

        assertThat(spentAfterOne).isEqualByComparingTo("0.0001");
        assertThat(budget.spent()).isEqualByComparingTo("0.0004");
        assertThat(budget.reserved()).isEqualByComparingTo("0");
        assertThat(fifth.getMessage()).contains("$0.0004 spent and $0 held by calls in flight of $0.0005");
        assertThat(raw.calls()).isEqualTo(4);
    }

    @Test
    void aCallWhoseEstimateDoesNotFitIsRefusedSayingWhatIsSpentAndHeld() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(answerUsing(Usage.of(5, 7)));
        Budget budget = routeBudget("0.0003");
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget).build();
        route.chat(EXACT);

        BudgetExceededException e = catchThrowableOfType(() -> route.chat(EXACT), BudgetExceededException.class);

        assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA);
        assertThat(e.code()).contains(BudgetExceededException.CODE);
        assertThat(e.getMessage()).isEqualTo("default: budget_exceeded: the budget of route default cannot cover this"
                + " call: $0.0002 spent and $0 held by calls in flight of $0.0003 per 1d; this call is estimated at"
                + " $0.0002; it resets at 2025-03-02T00:00:00Z");
        assertThat(raw.calls()).isEqualTo(1);
    }

    @Test
    void aBudgetRefusalDoesNotFallBackToOtherTargets() {
        ScriptedProvider first = new ScriptedProvider("openai", clock).then(answerUsing(Usage.of(5, 7)));
        ScriptedProvider second = new ScriptedProvider("backup", clock).then(answerUsing(Usage.of(5, 7)));
        Budget keyBudget = new Budget("key team-a", BudgetLimit.of("0.0003", Duration.ofDays(1)), clock);
        ledger.track(UsageLedger.Dimension.KEY, "team-a", keyBudget);
        ProviderManager route = ProviderManager.builder(metered(first)).fallback(metered(second)).name("default")
                .clock(clock).build();

        BudgetExceededException e;
        try (UsageScope key = UsageScope.key("team-a")) {
            route.chat(EXACT);
            e = catchThrowableOfType(() -> route.chat(EXACT), BudgetExceededException.class);
        }

        assertThat(e.getMessage()).contains("the budget of key team-a cannot cover this call");
        assertThat(first.calls()).isEqualTo(1);
        assertThat(second.calls()).isZero();
        assertThat(route.targetStates()).allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero());
    }

    @Test
    void aCallEstimatedAboveTheWholeAmountGoesThroughOnlyAloneOnAnUntouchedBudget() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        ScriptedProvider raw = new ScriptedProvider("openai", clock).then(answerUsing(Usage.of(5, 7))).onCall(() -> {
            inside.countDown();
            await(answer);
        });
        Budget budget = routeBudget("0.0001"); // half of one call's estimate
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).budget(budget).build();

        Future<?> alone = pool.submit(() -> route.chat(EXACT));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        BudgetExceededException concurrent = catchThrowableOfType(() -> route.chat(EXACT), BudgetExceededException.class);
        answer.countDown();
        alone.get(10, TimeUnit.SECONDS);
        BudgetExceededException after = catchThrowableOfType(() -> route.chat(EXACT), BudgetExceededException.class);

        assertThat(concurrent).isNotNull();
        assertThat(after.getMessage()).contains("is spent: $0.0002 of $0.0001");
        assertThat(raw.calls()).isEqualTo(1);
    }

    @Test
    void aHoldOutlivesTheWindowItWasTakenInAndTheCallCountsInTheWindowItEnds() {
        Budget budget = new Budget("route r", BudgetLimit.of("1", Duration.ofHours(1)), clock);
        Budget.Hold hold = budget.reserve("r", new BigDecimal("0.4"));
        clock.advance(Duration.ofHours(1));
        BigDecimal heldAfterTheWindowEnded = budget.reserved();

        budget.settle(hold, clock.instant(), dev.switchboard.api.Cost.usd("0.5"));
        budget.settle(hold, clock.instant(), dev.switchboard.api.Cost.usd("0.5"));
        budget.release(hold);

        assertThat(heldAfterTheWindowEnded).isEqualByComparingTo("0.4");
        assertThat(budget.spent()).isEqualByComparingTo("0.5");
        assertThat(budget.reserved()).isEqualByComparingTo("0");
    }
}
