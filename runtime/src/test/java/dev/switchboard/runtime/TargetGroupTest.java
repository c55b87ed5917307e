package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.MeteredProvider;
import dev.switchboard.runtime.metering.RateLimiter;
import dev.switchboard.runtime.routing.RouteStrategy;
import dev.switchboard.runtime.routing.TargetGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** Target groups: one member per request by weight, by calls in flight or by time to first token. */
class TargetGroupTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final ScriptedProvider azureEu = new ScriptedProvider("azure-eu", clock);
    private final ScriptedProvider azureUs = new ScriptedProvider("azure-us", clock);
    private final ScriptedProvider azureAsia = new ScriptedProvider("azure-asia", clock).answering("asia");
    private final ScriptedProvider openai = new ScriptedProvider("openai", clock).answering("openai");
    private final java.util.Set<ScriptedProvider> scripted = new java.util.HashSet<>();
    /** Seeded: the picks are the same on every run, and still a fair sample of a uniform source. */
    private final Random seeded = new Random(17);
    private final DoubleSupplier random = seeded::nextDouble;

    /** A provider answering unless the test scripted it otherwise before its first call. */
    private static TargetGroup.Member member(Object provider, double weight) {
        return new TargetGroup.Member(new ProviderManager.Target((dev.switchboard.api.LlmProvider) provider, null), weight);
    }

    private ProviderManager.Builder route(RouteStrategy strategy, TargetGroup.Member... members) {
        if (azureEu.calls() == 0 && !scripted.contains(azureEu)) {
            azureEu.answering("eu");
        }
        if (azureUs.calls() == 0 && !scripted.contains(azureUs)) {
            azureUs.answering("us");
        }
        return ProviderManager.builder().name("default").group(strategy, List.of(members)).clock(clock).sleeper(sleeper)
                .random(random).retry(RetryPolicy.none()).cooldown(new CooldownPolicy(1, Duration.ofMinutes(5)));
    }

    private static Map<String, Integer> answers(ProviderManager route, int n) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < n; i++) {
            count.merge(route.chat(ChatRequest.of("Hi " + i)).provider(), 1, Integer::sum);
        }
        return count;
    }

    @Test
    void weightsAreRespectedWithinStatisticalBoundsOver10000Picks() {
        ProviderManager route = route(RouteStrategy.WEIGHTED, member(azureEu, 5), member(azureUs, 3),
                member(azureAsia, 2)).build();

        Map<String, Integer> count = answers(route, 10_000);

        // n p (1 - p) is at most 2,500: a standard deviation of at most 50 picks; 4 deviations either side
        assertThat(count.get("azure-eu")).isBetween(5_000 - 200, 5_000 + 200);
        assertThat(count.get("azure-us")).isBetween(3_000 - 200, 3_000 + 200);
        assertThat(count.get("azure-asia")).isBetween(2_000 - 200, 2_000 + 200);
        assertThat(azureEu.calls() + azureUs.calls() + azureAsia.calls()).isEqualTo(10_000);
    }

    @Test
    void fractionalWeightsAreRespectedWithinStatisticalBoundsOver10000Picks() {
        ProviderManager route = route(RouteStrategy.WEIGHTED, member(azureEu, 1.5), member(azureUs, 1)).build();

        Map<String, Integer> count = answers(route, 10_000);

        // 1.5 against 1: 60% and 40%; n p (1 - p) = 2,400, a standard deviation of 49 picks; 4 deviations either side
        assertThat(count.get("azure-eu")).isBetween(6_000 - 200, 6_000 + 200);
        assertThat(count.get("azure-us")).isBetween(4_000 - 200, 4_000 + 200);
        assertThat(route.toString()).isEqualTo("route default [weighted(azure-eu*1.5, azure-us)]");
    }

    @Test
    void leastBusyFollowsTheCallsInFlight() {
        ProviderManager route = route(RouteStrategy.LEAST_BUSY, member(azureEu, 1), member(azureUs, 1),
                member(azureAsia, 1)).build();

        // three open streams: each goes to a member with none in flight
        List<ChatStream> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(route.stream(ChatRequest.of("Hi " + i)));
        }
        assertThat(open).extracting(ChatStream::provider).containsExactlyInAnyOrder("azure-eu", "azure-us", "azure-asia");
        assertThat(route.targetStats().values()).allSatisfy(s -> assertThat(s.inFlight()).isEqualTo(1));

        // a second stream on azure-us: azure-us is now the busiest, so the next two calls avoid it
        ChatStream us = open.stream().filter(s -> s.provider().equals("azure-us")).findFirst().orElseThrow();
        ChatStream eu = open.stream().filter(s -> s.provider().equals("azure-eu")).findFirst().orElseThrow();
        eu.close();
        assertThat(route.chat(ChatRequest.of("now")).provider()).isEqualTo("azure-eu");
        open.add(route.stream(ChatRequest.of("next")));
        assertThat(open.get(3).provider()).isEqualTo("azure-eu");
        eu = open.get(3);

        // drained streams count as ended too, closed or not
        us.collect();
        while (eu.hasNext()) {
            eu.next();
        }
        assertThat(route.targetStats().get(new ProviderManager.Target(azureUs, null)).inFlight()).isZero();
        assertThat(route.targetStats().get(new ProviderManager.Target(azureEu, null)).inFlight()).isZero();
        assertThat(route.targetStats().get(new ProviderManager.Target(azureAsia, null)).inFlight()).isEqualTo(1);
        Map<String, Integer> count = answers(route, 50);
        assertThat(count).doesNotContainKey("azure-asia"); // still busy with its open stream
    }

    @Test
    void latencyFollowsAMemberWhoseFirstTokenBecomesSlowAndComesBack() {
        azureEu.latency(Duration.ofMillis(100));
        azureUs.latency(Duration.ofMillis(300));
        ProviderManager route = route(RouteStrategy.LATENCY, member(azureEu, 1), member(azureUs, 1)).build();

        // azure-eu is faster: it gets most streams, azure-us is still measured now and then
        Map<String, Integer> fast = streamAnswers(route, 500);
        assertThat(fast.get("azure-eu")).isGreaterThan(400);
        assertThat(fast.get("azure-us")).isGreaterThan(10);

        // azure-eu's first token becomes slow: the traffic moves to azure-us
        azureEu.latency(Duration.ofMillis(900));
        Map<String, Integer> slow = streamAnswers(route, 500);
        assertThat(slow.get("azure-us")).isGreaterThan(400);
        assertThat(slow.get("azure-eu")).isGreaterThan(10); // explored, never starved

        // azure-eu is fast again: the exploration notices and the traffic comes back
        azureEu.latency(Duration.ofMillis(100));
        streamAnswers(route, 200); // a few explorations measure azure-eu fast again
        Map<String, Integer> back = streamAnswers(route, 500);
        assertThat(back.get("azure-eu")).isGreaterThan(400);
        assertThat(route.targetStats().get(new ProviderManager.Target(azureEu, null)).latency())
                .isLessThan(Duration.ofMillis(300));
    }

    private static Map<String, Integer> streamAnswers(ProviderManager route, int n) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < n; i++) {
            try (ChatStream s = route.stream(ChatRequest.of("Hi " + i))) {
                count.merge(s.collect().provider(), 1, Integer::sum);
            }
        }
        return count;
    }

    @Test
    void aMemberCoolingDownIsSkippedWithoutARequest() {
        azureEu.failing(ErrorKind.SERVER);
        scripted.add(azureEu);
        ProviderManager route = route(RouteStrategy.WEIGHTED, member(azureEu, 1), member(azureUs, 1)).fallback(openai)
                .build();
        // the first call azure-eu gets fails and opens its cooldown; the route falls back to openai
        while (azureEu.calls() == 0) {
            route.chat(ChatRequest.of("Hi"));
        }
        int sent = azureEu.calls();

        List<ChatResponse> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(route.chat(ChatRequest.of("Hi " + i)));
        }

        assertThat(azureEu.calls()).isEqualTo(sent);
        assertThat(answers).extracting(ChatResponse::provider).containsOnly("azure-us");
        assertThat(answers).filteredOn(r -> r.attempts().size() == 2).isNotEmpty()
                .allSatisfy(r -> assertThat(r.attempts().get(0).outcome()).isEqualTo(Attempt.Outcome.SKIPPED_COOLDOWN));
    }

    @Test
    void aMemberOverItsRateLimitIsSkippedWithoutARequest() {
        MeteredProvider limited = MeteredProvider.builder(azureEu)
                .limiter(new RateLimiter("azure-eu", LimitPolicy.perMinute(2, 0), clock)).clock(clock).sleeper(sleeper)
                .build();
        ProviderManager route = route(RouteStrategy.WEIGHTED, member(limited, 9), member(azureUs, 1)).fallback(openai)
                .build();

        Map<String, Integer> count = answers(route, 100);

        assertThat(azureEu.calls()).isEqualTo(2);
        assertThat(count).containsEntry("azure-eu", 2).containsEntry("azure-us", 98).doesNotContainKey("openai");
    }

    @Test
    void aMemberFailingWithARetryableKindHandsTheRequestToItsSiblingsThenToTheNextElement() {
        azureEu.failing(ErrorKind.SERVER);
        azureUs.failing(ErrorKind.SERVER);
        scripted.add(azureEu);
        scripted.add(azureUs);
        ProviderManager route = route(RouteStrategy.WEIGHTED, member(azureEu, 1), member(azureUs, 1)).fallback(openai)
                .build();

        ChatResponse r = route.chat(ChatRequest.of("Hi"));

        assertThat(r.provider()).isEqualTo("openai");
        assertThat(azureEu.calls()).isEqualTo(1);
        assertThat(azureUs.calls()).isEqualTo(1);
        assertThat(r.attempts()).extracting(Attempt::provider).containsExactlyInAnyOrder("azure-eu", "azure-us", "openai");
        assertThat(r.attempts().get(2).provider()).isEqualTo("openai");
        assertThat(route.toString()).isEqualTo("route default [weighted(azure-eu, azure-us), openai]");
    }

    @Test
    void aMemberWhoseKeyIsRefusedHandsTheRequestToTheNextElementNotToASibling() {
        azureEu.failing(ErrorKind.AUTHENTICATION);
        azureUs.failing(ErrorKind.AUTHENTICATION);
        scripted.add(azureEu);
        scripted.add(azureUs);
        ProviderManager route = route(RouteStrategy.WEIGHTED, member(azureEu, 1), member(azureUs, 1)).fallback(openai)
                .build();

        ChatResponse r = route.chat(ChatRequest.of("Hi"));

        assertThat(r.provider()).isEqualTo("openai");
        assertThat(azureEu.calls() + azureUs.calls()).isEqualTo(1);
        assertThat(r.attempts()).hasSize(2);
    }
}
