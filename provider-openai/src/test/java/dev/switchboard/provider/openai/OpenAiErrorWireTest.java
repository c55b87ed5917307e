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
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.ErrorMappingTest;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenAI's error responses, from the documented bodies: each maps to the {@link ErrorKind} the router decides on, with
 * its status, retry hint and retryability, in a one-line message that names the provider and never the key.
 */
class OpenAiErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = OpenAiTestSupport.wireMock();

    private static final String CHAT = "/v1/chat/completions";
    private static final Map<String, String> NONE = Map.of();
    private static final Map<String, String> RATE_LIMIT_HEADERS = Map.of(
            "retry-after", "2",
            "x-ratelimit-limit-requests", "3",
            "x-ratelimit-remaining-requests", "0",
            "x-ratelimit-reset-requests", "20s");

    OpenAiErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                error("400-invalid-request.json", 400, NONE, ErrorKind.INVALID_REQUEST, null, false),
                error("400-context-length-exceeded.json", 400, NONE, ErrorKind.CONTEXT_LENGTH, null, false),
                error("400-content-policy.json", 400, NONE, ErrorKind.CONTENT_FILTER, null, false),
                error("401-invalid-api-key.json", 401, NONE, ErrorKind.AUTHENTICATION, null, false),
                error("403-unsupported-region.json", 403, NONE, ErrorKind.AUTHENTICATION, null, false),
                error("404-model-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null, false),
                error("408-request-timeout.json", 408, NONE, ErrorKind.TIMEOUT, null, true),
                error("409-conflict.json", 409, NONE, ErrorKind.SERVER, null, true),
                error("413-request-too-large.json", 413, NONE, ErrorKind.CONTEXT_LENGTH, null, false),
                error("422-unprocessable.json", 422, NONE, ErrorKind.INVALID_REQUEST, null, false),
                error("429-rate-limit-exceeded.json", 429, RATE_LIMIT_HEADERS, ErrorKind.RATE_LIMIT, Duration.ofSeconds(2), true),
                error("429-rate-limit-exceeded.json", 429, Map.of("retry-after", "2", "retry-after-ms", "1500"),
                        ErrorKind.RATE_LIMIT, Duration.ofMillis(1500), true),
                // No header: the "Please try again in 20s" of the documented message is the hint.
                error("429-rate-limit-exceeded.json", 429, NONE, ErrorKind.RATE_LIMIT, Duration.ofSeconds(20), true),
                error("429-insufficient-quota.json", 429, NONE, ErrorKind.QUOTA, null, false),
                error("500-server-error.json", 500, NONE, ErrorKind.SERVER, null, true),
                error("500-server-error.json", 500, Map.of("x-should-retry", "false"), ErrorKind.SERVER, null, false),
                error("502-bad-gateway.html", 502, NONE, ErrorKind.SERVER, null, true),
                error("503-overloaded.json", 503, NONE, ErrorKind.OVERLOADED, null, true),
                error("504-gateway-timeout.json", 504, NONE, ErrorKind.SERVER, null, true),
                error("529-overloaded.json", 529, NONE, ErrorKind.OVERLOADED, null, true));
    }

    /** A case that also pins down whether the same provider may be tried again. */
    private static DocumentedError error(String fixture, int status, Map<String, String> headers, ErrorKind kind,
                                         Duration retryAfter, boolean retryable) {
        return new DocumentedError(fixture, status, headers, kind, retryAfter).withRetryable(retryable);
    }

    @Override
    protected LlmProvider provider() {
        return OpenAiTestSupport.provider(server, transport());
    }

    @Override
    protected void stubChat(ResponseDefinitionBuilder answer) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(answer));
    }

    @Override
    protected String errorBody(String fixture) {
        return fixture("errors/" + fixture);
    }

    @Test
    void theMessageKeepsTheProviderCodeAndText() {
        stubChat(errorResponse(error("429-insufficient-quota.json", 429, NONE, ErrorKind.QUOTA, null, false)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.code()).hasValue("insufficient_quota");
        assertThat(e.getMessage()).isEqualTo(NAME + ": HTTP 429 insufficient_quota: You exceeded your current quota, please "
                + "check your plan and billing details. For more information on this error, read the docs: "
                + "https://platform.openai.com/docs/guides/error-codes/api-errors.");
    }

    @Test
    void aGatewayHtmlPageBecomesOneLineOfItsText() {
        stubChat(errorResponse(error("502-bad-gateway.html", 502, NONE, ErrorKind.SERVER, null, true)));

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

    Stream<Arguments> otherEndpoints() {
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
