package dev.switchboard.runtime;

import dev.switchboard.runtime.routing.ResumePrefix;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.provider.openai.OpenAiProviderFactory;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.ResponseLimits;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route over two real OpenAI providers on local servers, the first of which answers more than its
 * {@link ResponseLimits} allow: before any content the route falls back to the second, after content it resumes with
 * the second, repeating at most {@code resume-prefix-chars} of the delivered text.
 */
@Timeout(20)
class OversizedUpstreamFailoverTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final ResponseLimits SMALL = new ResponseLimits(64 * 1024, 8 * 1024, 64 * 1024);
    private static final String ANSWER_START = "I'm unable to provide real-time updates";

    private final WireMockServer primary = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final WireMockServer secondary = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private HttpTransport transport;

    @BeforeEach
    void start() {
        primary.start();
        secondary.start();
        transport = HttpTransport.create();
        secondary.stubFor(post(CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
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
                .responseLimits(SMALL)
                .build(), ProviderContext.of(transport));
    }

    private ProviderManager.Builder route() {
        return ProviderManager.builder(openai("primary", primary)).fallback(openai("secondary", secondary))
                .name("default").clock(new ManualClock()).sleeper(new RecordingSleeper(new ManualClock()))
                .retry(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 1.0)).cooldown(CooldownPolicy.disabled());
    }

    private static String event(String content) {
        return "data: {\"id\":\"chatcmpl-big\",\"object\":\"chat.completion.chunk\",\"created\":1723024748,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    private void primaryStreams(String body) {
        primary.stubFor(post(CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(body)));
    }

    /** The assistant message the secondary was asked to continue. */
    private String prefixSentToSecondary() {
        JsonNode sent = Json.parse(secondary.getAllServeEvents().get(0).getRequest().getBodyAsString(), "request");
        JsonNode messages = sent.get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.get("role").asText()).isEqualTo("assistant");
        return last.get("content").asText();
    }

    @Test
    void aHugeLineBeforeAnyContentFallsBackToTheNextTargetUnseen() {
        primaryStreams("data: {\"id\":\"" + "x".repeat(20_000) + "\"}\n\n");

        ChatResponse r = route().build().stream(ChatRequest.of("Weather?")).collect();

        assertThat(r.text()).startsWith(ANSWER_START);
        assertThat(r.provider()).isEqualTo("secondary");
        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("primary", ErrorKind.SERVER), tuple("secondary", null));
        assertThat(r.attempts().get(0).error().orElseThrow()).contains("limits.max-line-bytes (8KiB)");
        primary.verify(1, postRequestedFor(urlEqualTo(CHAT))); // not retried: it would send the same again
    }

    @Test
    void aHugeLineAfterContentIsResumedWithTheLastResumePrefixCharsOfTheText() {
        StringBuilder body = new StringBuilder();
        StringBuilder delivered = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            String piece = i + ":" + "w".repeat(97) + " ";
            body.append(event(piece));
            delivered.append(piece);
        }
        body.append("data: {\"id\":\"chatcmpl-big\",\"choices\":[{\"delta\":{\"content\":\"").append("z".repeat(20_000));
        primaryStreams(body.toString());

        ChatResponse r = route().resumePrefixChars(1000).build().stream(ChatRequest.of("Weather?")).collect();

        assertThat(r.text()).startsWith(delivered + ANSWER_START);
        // the last 1000 characters, less the trailing space no final assistant message may end with
        assertThat(prefixSentToSecondary()).hasSize(999).isEqualTo(delivered.substring(delivered.length() - 1000).stripTrailing());
        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("primary", null), tuple("primary", ErrorKind.SERVER), tuple("secondary", null));
        assertThat(r.attempts().get(1).error().orElseThrow()).startsWith("mid-stream: ").contains("limits.max-line-bytes");
    }

    @Test
    void aStreamThatWillNotEndStopsAtMaxStreamBytesAndResumesWithABoundedPrefix() {
        StringBuilder body = new StringBuilder();
        String piece = "v".repeat(100);
        for (int i = 0; i < 400; i++) { // about 90 KiB of valid events and no end marker: past the 64 KiB limit
            body.append(event(piece));
        }
        primaryStreams(body.toString());

        ChatResponse r = route().build().stream(ChatRequest.of("Weather?")).collect();

        assertThat(r.provider()).isEqualTo("secondary");
        String prefix = prefixSentToSecondary();
        assertThat(prefix).hasSize(ResumePrefix.DEFAULT_CHARS).matches("v+");
        String delivered = r.text().substring(0, r.text().indexOf(ANSWER_START));
        assertThat(delivered).matches("v+").hasSizeGreaterThan(ResumePrefix.DEFAULT_CHARS); // the bound did cut it
        assertThat(r.attempts().get(1).error().orElseThrow()).contains("limits.max-stream-bytes (64KiB)");
    }

    @Test
    void aHugePlainBodyFallsBackToTheNextTargetWithoutRetrying() {
        primary.stubFor(post(CHAT).willReturn(okJson("{\"id\":\"" + "x".repeat(100_000) + "\"}")));
        secondary.stubFor(post(CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatResponse r = route().build().chat(ChatRequest.of("Hello!"));

        assertThat(r.provider()).isEqualTo("secondary");
        assertThat(r.attempts()).extracting(Attempt::provider, a -> a.errorKind().orElse(null))
                .containsExactly(tuple("primary", ErrorKind.SERVER), tuple("secondary", null));
        assertThat(r.attempts().get(0).error().orElseThrow())
                .contains("switchboard.providers.primary.limits.max-response-bytes (64KiB)");
        primary.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    }
}
