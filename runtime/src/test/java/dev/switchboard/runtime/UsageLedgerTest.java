package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.Price;
import dev.switchboard.runtime.metering.PriceTable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.state.FailurePolicyStore;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.OnFailure;
import dev.switchboard.runtime.state.StateStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Costs on answers and streams, and the ledger that adds them up per provider, model, route and key. */
class UsageLedgerTest {

    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider openaiRaw = new ScriptedProvider("openai", clock);
    private final ScriptedProvider groqRaw = new ScriptedProvider("groq", clock);
    private final UsageLedger ledger = new UsageLedger();
    // ScriptedProvider answers as model "served-model" with 5 input and 7 output tokens.
    private final PriceTable prices = new PriceTable(Map.of(
            "openai/served-model", Price.of("100", "50", "200"),
            "text-embedding-3-small", Price.of("0.02", null, null)),
            Map.of("openai", "openai", "groq", "groq"));

    private MeteredProvider metered(ScriptedProvider p) {
        return MeteredProvider.builder(p).prices(prices).ledger(ledger).clock(clock).defaultModel("configured-model")
                .defaultEmbeddingModel("text-embedding-3-small").build();
    }

    @Test
    void anAnswerCarriesItsCostFromThePriceTable() {
        openaiRaw.answering("hello");

        ChatResponse r = metered(openaiRaw).chat(ChatRequest.of("Hi"));

        // (5 * 100 + 7 * 200) / 1e6 = 1900 / 1e6
        assertThat(r.cost()).isEqualTo(Cost.usd("0.0019"));
    }

    @Test
    void anAnswerFromAModelWithoutAPriceHasAnUnknownCostAndCountsAsUnpriced() {
        groqRaw.answering("hello");

        ChatResponse r = metered(groqRaw).chat(ChatRequest.of("Hi"));

        assertThat(r.cost()).isEqualTo(Cost.UNKNOWN);
        assertThat(ledger.snapshot().provider("groq").unpricedRequests()).isEqualTo(1);
        assertThat(ledger.snapshot().provider("groq").costUsd()).isEqualByComparingTo("0");
    }

    @Test
    void addsUpRequestsTokensAndCostPerProviderModelRouteAndKey() {
        openaiRaw.answering("hello");
        groqRaw.answering("hola");
        MeteredProvider openai = metered(openaiRaw);
        ProviderManager route = ProviderManager.builder(openai).name("default").clock(clock).build();
        ProviderManager groqFirst = ProviderManager.builder(metered(groqRaw)).name("cheap").clock(clock).build();

        try (UsageScope s = UsageScope.key("team-a")) {
            route.chat(ChatRequest.of("1"));
            route.chat(ChatRequest.of("2"));
            groqFirst.chat(ChatRequest.of("3"));
        }
        openai.chat(ChatRequest.of("direct, no key"));
        UsageSnapshot u = ledger.snapshot();

        assertThat(u.total().requests()).isEqualTo(4);
        assertThat(u.total().inputTokens()).isEqualTo(20);
        assertThat(u.total().outputTokens()).isEqualTo(28);
        assertThat(u.total().costUsd()).isEqualByComparingTo("0.0057"); // 3 priced calls of 0.0019
        assertThat(u.total().unpricedRequests()).isEqualTo(1);
        assertThat(u.providers().keySet()).containsExactly("groq", "openai");
        assertThat(u.provider("openai").requests()).isEqualTo(3);
        assertThat(u.model("openai/served-model").costUsd()).isEqualByComparingTo("0.0057");
        assertThat(u.routes().keySet()).containsExactly("cheap", "default");
        assertThat(u.route("default").requests()).isEqualTo(2);
        assertThat(u.route("default").costUsd()).isEqualByComparingTo("0.0038");
        assertThat(u.keys().keySet()).containsExactly("team-a");
        assertThat(u.key("team-a").requests()).isEqualTo(3);
        assertThat(u.key("team-a").costUsd()).isEqualByComparingTo("0.0038");
    }

    @Test
    void aStreamIsPricedAndRecordedWhenItEndsEvenWithoutCollect() {
        openaiRaw.answering("streamed");
        ProviderManager route = ProviderManager.builder(metered(openaiRaw)).name("default").clock(clock).build();

        try (ChatStream s = route.stream(ChatRequest.of("Hi"))) {
            while (s.hasNext()) {
                s.next();
            }
        }

        assertThat(ledger.snapshot().route("default").requests()).isEqualTo(1);
        assertThat(ledger.snapshot().route("default").costUsd()).isEqualByComparingTo("0.0019");
    }

