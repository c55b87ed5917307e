package dev.switchboard.http;

import static dev.switchboard.http.TestResources.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StandardErrorMapperTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final StandardErrorMapper MAPPER = StandardErrorMapper.INSTANCE;

    /** Maps a response the way {@link HttpProviderClient} hands it over: JSON parsed when the text looks like JSON. */
    private static LlmException map(String provider, int status, String body, String... headerNamesAndValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        String text = body.strip();
        JsonNode json = text.startsWith("{") || text.startsWith("[") ? Json.parse(text, "body") : null;
        return MAPPER.map(new HttpFailure(provider, status, ResponseHeaders.of(headers), text, json, CLOCK));
    }

    private static LlmException mapFixture(String provider, int status, String name, String... headers) {
        return map(provider, status, fixture("errors/" + name), headers);
    }

    @Test
    void aRedirectPointsAtTheBaseUrlAndMovesOnWithoutRetrying() {
        LlmException e = map("openai", 301, "<html>Moved</html>", "Location", "https://api.example.com/v1/chat/completions");

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.kind().isFallbackWorthy()).isTrue();
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo(
                "openai: HTTP 301 redirected to https://api.example.com/v1/chat/completions: check the provider's base-url");
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "400, INVALID_REQUEST, false",
            "401, AUTHENTICATION, false",
            "403, AUTHENTICATION, false",
            "404, MODEL_NOT_FOUND, false",
            "408, TIMEOUT, true",
            "409, SERVER, true",
            "413, CONTEXT_LENGTH, false",
            "422, INVALID_REQUEST, false",
            "429, RATE_LIMIT, true",
            "500, SERVER, true",
            "502, SERVER, true",
            "504, SERVER, true",
            "503, OVERLOADED, true",
            "529, OVERLOADED, true"})
    void mapsAStatusWithAnUninformativeBody(int status, ErrorKind kind, boolean retryable) {
        LlmException e = map("p", status, "{\"error\":{\"message\":\"something went wrong\"}}");

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.isRetryable()).isEqualTo(retryable);
        assertThat(e.status()).hasValue(status);
    }

    @Test
    void mapsAnOpenAiBadRequestToInvalidRequestThatNoProviderWillAccept() {
        LlmException e = mapFixture("openai", 400, "openai-400-invalid-request.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.kind().isFallbackWorthy()).isFalse();
        assertThat(e.getMessage()).contains("Invalid value for 'temperature'");
    }

    @Test
    void mapsContextLengthExceededOn400() {
        LlmException e = mapFixture("openai", 400, "openai-400-context-length.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTEXT_LENGTH);
        assertThat(e.code()).contains("context_length_exceeded");
        assertThat(e.kind().isFallbackWorthy()).isTrue();
    }

    @Test
    void mapsAzureContentFilterOn400() {
        LlmException e = mapFixture("azure", 400, "azure-400-content-filter.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_FILTER);
        assertThat(e.code()).contains("content_filter");
    }

    @Test
    void mapsAnInvalidKeyToAuthentication() {
        LlmException e = mapFixture("openai", 401, "openai-401-invalid-key.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.kind().isFallbackWorthy()).isTrue();
    }

    @Test
    void mapsARateLimitWithItsRetryHint() {
        LlmException e = mapFixture("openai", 429, "openai-429-rate-limit.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
    }

    @Test
    void prefersTheRetryAfterHeaderToTheBodyHint() {
        LlmException e = mapFixture("openai", 429, "openai-429-rate-limit.json", "retry-after-ms", "900");

        assertThat(e.retryAfter()).contains(Duration.ofMillis(900));
    }

    @Test
    void mapsInsufficientQuotaOn429ToQuotaWhichWaitingDoesNotFix() {
        LlmException e = mapFixture("openai", 429, "openai-429-insufficient-quota.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.kind().isFallbackWorthy()).isTrue();
    }

    @Test
    void mapsAnthropicOverloadedError() {
        LlmException e = mapFixture("anthropic", 529, "anthropic-529-overloaded.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).isEqualTo("anthropic: HTTP 529 overloaded_error: Overloaded");
    }

    @Test
    void mapsAnthropicNotFoundToModelNotFound() {
        LlmException e = mapFixture("anthropic", 404, "anthropic-404-not-found.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).contains("claude-nonexistent");
    }

    @Test
    void mapsGeminiResourceExhaustedWithItsRetryInfo() {
        LlmException e = mapFixture("gemini", 429, "gemini-429-resource-exhausted.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.code()).contains("RESOURCE_EXHAUSTED");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(22));
    }

    @Test
    void mapsGeminiUnavailableToOverloaded() {
        LlmException e = mapFixture("gemini", 503, "gemini-503-unavailable.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.getMessage()).contains("The model is overloaded");
    }

    @Test
    void mapsOllamaModelNotFoundFromItsPlainErrorString() {
        LlmException e = mapFixture("ollama", 404, "ollama-404-model-not-found.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("ollama: HTTP 404 model 'llama9:70b' not found");
    }

    @Test
    void mapsAModelNotFoundMessageOnA400ToModelNotFound() {
        LlmException e = map("ollama", 400, "{\"error\":\"model 'x' not found\"}");

        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
    }

    @Test
    void mapsAnHtmlErrorPageByStatusWithAReadableOneLineMessage() {
        LlmException e = mapFixture("groq", 502, "nginx-502.html");

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).isEqualTo("groq: HTTP 502 502 Bad Gateway");
    }

    @Test
    void usesTheTextOfAnHtmlPageWithoutATitle() {
        String page = "<!DOCTYPE html><html><head><style>h1 { color: red }</style></head>"
                + "<body><h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your request.</p></body></html>";

        LlmException e = map("azure", 503, page);

        assertThat(e.getMessage())
                .isEqualTo("azure: HTTP 503 Service Unavailable The server is temporarily unable to service your request.");
    }

    @Test
    void mapsAPlainTextBodyByStatus() {
        LlmException e = map("together", 503, "upstream connect error or disconnect/reset before headers");

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.getMessage()).isEqualTo("together: HTTP 503 upstream connect error or disconnect/reset before headers");
    }

    @Test
    void namesTheKindWhenTheBodyIsEmpty() {
        LlmException e = map("openai", 500, "");

        assertThat(e.getMessage()).isEqualTo("openai: HTTP 500 server");
    }

    @Test
    void writesEveryMessageOnOneLineNamingProviderAndStatus() {
        String[][] cases = {
                {"openai-400-context-length.json", "400"}, {"azure-400-content-filter.json", "400"},
                {"gemini-429-resource-exhausted.json", "429"}, {"nginx-502.html", "502"},
                {"replicate-429-throttled.json", "429"}, {"azure-429-retry-after.json", "429"}};
        for (String[] c : cases) {
            LlmException e = mapFixture("prov", Integer.parseInt(c[1]), c[0]);
            assertThat(e.getMessage()).as(c[0])
                    .startsWith("prov: HTTP " + c[1] + " ")
                    .doesNotContain("\n").doesNotContain("\r")
                    .hasSizeLessThan(600);
        }
    }

    @Test
    void doesNotRepeatTheStatusAsTheCodeWhenTheBodyCodeIsJustTheStatus() {
        // Azure sends "code": "429" next to the 429 status
        LlmException e = mapFixture("azure", 429, "azure-429-retry-after.json");

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.getMessage()).startsWith("azure: HTTP 429 Requests to the ChatCompletions_Create Operation");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(6));
    }

    @Test
    void letsXShouldRetryFalseMakeAServerErrorNonRetryable() {
        LlmException e = mapFixture("openai", 500, "openai-500-server-error.json", "x-should-retry", "false");

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void letsXShouldRetryTrueMakeAConflictRetryableEvenWhenTheKindIsNot() {
        LlmException e = map("openai", 400, "{}", "x-should-retry", "true");

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void mapsAStreamedAnthropicOverloadedErrorToOverloaded() {
        JsonNode error = Json.parse("{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}", "error");

        LlmException e = MAPPER.mapStreamError("anthropic", error);

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.status()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("anthropic: overloaded_error: error in stream: Overloaded");
    }

    @Test
    void mapsAStreamedErrorWithoutAKnownCodeToAnInterruptedStream() {
        JsonNode error = Json.parse("{\"message\":\"The server had an error\",\"type\":\"server_error\",\"code\":null}", "e");

        LlmException e = MAPPER.mapStreamError("openai", error);

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("error in stream: The server had an error");
    }

    @Test
    void mapsAStreamedPlainErrorStringByItsText() {
        LlmException notFound = MAPPER.mapStreamError("ollama", Json.parse("\"model 'x' not found\"", "e"));
        LlmException other = MAPPER.mapStreamError("ollama", Json.parse("\"out of memory\"", "e"));

        assertThat(notFound.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        assertThat(other.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(other.getMessage()).isEqualTo("ollama: error in stream: out of memory");
    }

    @Test
    void doesNotPutASecretFromAStreamedErrorIntoTheMessage() {
        String token = "Bearer " + "q".repeat(30);
        JsonNode error = Json.parse("{\"message\":\"bad header " + token + "\"}", "e");

        LlmException e = MAPPER.mapStreamError("p", error);

        assertThat(e.getMessage()).doesNotContain(token).contains("bad header Bearer ****");
    }
}
