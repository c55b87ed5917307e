package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Cost;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.metering.Budget;
import dev.switchboard.runtime.metering.BudgetLimit;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.RateLimiter;
import dev.switchboard.runtime.state.MemoryStateStore;
import dev.switchboard.runtime.state.StateStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two "instances" (each with its own providers, limiters, budgets and routes) over one {@link StateStore} enforce one
 * limit, one budget and one cooldown: what a shared backend gives many gateway processes, shown with the memory
 * store that every backend must behave like.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedStateTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final StateStore shared = new MemoryStateStore();

    private final class Instance {
        final ScriptedProvider primary = new ScriptedProvider("primary", clock);
        final ScriptedProvider backup = new ScriptedProvider("backup", clock);
        final ProviderManager route;
        final Budget budget = new Budget("route default", BudgetLimit.of("1.00", Duration.ofDays(1)), clock, shared,
                "route:default");

        Instance(LimitPolicy primaryLimits) {
            MeteredProvider p = MeteredProvider.builder(primary)
                    .limiter(new RateLimiter("primary", primaryLimits, clock, shared, "provider:primary"))
                    .clock(clock).sleeper(sleeper).build();
            MeteredProvider b = MeteredProvider.builder(backup).clock(clock).sleeper(sleeper).build();
            route = ProviderManager.builder(p).fallback(b).name("default").state(shared, "route:default")
                    .clock(clock).sleeper(sleeper).random(() -> 0.5).retry(RetryPolicy.none())
                    .cooldown(new CooldownPolicy(1, Duration.ofMinutes(5))).build();
        }
    }

    @Test
    void aProviderLimitedToThreePerMinuteGetsThreeCallsFromBothInstancesTogether() {
        Instance a = new Instance(LimitPolicy.perMinute(3, 0));
        Instance b = new Instance(LimitPolicy.perMinute(3, 0));
        for (int i = 0; i < 10; i++) {
            a.primary.answering("a");
            a.backup.answering("a backup");
            b.primary.answering("b");
            b.backup.answering("b backup");
        }

        for (int i = 0; i < 5; i++) {
            a.route.chat(ChatRequest.of("Hi " + i));
            b.route.chat(ChatRequest.of("Hi " + i));
        }

        assertThat(a.primary.calls() + b.primary.calls()).isEqualTo(3);
        assertThat(a.backup.calls() + b.backup.calls()).isEqualTo(7);
    }

    @Test
    void aBudgetSpentThroughOneInstanceRefusesOnTheOtherUntilAResetOnTheFirst() {
        Instance a = new Instance(LimitPolicy.NONE);
        Instance b = new Instance(LimitPolicy.NONE);
        a.budget.add(clock.instant(), Cost.usd("1.00"));

        assertThatThrownBy(() -> b.budget.check("default")).isInstanceOf(BudgetExceededException.class);
        a.budget.reset();

        b.budget.check("default"); // admitted
        assertThat(b.budget.spent()).isZero();
    }

    @Test
    void aCooldownOpenedByOneInstanceIsHonouredByTheOther() {
        Instance a = new Instance(LimitPolicy.NONE);
        Instance b = new Instance(LimitPolicy.NONE);
        a.primary.failing(ErrorKind.SERVER);
        a.backup.answering("a backup");
        b.primary.answering("never asked");
        b.backup.answering("b backup");

        a.route.chat(ChatRequest.of("Hi"));
        String answeredOnB = b.route.chat(ChatRequest.of("Hi")).provider();

        assertThat(b.route.targetStates().get(0).state()).isEqualTo(CircuitState.OPEN);
        assertThat(b.primary.calls()).isZero();
        assertThat(answeredOnB).isEqualTo("backup");
    }

    @Test
    void theLedgerOfEitherInstanceShowsBothInstancesCalls() {
        UsageLedger onA = new UsageLedger(shared);
        UsageLedger onB = new UsageLedger(shared);
        onA.record(new UsageRecord(clock.instant(), "primary", "m", "default", "team-a",
                dev.switchboard.api.Usage.of(10, 5), Cost.usd("0.25")));
        onB.record(new UsageRecord(clock.instant(), "primary", "m", "default", "team-a",
                dev.switchboard.api.Usage.of(1, 1), Cost.usd("0.5")));

        assertThat(onA.snapshot().total().requests()).isEqualTo(2);
        assertThat(onB.snapshotOfKey("team-a").total().costUsd()).isEqualByComparingTo("0.75");
    }
}
