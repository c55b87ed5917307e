package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.KEY;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.MESSAGES;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.NAME;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.fixture;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented error responses of the Messages API, plain and streamed, as the kinds a route decides on. */
class AnthropicErrorWireTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    private static LlmProvider provider() {
        return AnthropicTestSupport.provider(server, transport);
    }

    private static ResponseDefinitionBuilder error(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("request-id", "req_018EeWyXxfu5pfWkrYcMdjWG").withBody(fixture("errors/" + fixture));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}, retryable={3}")
    @CsvSource({
            "400, 400-invalid-request.json, INVALID_REQUEST, false, invalid_request_error",
            "400, 400-prompt-too-long.json, CONTEXT_LENGTH, false, invalid_request_error",
            "400, 400-spend-limit.json, QUOTA, false, invalid_request_error",
            "401, 401-authentication.json, AUTHENTICATION, false, authentication_error",
            "402, 402-billing.json, QUOTA, false, billing_error",
            "403, 403-permission.json, AUTHENTICATION, false, permission_error",
            "404, 404-not-found.json, MODEL_NOT_FOUND, false, not_found_error",
            "413, 413-request-too-large.json, CONTEXT_LENGTH, false, request_too_large",
            "429, 429-rate-limit.json, RATE_LIMIT, true, rate_limit_error",
            "429, 429-spend-limit-reached.json, QUOTA, false, enforced_spend_limit_reached",
            "500, 500-api-error.json, SERVER, true, api_error",
            "529, 529-overloaded.json, OVERLOADED, true, overloaded_error"})
    void eachDocumentedErrorBecomesItsKind(int status, String fixture, ErrorKind kind, boolean retryable, String code) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(error(status, fixture)));

        LlmException plain = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hi")));
        LlmException streamed = catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream s = provider().stream(ChatRequest.of("Hi"))) {
                s.forEachRemaining(e -> { });
            }
        });

        for (LlmException e : new LlmException[] {plain, streamed}) {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.isRetryable()).isEqualTo(retryable);
            assertThat(e.status()).hasValue(status);
            assertThat(e.code()).hasValue(code);
            assertThat(e.provider()).isEqualTo(NAME);
            assertThat(e.getMessage()).startsWith(NAME + ": HTTP " + status).doesNotContain("\n").doesNotContain(KEY);
        }
    }

    @Test
    void aRateLimitCarriesTheRetryAfterHint() {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(error(429, "429-rate-limit.json").withHeader("retry-after", "17")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hi")));

        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(17));
    }

    @Test
    void theMonthlySpendCapSaysWhatHappenedAndIsNotRetried() {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(error(429, "429-spend-limit-reached.json")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hi")));

        assertThat(e.getMessage()).isEqualTo(NAME + ": HTTP 429 enforced_spend_limit_reached: You have reached your API usage"
                + " limits: your organization has crossed its monthly API usage threshold, set based on your organization's"
                + " API tier. You will regain access on 2026-09-01 at 00:00 UTC.");
        assertThat(e.kind().isFallbackWorthy()).isTrue();
    }

    @Test
    void embeddingsAreRefusedBeforeAnythingIsSentSayingWhy() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().embed(EmbeddingRequest.of("text")));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("Anthropic has no embeddings API");
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
