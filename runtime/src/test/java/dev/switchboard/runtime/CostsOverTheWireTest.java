package dev.switchboard.runtime;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.testkit.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Switchboard over two OpenAI-type providers answering from a local stub: costs from the shipped price table,
 * limits from the configuration, and the provider's own rate-limit headers.
 */
class CostsOverTheWireTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private Switchboard sb;

    @BeforeEach
    void start() {
        upstream.start();
    }

    @AfterEach
    void stop() {
        if (sb != null) {
            sb.close();
        }
        upstream.stop();
    }

    private Switchboard switchboard(String... extra) {
        String base = "http://127.0.0.1:" + upstream.port();
        String hocon = String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"test-key-not-real\","
                        + " model = gpt-4o-mini, embedding-model = text-embedding-ada-002 }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"test-key-not-real\","
                        + " model = gpt-4o }",
                "  }",
                "  routes.default.targets = [ primary, backup ]",
                "  route-defaults.retry.max-retries = 0",
                String.join("\n", extra),
                "}");
        sb = Switchboard.builder().config(hocon).env(Map.of()).clock(clock).sleeper(sleeper).build();
        return sb;
    }

    private void answers(String path, String fixture) {
        upstream.stubFor(post(path).willReturn(okJson(Fixtures.load("fixtures/openai/" + fixture))));
    }

    @Test
    void anAnswerCostsWhatTheShippedTableSaysForItsTokens() {
        answers(PRIMARY_CHAT, "chat-completion-cached.json");

        ChatResponse r = switchboard().defaultRoute().chat(ChatRequest.of("Hello!"));

        // gpt-4o-mini-2024-07-18 is priced as gpt-4o-mini: 0.15 input, 0.075 cached input, 0.60 output per million.
        // (2006 - 1920) * 0.15 + 1920 * 0.075 + 300 * 0.60 = 12.9 + 144 + 180 = 336.9 per million
        assertThat(r.cost()).isEqualTo(Cost.usd("0.0003369"));
        assertThat(sb.ledger().snapshot().model("primary/gpt-4o-mini-2024-07-18").costUsd())
                .isEqualByComparingTo("0.0003369");
    }

    @Test
    void aDirectCallToAProviderIsPricedAndRecordedToo() {
        answers(BACKUP_CHAT, "chat-completion.json");

        ChatResponse r = switchboard().provider("backup").chat(ChatRequest.of("Hello!"));

        // gpt-4.1-2025-04-14 as gpt-4.1: 19 * 2.00 + 10 * 8.00 = 118 per million
        assertThat(r.cost()).isEqualTo(Cost.usd("0.000118"));
        assertThat(sb.ledger().snapshot().provider("backup").requests()).isEqualTo(1);
        assertThat(sb.ledger().snapshot().routes()).isEmpty();
    }

    @Test
    void aStreamIsPricedOnCollectAndRecordedWhenDrained() {
        upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        Switchboard s = switchboard();

        ChatResponse collected = s.defaultRoute().stream(ChatRequest.of("Weather?")).collect();
        try (ChatStream drained = s.defaultRoute().stream(ChatRequest.of("Weather?"))) {
            while (drained.hasNext()) {
                drained.next();
            }
        }

        // gpt-4o-2024-08-06 as gpt-4o: 14 * 2.50 + 47 * 10.00 = 505 per million
        assertThat(collected.cost()).isEqualTo(Cost.usd("0.000505"));
        assertThat(s.ledger().snapshot().route("default").requests()).isEqualTo(2);
        assertThat(s.ledger().snapshot().route("default").costUsd()).isEqualByComparingTo("0.00101");
    }

    @Test
    void embeddingsArePriced() {
        upstream.stubFor(post("/primary/v1/embeddings").willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));

        var r = switchboard().provider("primary").embed(EmbeddingRequest.of("The food was delicious"));

        // text-embedding-ada-002: 8 tokens at 0.10 per million
        assertThat(r.cost()).isEqualTo(Cost.usd("0.0000008"));
    }

    @Test
    void aFirstProviderLimitedToNRequestsPerMinuteGetsExactlyNAndTheBackupTheRest() {
        answers(PRIMARY_CHAT, "chat-completion.json");
        answers(BACKUP_CHAT, "chat-completion.json");
        ProviderManager route = switchboard("providers.primary.limits.requests-per-minute = 2").defaultRoute();

        for (int i = 0; i < 5; i++) {
            route.chat(ChatRequest.of("Hello " + i));
        }

        upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        upstream.verify(3, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
        assertThat(sb.ledger().snapshot().provider("primary").requests()).isEqualTo(2);
        assertThat(sb.ledger().snapshot().provider("backup").requests()).isEqualTo(3);
    }

    @Test
    void aProviderSayingNoRequestsRemainIsHeldUntilItsResetWithoutBeingAsked() {
        upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))
                .withHeader("x-ratelimit-limit-requests", "10000")
                .withHeader("x-ratelimit-remaining-requests", "0")
                .withHeader("x-ratelimit-reset-requests", "20s")));
        answers(BACKUP_CHAT, "chat-completion.json");
        ProviderManager route = switchboard().defaultRoute();

        String first = route.chat(ChatRequest.of("1")).provider();
        String second = route.chat(ChatRequest.of("2")).provider();
        clock.advance(java.time.Duration.ofSeconds(20));
        String third = route.chat(ChatRequest.of("3")).provider();

        assertThat(first).isEqualTo("primary");
        assertThat(second).isEqualTo("backup");
        assertThat(third).isEqualTo("primary");
        upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void aProvider429WithRetryAfterHoldsItForTheNextCalls() {
        upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withHeader("retry-after", "30")
                .withBody(Fixtures.load("fixtures/openai/error-429-rate-limit.json"))));
        answers(BACKUP_CHAT, "chat-completion.json");
        ProviderManager route = switchboard("route-defaults.cooldown.failure-threshold = 100").defaultRoute();

        route.chat(ChatRequest.of("1"));
        ChatResponse second = route.chat(ChatRequest.of("2"));

        upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        assertThat(second.attempts().get(0).errorKind()).contains(ErrorKind.RATE_LIMIT);
        assertThat(second.attempts().get(0).outcome()).isEqualTo(dev.switchboard.api.Attempt.Outcome.SKIPPED_LOCAL_LIMIT);
        assertThat(second.attempts().get(0).error().orElseThrow()).contains("no request was sent");
    }

    @Test
    void aRouteOverItsBudgetFailsWithQuota() {
        answers(PRIMARY_CHAT, "chat-completion-cached.json"); // $0.0003369 a call
        ProviderManager route = switchboard("routes.default.budget { amount = 0.0005, period = 1h }").defaultRoute();
        route.chat(ChatRequest.of("1"));
        route.chat(ChatRequest.of("2"));

        BudgetExceededException e = catchThrowableOfType(() -> route.chat(ChatRequest.of("3")),
                BudgetExceededException.class);

        assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA);
        assertThat(e.getMessage()).contains("spent: $0.0006738 of $0.0005 per 1h; it resets at 2025-03-01T13:00:00Z");
        upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }
}
