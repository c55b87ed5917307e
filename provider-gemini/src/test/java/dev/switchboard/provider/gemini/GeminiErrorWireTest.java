package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.gemini.GeminiTestSupport.GENERATE;
import static dev.switchboard.provider.gemini.GeminiTestSupport.KEY;
import static dev.switchboard.provider.gemini.GeminiTestSupport.NAME;
import static dev.switchboard.provider.gemini.GeminiTestSupport.STREAM;
import static dev.switchboard.provider.gemini.GeminiTestSupport.fixture;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.ErrorMappingTest;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Gemini API's documented errors, each mapped to the kind a router decides on, with its status and retry hint. */
class GeminiErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = GeminiTestSupport.wireMock();

    GeminiErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                error("400-api-key-invalid.json", 400, ErrorKind.AUTHENTICATION, "API_KEY_INVALID", null),
                error("400-invalid-argument.json", 400, ErrorKind.INVALID_REQUEST, "INVALID_ARGUMENT", null),
                error("400-token-limit.json", 400, ErrorKind.CONTEXT_LENGTH, "INVALID_ARGUMENT", null),
                error("400-failed-precondition.json", 400, ErrorKind.AUTHENTICATION, "FAILED_PRECONDITION", null),
                error("403-permission-denied.json", 403, ErrorKind.AUTHENTICATION, "PERMISSION_DENIED", null),
                error("404-not-found.json", 404, ErrorKind.MODEL_NOT_FOUND, "NOT_FOUND", null),
                // The hint is the body's RetryInfo.retryDelay.
                error("429-resource-exhausted.json", 429, ErrorKind.RATE_LIMIT, "RESOURCE_EXHAUSTED", Duration.ofSeconds(12)),
                error("429-quota-limit-zero.json", 429, ErrorKind.QUOTA, "RESOURCE_EXHAUSTED", Duration.ofSeconds(7)),
                error("500-internal.json", 500, ErrorKind.SERVER, "INTERNAL", null),
                error("503-unavailable.json", 503, ErrorKind.OVERLOADED, "UNAVAILABLE", null),
                error("504-deadline-exceeded.json", 504, ErrorKind.TIMEOUT, "DEADLINE_EXCEEDED", null));
    }

    /** A documented error with the status name it must carry as its code, and its retry hint (null: none). */
    private static DocumentedError error(String fixture, int status, ErrorKind kind, String code, Duration retryAfter) {
        return new DocumentedError(fixture, status, Map.of(), kind, retryAfter).withCode(code);
    }

    @Override
    protected LlmProvider provider() {
        return GeminiTestSupport.provider(server, transport());
    }

    @Override
    protected void stubChat(ResponseDefinitionBuilder answer) {
        // generateContent answers chat, streamGenerateContent a stream; both fail alike.
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(answer));
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(answer));
    }

    @Override
    protected String errorBody(String fixture) {
        return fixture("errors/" + fixture);
    }
}
