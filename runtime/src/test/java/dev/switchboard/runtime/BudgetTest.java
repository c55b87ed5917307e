package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.Price;
import dev.switchboard.runtime.metering.PriceTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Cost;
import dev.switchboard.api.ErrorKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetTest {

    private final ManualClock clock = new ManualClock(); // 2025-03-01T12:00:00Z

    @Test
    void periodsAreWindowsAlignedToTheEpochAndRollOverToZero() {
        Budget daily = new Budget("route default", BudgetLimit.of("5.00", Duration.ofDays(1)), clock);
        daily.add(clock.instant(), Cost.usd("3.00"));
        daily.add(clock.instant(), Cost.usd("2.50"));

        boolean exceededBefore = daily.exceeded();
        Instant resets = daily.resetsAt();
        clock.advance(Duration.ofHours(11).plusMinutes(59));
        boolean stillExceeded = daily.exceeded();
        clock.advance(Duration.ofMinutes(1));

        assertThat(exceededBefore).isTrue();
        assertThat(resets).isEqualTo(Instant.parse("2025-03-02T00:00:00Z"));
        assertThat(stillExceeded).isTrue();
        assertThat(daily.exceeded()).isFalse();
        assertThat(daily.spent()).isEqualByComparingTo("0");
        assertThat(daily.resetsAt()).isEqualTo(Instant.parse("2025-03-03T00:00:00Z"));
    }

    @Test
    void aBudgetThatRefusedACallIsExceededUntilItsWindowEndsThoughSomethingIsLeft() {
        Budget daily = new Budget("key team-a", BudgetLimit.of("1.00", Duration.ofDays(1)), clock);
        daily.add(clock.instant(), Cost.usd("0.99"));
        boolean before = daily.exceeded();
        Instant refusedAt = clock.instant();

        catchThrowableOfType(() -> daily.reserve("team-a", new java.math.BigDecimal("0.05")),
                BudgetExceededException.class); // $0.01 left cannot hold a $0.05 call
        boolean afterRefusal = daily.exceeded();
        clock.advance(Duration.ofHours(12)); // the next day's window
        boolean nextWindow = daily.exceeded();

        assertThat(before).isFalse();
        assertThat(afterRefusal).isTrue();
        assertThat(nextWindow).isFalse();
        assertThat(daily.lastRefusal()).isEmpty();
        catchThrowableOfType(() -> { daily.add(clock.instant(), Cost.usd("0.99"));
            daily.reserve("team-a", new java.math.BigDecimal("0.05")); }, BudgetExceededException.class);
        assertThat(daily.lastRefusal()).contains(clock.instant());
        daily.reset();
        assertThat(daily.exceeded()).isFalse();
        assertThat(refusedAt).isBefore(clock.instant());
    }

    @Test
    void anHourlyBudgetResetsAtTheNextFullHour() {
        clock.advance(Duration.ofMinutes(25));
        Budget hourly = new Budget("key team-a", BudgetLimit.of("1", Duration.ofHours(1)), clock);

        assertThat(hourly.resetsAt()).isEqualTo(Instant.parse("2025-03-01T13:00:00Z"));
    }

    @Test
    void onlyKnownCostsAndCostsOfTheCurrentWindowCount() {
        Budget b = new Budget("route r", BudgetLimit.of("1", Duration.ofHours(1)), clock);
        b.add(clock.instant(), Cost.UNKNOWN);
        b.add(clock.instant().minus(Duration.ofHours(2)), Cost.usd("0.5")); // before the window: a late record
        b.add(clock.instant(), Cost.usd("0.25"));

        assertThat(b.spent()).isEqualByComparingTo("0.25");
    }

    @Test
    void aRouteOverBudgetFailsWithQuotaSayingWhatWasSpentAndWhenItResets() {
        ScriptedProvider raw = new ScriptedProvider("openai", clock).answering("hello"); // 5 in, 7 out
        UsageLedger ledger = new UsageLedger();
        PriceTable prices = new PriceTable(Map.of("served-model", Price.of("100", null, "100")), Map.of());
        MeteredProvider openai = MeteredProvider.builder(raw).prices(prices).ledger(ledger).clock(clock).build();
        Budget budget = new Budget("route default", BudgetLimit.of("0.0024", Duration.ofDays(1)), clock);
        ledger.track(UsageLedger.Dimension.ROUTE, "default", budget);
        ProviderManager route = ProviderManager.builder(openai).name("default").clock(clock).budget(budget).build();
        route.chat(ChatRequest.of("1")); // (5 + 7) * 100 / 1e6 = 0.0012
        route.chat(ChatRequest.of("2"));
        openai.chat(ChatRequest.of("a direct call is not the route's"));

        BudgetExceededException e = catchThrowableOfType(() -> route.chat(ChatRequest.of("3")),
                BudgetExceededException.class);
        clock.advance(Duration.ofHours(12));
        String afterReset = route.chat(ChatRequest.of("4")).text();

        assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA);
        assertThat(e.code()).contains("budget_exceeded");
        assertThat(e.getMessage()).isEqualTo("default: budget_exceeded: the budget of route default is spent:"
                + " $0.0024 of $0.0024 per 1d; it resets at 2025-03-02T00:00:00Z");
        assertThat(e.retryAfter()).contains(Duration.ofHours(12));
        assertThat(e.resetsAt()).isEqualTo(Instant.parse("2025-03-02T00:00:00Z"));
        assertThat(raw.calls()).isEqualTo(4);
        assertThat(afterReset).isEqualTo("hello");
    }

    @Test
    void aRouteCopyForAnotherModelSharesTheBudget() {
        Budget budget = new Budget("route default", BudgetLimit.of("1", Duration.ofDays(1)), clock);
        ProviderManager route = ProviderManager.builder(new ScriptedProvider("p", clock)).name("default").budget(budget)
                .build();

        assertThat(route.withModel("other").budget()).containsSame(budget);
    }
}