    @Test
    void aCollectedStreamCarriesItsCostLikeAnAnswer() {
        openaiRaw.answering("streamed");
        ProviderManager route = ProviderManager.builder(metered(openaiRaw)).name("default").clock(clock).build();

        ChatResponse viaRoute = route.stream(ChatRequest.of("Hi")).collect();
        ChatResponse direct = metered(openaiRaw).stream(ChatRequest.of("Hi")).collect();

        assertThat(viaRoute.cost()).isEqualTo(Cost.usd("0.0019"));
        assertThat(direct.cost()).isEqualTo(Cost.usd("0.0019"));
        assertThat(ledger.snapshot().total().requests()).isEqualTo(2);
    }

    @Test
    void aStreamClosedBeforeItsEndWithoutUsageIsRecordedOnceWithEstimatedTokens() {
        openaiRaw.answering("streamed");

        ChatStream s = metered(openaiRaw).stream(ChatRequest.of("Hi"));
        s.next(); // started
        s.next(); // "streamed"
        s.close();
        s.close();

        UsageTotals t = ledger.snapshot().total();
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.estimatedRequests()).isEqualTo(1);
        assertThat(t.inputTokens()).isEqualTo(1); // "Hi": a quarter of 2 characters, rounded up
        assertThat(t.outputTokens()).isEqualTo(2); // "streamed": 8 characters
    }

    @Test
    void embeddingsArePricedByTheirInputTokensAndTheConfiguredModelWhenTheRequestNamesNone() {
        // ScriptedProvider reports one input token per text and answers with the requested model (none here).
        openaiRaw.answering("unused");
        EmbeddingResponse r = metered(openaiRaw).embed(EmbeddingRequest.of("a", "b", "c", "d"));

        // 4 * 0.02 / 1e6
        assertThat(r.cost()).isEqualTo(Cost.usd("0.00000008"));
        assertThat(ledger.snapshot().model("openai/text-embedding-3-small").inputTokens()).isEqualTo(4);
    }

    @Test
    void aKeyScopeInsideARouteKeepsTheRouteAndTheOuterRouteWins() {
        try (UsageScope key = UsageScope.key("k"); UsageScope outer = UsageScope.route("outer");
             UsageScope inner = UsageScope.route("inner")) {
            assertThat(UsageScope.current().route()).isEqualTo("outer");
            assertThat(UsageScope.current().keyName()).isEqualTo("k");
        }
        assertThat(UsageScope.current().route()).isEmpty();
        assertThat(UsageScope.current().keyName()).isEmpty();
    }

    @Test
    void totalsAreExactDecimals() {
        UsageTotals t = UsageTotals.ZERO;
        for (int i = 0; i < 10; i++) {
            t = t.plus(new UsageRecord(clock.instant(), "p", "m", "", "", dev.switchboard.api.Usage.of(1, 1),
                    Cost.usd("0.1")));
        }

        assertThat(t.costUsd()).isEqualTo(new BigDecimal("1.0"));
        assertThat(t.totalTokens()).isEqualTo(20);
    }

    @Test
    void onlyAStoreThatKeepsItsTotalsInThisProcessRecordsFreeCallsWithoutWaiting() {
        MemoryStateStore memory = new MemoryStateStore();

        assertThat(new UsageLedger(memory).recordsFreeCallsWithoutWaiting()).isTrue();
        assertThat(new UsageLedger(new FailurePolicyStore(memory, OnFailure.ALLOW)).recordsFreeCallsWithoutWaiting())
                .isTrue();
        // a store that does not say so (a server's, as redis): a record may be a round trip
        assertThat(new UsageLedger(storeNotSaying(memory, new ArrayList<>())).recordsFreeCallsWithoutWaiting())
                .isFalse();
        assertThat(new UsageLedger(new FailurePolicyStore(storeNotSaying(memory, new ArrayList<>()), OnFailure.ALLOW))
                .recordsFreeCallsWithoutWaiting()).isFalse();
    }

    @Test
    void aZeroCostAddedToABudgetAsksItsStoreNothing() {
        List<String> asked = new ArrayList<>();
        Budget budget = new Budget("route r", BudgetLimit.of("1.00", java.time.Duration.ofDays(1)), clock,
                storeNotSaying(new MemoryStateStore(), asked), "route:r");

        budget.add(clock.instant(), Cost.usd("0"));
        budget.add(clock.instant(), Cost.UNKNOWN);
        assertThat(asked).isEmpty();

        budget.add(clock.instant(), Cost.usd("0.25"));
        assertThat(asked).contains("addBudgetSpend");
    }

    /**
     * A store doing what {@code delegate} does, whose default methods are the interface's own (so it does not say it
     * records without waiting), listing the methods called on it in {@code asked}.
     */
    private static StateStore storeNotSaying(StateStore delegate, List<String> asked) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    asked.add(method.getName());
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
}
