package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.metering.MeteredProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a usage record says of its call besides tokens and cost: the request it served, its latency from the
 * request's start, how it ended and which providers were tried for it.
 */
@Timeout(20)
class UsageRecordFieldsTest {

    private final ManualClock clock = new ManualClock();
    private final UsageLedger ledger = new UsageLedger();
    private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

    UsageRecordFieldsTest() {
        ledger.listen(records::add);
    }

    private MeteredProvider metered(ScriptedProvider raw) {
        return MeteredProvider.builder(raw).ledger(ledger).clock(clock).defaultModel("served-model").build();
    }

    @Test
    void aCallAnsweredAfterARetryAndAFallbackNamesItsRequestEveryTryAndItsLatencyFromTheRequestStart() {
        ScriptedProvider primary = new ScriptedProvider("primary", clock).latency(Duration.ofMillis(100))
                .failing(ErrorKind.SERVER).failing(ErrorKind.SERVER);
        ScriptedProvider backup = new ScriptedProvider("backup", clock).latency(Duration.ofMillis(300))
                .answering("hello");
        ProviderManager route = ProviderManager.builder(metered(primary)).fallback(metered(backup)).name("default")
                .clock(clock).retry(RetryPolicy.exponential(1, Duration.ofMillis(50))).sleeper(clock::advance).build();

        try (UsageScope request = UsageScope.request("req_42", clock.instant()); UsageScope key = UsageScope.key("team-a")) {
            clock.advance(Duration.ofMillis(20)); // reading the request, before the route is called
            route.chat(ChatRequest.of("hi"));
        }

        assertThat(records).hasSize(1);
        UsageRecord r = records.get(0);
        assertThat(r.requestId()).isEqualTo("req_42");
        assertThat(r.key()).isEqualTo("team-a");
        assertThat(r.route()).isEqualTo("default");
        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.outcome()).isEqualTo(CallOutcome.OK);
        assertThat(r.attempts()).containsExactly("primary", "primary", "backup");
        // 20 before the route, two tries of 100 with a back-off between them, then 300
        assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(520)).isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void aFirstTryWithoutARequestScopeCountsFromTheRouteCallAndHasNoRequestId() {
        ScriptedProvider only = new ScriptedProvider("only", clock).latency(Duration.ofMillis(250)).answering("x");
        ProviderManager route = ProviderManager.builder(metered(only)).name("default").clock(clock).build();

        route.chat(ChatRequest.of("hi"));

        UsageRecord r = records.get(0);
        assertThat(r.requestId()).isEmpty();
        assertThat(r.attempts()).containsExactly("only");
        assertThat(r.latency()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aStreamClosedByItsCallerIsCancelledAndOneCutAfterContentCarriesTheFailureKind() {
        ScriptedProvider raw = new ScriptedProvider("p", clock)
                .answering("a long answer")
                .then(ScriptedProvider.Step.failAfter(Errors.error(ErrorKind.TIMEOUT, "p"),
                        new ChatEvent.Started("id", "served-model"), new ChatEvent.TextDelta("partial")));
        ProviderManager route = ProviderManager.builder(metered(raw)).name("default").clock(clock).build();

        try (UsageScope request = UsageScope.request("req_cancel", clock.instant())) {
            ChatStream s = route.stream(ChatRequest.of("hi"));
            s.next();
            clock.advance(Duration.ofSeconds(2));
            s.close();
        }
        try (UsageScope request = UsageScope.request("req_cut", clock.instant())) {
            ChatStream s = route.stream(ChatRequest.of("hi"));
            assertThat(catchThrowable(() -> {
                while (s.hasNext()) {
                    s.next();
                }
            })).isNotNull();
        }

        assertThat(records).extracting(UsageRecord::requestId).containsExactly("req_cancel", "req_cut");
        assertThat(records.get(0).outcome()).isEqualTo(CallOutcome.CANCELLED);
        assertThat(records.get(0).latency()).isEqualTo(Duration.ofSeconds(2)); // a stream's lasts until it ends
        assertThat(records.get(1).outcome().label()).isEqualTo("timeout");
    }
}
