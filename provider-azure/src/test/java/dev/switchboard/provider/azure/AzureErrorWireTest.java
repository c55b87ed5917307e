package dev.switchboard.provider.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.azure.AzureTestSupport.CHAT;
import static dev.switchboard.provider.azure.AzureTestSupport.KEY;
import static dev.switchboard.provider.azure.AzureTestSupport.NAME;
import static dev.switchboard.provider.azure.AzureTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Azure OpenAI's documented errors: content-filter refusals with the categories that fired, the retry hints
 * ({@code retry-after-ms}, {@code x-ms-retry-after-ms}, {@code retry-after}, "retry after N seconds"), the request id,
 * a malformed body and a cut stream.
 */
class AzureErrorWireTest {

    @RegisterExtension
    static final WireMockExtension server = AzureTestSupport.wireMock();

    private static final Map<String, String> NONE = Map.of();
    private static final String REQUEST_ID = "0d83c6c3-85b8-4f1d-9b0e-2f5a3c6e7a10";

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    @AfterEach
    void noConnectionIsLeftLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    /** One documented error and what it must become; a null retry hint means none. */
    record Case(String fixture, int status, Map<String, String> headers, ErrorKind kind, Duration retryAfter, List<String> details) {
        @Override
        public String toString() {
            return status + " " + fixture + (headers.isEmpty() ? "" : " " + headers.keySet()) + " -> " + kind;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("400-content-filter.json", 400, NONE, ErrorKind.CONTENT_FILTER, null,
                        List.of("hate (high)", "self-harm (high)", "violence (medium)")),
                new Case("400-content-filter-jailbreak.json", 400, NONE, ErrorKind.CONTENT_FILTER, null, List.of("jailbreak")),
                new Case("400-content-filter-blocklist.json", 400, NONE, ErrorKind.CONTENT_FILTER, null,
                        List.of("custom_blocklists (raiBlocklistName)")),
                new Case("401-access-denied.json", 401, NONE, ErrorKind.AUTHENTICATION, null, List.of()),
                new Case("404-deployment-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null, List.of()),
                new Case("429-token-rate-limit.json", 429, Map.of("retry-after", "6"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(6), List.of()),
                new Case("429-token-rate-limit.json", 429, Map.of("retry-after", "6", "retry-after-ms", "5500"),
                        ErrorKind.RATE_LIMIT, Duration.ofMillis(5500), List.of()),
                new Case("429-token-rate-limit.json", 429, Map.of("retry-after", "6", "x-ms-retry-after-ms", "4250"),
                        ErrorKind.RATE_LIMIT, Duration.ofMillis(4250), List.of()),
                // No header: the message's "Please retry after 6 seconds" is the hint.
                new Case("429-token-rate-limit.json", 429, NONE, ErrorKind.RATE_LIMIT, Duration.ofSeconds(6), List.of()),
                new Case("500-internal-server-error.json", 500, NONE, ErrorKind.SERVER, null, List.of()),
                new Case("503-service-unavailable.json", 503, Map.of("retry-after", "10"), ErrorKind.OVERLOADED, Duration.ofSeconds(10), List.of()));
    }

    private static ResponseDefinitionBuilder errorResponse(Case c) {
        ResponseDefinitionBuilder r = aResponse().withStatus(c.status()).withHeader("Content-Type", "application/json")
                .withBody(fixture("errors/" + c.fixture()));
        c.headers().forEach(r::withHeader);
        return r;
    }

    private static LlmProvider provider() {
        return AzureTestSupport.provider(server, transport);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDocumentedErrorOfChatMapsToItsKind(Case c) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(errorResponse(c)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertMapped(e, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDocumentedErrorOfAStreamedChatMapsToItsKind(Case c) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(errorResponse(c)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream stream = provider().stream(ChatRequest.of("Hello!"))) {
                stream.forEachRemaining(event -> { });
            }
        });

        assertMapped(e, c);
    }

    private static void assertMapped(LlmException e, Case c) {
        assertThat(e).as("exception for %s", c).isNotNull();
        assertThat(e.kind()).isEqualTo(c.kind());
        assertThat(e.status()).hasValue(c.status());
        assertThat(e.provider()).isEqualTo(NAME);
        if (c.retryAfter() == null) {
            assertThat(e.retryAfter()).isEmpty();
        } else {
            assertThat(e.retryAfter()).hasValue(c.retryAfter());
        }
        assertThat(e.details()).containsExactlyElementsOf(c.details());
        assertThat(e.getMessage()).startsWith(NAME + ": HTTP " + c.status()).doesNotContain("\n").doesNotContain(KEY);
    }

    @Test
    void aContentFilterRefusalNamesTheCategoriesInItsMessage() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(errorResponse(
                new Case("400-content-filter.json", 400, NONE, ErrorKind.CONTENT_FILTER, null, List.of()))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.code()).hasValue("content_filter");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("Azure Content management policy")
                .endsWith("[hate (high), self-harm (high), violence (medium)]");
    }

    @Test
    void theApimRequestIdOfAFailureIsKeptForSupport() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(errorResponse(
                new Case("500-internal-server-error.json", 500, Map.of("apim-request-id", REQUEST_ID), ErrorKind.SERVER, null, List.of()))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.details()).containsExactly("apim-request-id " + REQUEST_ID);
        assertThat(e.getMessage()).contains(REQUEST_ID);
    }

    @Test
    void aSuccessfulStatusWithABodyThatIsNotJsonIsAServerFailure() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"choices\":[{\"content_filter_results\":")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).contains("not valid JSON");
    }

    @Test
    void theDocumentedStreamCutBeforeItsEndFailsAsInterrupted() {
        String documented = fixture("chat-stream-text.sse");
        String cut = documented.substring(0, documented.indexOf("data: ", documented.indexOf("\" is\"")));
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(cut)));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("What is color?"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).containsExactly(new ChatEvent.Started("chatcmpl-7rCNsVeZy0PGnX3H6jK8STps5nZUY", "gpt-35-turbo"),
                new ChatEvent.TextDelta("Color"), new ChatEvent.TextDelta(" is"));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }
}
