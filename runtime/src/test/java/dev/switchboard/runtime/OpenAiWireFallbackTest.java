package dev.switchboard.runtime;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.provider.openai.OpenAiProviderFactory;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route over two real OpenAI providers talking HTTP to local servers. */
class OpenAiWireFallbackTest {

    private static final String CHAT = "/v1/chat/completions";

    private final WireMockServer primary = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final WireMockServer secondary = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private HttpTransport transport;

    @BeforeEach
    void start() {
        primary.start();
        secondary.start();
        transport = HttpTransport.create();
    }

    @AfterEach
    void stop() {
        transport.close();
        primary.stop();
        secondary.stop();
    }

    private LlmProvider openai(String name, WireMockServer server) {
        return new OpenAiProviderFactory().create(ProviderSettings.builder(name, "openai")
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("test-key-not-real")
                .model("gpt-4o-mini")
                .build(), ProviderContext.of(transport));
    }

    @Test
    void fallsBackToTheSecondaryAfterWaitingThePrimarysRetryHint() {
        primary.stubFor(post(CHAT).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("retry-after", "1")
                .withBody(Fixtures.load("fixtures/openai/error-429-rate-limit.json"))));
        secondary.stubFor(post(CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        ManualClock clock = new ManualClock();
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        ProviderManager route = ProviderManager.builder(openai("primary", primary)).fallback(openai("secondary", secondary))
                .name("default").clock(clock).sleeper(sleeper).random(() -> 0.5)
                .retry(new RetryPolicy(1, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0)).build();

        ChatResponse r = route.chat(ChatRequest.of("Hello!"));

        assertThat(r.text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(r.provider()).isEqualTo("secondary");
        assertThat(r.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(Usage.of(19, 10));
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null)).containsExactly(
                org.assertj.core.groups.Tuple.tuple("primary", ErrorKind.RATE_LIMIT),
                org.assertj.core.groups.Tuple.tuple("primary", ErrorKind.RATE_LIMIT),
                org.assertj.core.groups.Tuple.tuple("secondary", null));
        assertThat(r.attempts().get(0).error().orElseThrow()).startsWith("HTTP 429 rate_limit_exceeded: Rate limit reached for gpt-4o-mini")
                .doesNotContain("test-key-not-real");
        primary.verify(2, postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer test-key-not-real")));
        secondary.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }
}
