package dev.switchboard.provider.anthropic;

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

/** The documented error responses of the Messages API, plain and streamed, as the kinds a route decides on. */
class AnthropicErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

    AnthropicErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                error("400-invalid-request.json", 400, ErrorKind.INVALID_REQUEST, false, "invalid_request_error"),
                error("400-prompt-too-long.json", 400, ErrorKind.CONTEXT_LENGTH, false, "invalid_request_error"),
                error("400-spend-limit.json", 400, ErrorKind.QUOTA, false, "invalid_request_error"),
                error("401-authentication.json", 401, ErrorKind.AUTHENTICATION, false, "authentication_error"),
                error("402-billing.json", 402, ErrorKind.QUOTA, false, "billing_error"),
                error("403-permission.json", 403, ErrorKind.AUTHENTICATION, false, "permission_error"),
                error("404-not-found.json", 404, ErrorKind.MODEL_NOT_FOUND, false, "not_found_error"),
                error("413-request-too-large.json", 413, ErrorKind.CONTEXT_LENGTH, false, "request_too_large"),
                error("429-rate-limit.json", 429, ErrorKind.RATE_LIMIT, true, "rate_limit_error"),
                // A rate limit carries the retry-after hint.
                new DocumentedError("429-rate-limit.json", 429, Map.of("retry-after", "17"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(17))
                        .withRetryable(true).withCode("rate_limit_error"),
                error("429-spend-limit-reached.json", 429, ErrorKind.QUOTA, false, "enforced_spend_limit_reached"),
                error("500-api-error.json", 500, ErrorKind.SERVER, true, "api_error"),
                error("529-overloaded.json", 529, ErrorKind.OVERLOADED, true, "overloaded_error"));
    }

    /** A documented error without a retry hint, with the retryability and the error type it must come with. */
    private static DocumentedError error(String fixture, int status, ErrorKind kind, boolean retryable, String code) {
        return new DocumentedError(fixture, status, Map.of(), kind, null).withRetryable(retryable).withCode(code);
    }

    @Override
    protected LlmProvider provider() {
        return AnthropicTestSupport.provider(server, transport());
    }

    @Override
    protected void stubChat(ResponseDefinitionBuilder answer) {
        // Anthropic sends a request id with every response, errors included.
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(answer.withHeader("request-id", "req_018EeWyXxfu5pfWkrYcMdjWG")));
    }

    @Override
    protected String errorBody(String fixture) {
        return fixture("errors/" + fixture);
    }

    @Test
    void theMonthlySpendCapSaysWhatHappenedAndIsNotRetried() {
        stubChat(errorResponse(error("429-spend-limit-reached.json", 429, ErrorKind.QUOTA, false, "enforced_spend_limit_reached")));

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
