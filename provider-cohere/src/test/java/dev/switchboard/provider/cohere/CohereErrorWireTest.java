package dev.switchboard.provider.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.cohere.CohereTestSupport.CHAT;
import static dev.switchboard.provider.cohere.CohereTestSupport.NAME;
import static dev.switchboard.provider.cohere.CohereTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.HttpTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cohere's documented error statuses, each mapped to the kind a router decides on. */
class CohereErrorWireTest {

    @RegisterExtension
    static final WireMockExtension server = CohereTestSupport.wireMock();

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource({
            "400, 400-invalid-request.json, INVALID_REQUEST",
            "400, 400-too-many-tokens.json, CONTEXT_LENGTH",
            "401, 401-invalid-api-token.json, AUTHENTICATION",
            "402, 402-payment-required.json, QUOTA",
            "404, 404-model-not-found.json, MODEL_NOT_FOUND",
            "429, 429-trial-rate-limit.json, RATE_LIMIT",
            "498, 498-invalid-token.json, AUTHENTICATION",
            "500, 500-internal.json, SERVER",
            "503, 503-unavailable.json, OVERLOADED"})
    void aDocumentedErrorBecomesItsKindOnOneLine(int status, String file, ErrorKind kind) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(fixture("errors/" + file))));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> CohereTestSupport.provider(server, transport).chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).hasValue(status);
        assertThat(e.getMessage()).startsWith(NAME + ": HTTP " + status).doesNotContain("\n");
    }
}
