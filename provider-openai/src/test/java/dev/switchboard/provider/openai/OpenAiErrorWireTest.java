package dev.switchboard.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.openai.OpenAiTestSupport.KEY;
import static dev.switchboard.provider.openai.OpenAiTestSupport.NAME;
import static dev.switchboard.provider.openai.OpenAiTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenAI's error responses, from the documented bodies: each maps to the {@link ErrorKind} the router decides on, with
 * its status, retry hint and retryability, in a one-line message that names the provider and never the key.
 */
class OpenAiErrorWireTest {

    @RegisterExtension
    static final WireMockExtension server = OpenAiTestSupport.wireMock();

    private static final String CHAT = "/v1/chat/completions";
    private static final Map<String, String> NONE = Map.of();
    private static final Map<String, String> RATE_LIMIT_HEADERS = Map.of(
            "retry-after", "2",
            "x-ratelimit-limit-requests", "3",
            "x-ratelimit-remaining-requests", "0",
            "x-ratelimit-reset-requests", "20s");

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

    /** The expected outcome of one documented error. A null retry hint means "none". */
    record Case(String fixture, int status, Map<String, String> headers, ErrorKind kind, Duration retryAfter, boolean retryable) {
        @Override
        public String toString() {
            return status + " " + fixture + (headers.isEmpty() ? "" : " " + headers.keySet()) + " -> " + kind;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("400-invalid-request.json", 400, NONE, ErrorKind.INVALID_REQUEST, null, false),
                new Case("400-context-length-exceeded.json", 400, NONE, ErrorKind.CONTEXT_LENGTH, null, false),
                new Case("400-content-policy.json", 400, NONE, ErrorKind.CONTENT_FILTER, null, false),
                new Case("401-invalid-api-key.json", 401, NONE, ErrorKind.AUTHENTICATION, null, false),
                new Case("403-unsupported-region.json", 403, NONE, ErrorKind.AUTHENTICATION, null, false),
                new Case("404-model-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null, false),
                new Case("408-request-timeout.json", 408, NONE, ErrorKind.TIMEOUT, null, true),
                new Case("409-conflict.json", 409, NONE, ErrorKind.SERVER, null, true),
                new Case("413-request-too-large.json", 413, NONE, ErrorKind.CONTEXT_LENGTH, null, false),
                new Case("422-unprocessable.json", 422, NONE, ErrorKind.INVALID_REQUEST, null, false),
                new Case("429-rate-limit-exceeded.json", 429, RATE_LIMIT_HEADERS, ErrorKind.RATE_LIMIT, Duration.ofSeconds(2), true),
                new Case("429-rate-limit-exceeded.json", 429, Map.of("retry-after", "2", "retry-after-ms", "1500"),
                        ErrorKind.RATE_LIMIT, Duration.ofMillis(1500), true),
                // No header: the "Please try again in 20s" of the documented message is the hint.
                new Case("429-rate-limit-exceeded.json", 429, NONE, ErrorKind.RATE_LIMIT, Duration.ofSeconds(20), true),
                new Case("429-insufficient-quota.json", 429, NONE, ErrorKind.QUOTA, null, false),
                new Case("500-server-error.json", 500, NONE, ErrorKind.SERVER, null, true),
                new Case("500-server-error.json", 500, Map.of("x-should-retry", "false"), ErrorKind.SERVER, null, false),
                new Case("502-bad-gateway.html", 502, NONE, ErrorKind.SERVER, null, true),
                new Case("503-overloaded.json", 503, NONE, ErrorKind.OVERLOADED, null, true),
                new Case("504-gateway-timeout.json", 504, NONE, ErrorKind.SERVER, null, true),
                new Case("529-overloaded.json", 529, NONE, ErrorKind.OVERLOADED, null, true));
    }

    private static ResponseDefinitionBuilder errorResponse(Case c) {
        ResponseDefinitionBuilder r = aResponse().withStatus(c.status())
                .withHeader("Content-Type", c.fixture().endsWith(".html") ? "text/html" : "application/json")
                .withBody(fixture("errors/" + c.fixture()));
        c.headers().forEach(r::withHeader);
        return r;
    }

    private static LlmProvider provider() {
        return OpenAiTestSupport.provider(server, transport);
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
        assertThat(e.isRetryable()).isEqualTo(c.retryable());
        assertThat(e.getMessage())
                .startsWith(NAME + ": HTTP " + c.status())
                .doesNotContain("\n").doesNotContain("\r")
                .doesNotContain(KEY)
                .hasSizeLessThan(700);
    }

    @Test
    void theMessageKeepsTheProviderCodeAndText() {
        Case c = new Case("429-insufficient-quota.json", 429, NONE, ErrorKind.QUOTA, null, false);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(errorResponse(c)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.code()).hasValue("insufficient_quota");
        assertThat(e.getMessage()).isEqualTo(NAME + ": HTTP 429 insufficient_quota: You exceeded your current quota, please "
                + "check your plan and billing details. For more information on this error, read the docs: "
                + "https://platform.openai.com/docs/guides/error-codes/api-errors.");
    }

    @Test
    void aGatewayHtmlPageBecomesOneLineOfItsText() {
        Case c = new Case("502-bad-gateway.html", 502, NONE, ErrorKind.SERVER, null, true);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(errorResponse(c)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.getMessage()).contains("502 Bad Gateway").doesNotContain("\n");
    }

    @Test
    void aKeyEchoedInFullByTheServerIsRedacted() {
        String echoing = fixture("errors/401-invalid-api-key.json").replace("test-key****real", KEY);
        assertThat(echoing).contains(KEY);
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(echoing)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain(KEY);
    }

    static Stream<Arguments> otherEndpoints() {
        return Stream.of(
                Arguments.of("embeddings", (Runnable) () -> provider().embed(EmbeddingRequest.of("text"))),
                Arguments.of("models", (Runnable) () -> provider().listModels()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherEndpoints")
    void errorsOfTheOtherEndpointsMapTheSameWay(String endpoint, Runnable call) {
        String body = fixture("errors/401-invalid-api-key.json");
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(401).withBody(body)));
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(aResponse().withStatus(401).withBody(body)));

        LlmException e = catchThrowableOfType(LlmException.class, call::run);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.status()).hasValue(401);
        assertThat(e.getMessage()).contains("invalid_api_key").contains("Incorrect API key provided").doesNotContain(KEY);
    }
}
