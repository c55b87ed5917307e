package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.gemini.GeminiTestSupport.GENERATE;
import static dev.switchboard.provider.gemini.GeminiTestSupport.KEY;
import static dev.switchboard.provider.gemini.GeminiTestSupport.NAME;
import static dev.switchboard.provider.gemini.GeminiTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.HttpTransport;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Gemini API's documented errors, each mapped to the kind a router decides on. */
class GeminiErrorWireTest {

    @RegisterExtension
    static final WireMockExtension server = GeminiTestSupport.wireMock();

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    static Stream<Arguments> documentedErrors() {
        return Stream.of(
                Arguments.of(400, "400-api-key-invalid.json", ErrorKind.AUTHENTICATION, "API_KEY_INVALID", null),
                Arguments.of(400, "400-invalid-argument.json", ErrorKind.INVALID_REQUEST, "INVALID_ARGUMENT", null),
                Arguments.of(400, "400-token-limit.json", ErrorKind.CONTEXT_LENGTH, "INVALID_ARGUMENT", null),
                Arguments.of(400, "400-failed-precondition.json", ErrorKind.AUTHENTICATION, "FAILED_PRECONDITION", null),
                Arguments.of(403, "403-permission-denied.json", ErrorKind.AUTHENTICATION, "PERMISSION_DENIED", null),
                Arguments.of(404, "404-not-found.json", ErrorKind.MODEL_NOT_FOUND, "NOT_FOUND", null),
                Arguments.of(429, "429-resource-exhausted.json", ErrorKind.RATE_LIMIT, "RESOURCE_EXHAUSTED", Duration.ofSeconds(12)),
                Arguments.of(429, "429-quota-limit-zero.json", ErrorKind.QUOTA, "RESOURCE_EXHAUSTED", Duration.ofSeconds(7)),
                Arguments.of(500, "500-internal.json", ErrorKind.SERVER, "INTERNAL", null),
                Arguments.of(503, "503-unavailable.json", ErrorKind.OVERLOADED, "UNAVAILABLE", null),
                Arguments.of(504, "504-deadline-exceeded.json", ErrorKind.TIMEOUT, "DEADLINE_EXCEEDED", null));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @MethodSource("documentedErrors")
    void aDocumentedErrorBecomesItsKindWithItsCodeAndRetryHint(int status, String file, ErrorKind kind, String code,
                                                               Duration retryAfter) {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8").withBody(fixture("errors/" + file))));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> GeminiTestSupport.provider(server, transport).chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).hasValue(status);
        assertThat(e.code()).hasValue(code);
        if (retryAfter == null) {
            assertThat(e.retryAfter()).isEmpty();
        } else {
            assertThat(e.retryAfter()).hasValue(retryAfter);
        }
        assertThat(e.getMessage()).startsWith(NAME + ": HTTP " + status).doesNotContain("\n").doesNotContain(KEY);
    }
}
