package dev.switchboard.provider.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.cohere.CohereTestSupport.CHAT;
import static dev.switchboard.provider.cohere.CohereTestSupport.KEY;
import static dev.switchboard.provider.cohere.CohereTestSupport.NAME;
import static dev.switchboard.provider.cohere.CohereTestSupport.fixture;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.ErrorMappingTest;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cohere's documented error statuses, each mapped to the kind a router decides on. */
class CohereErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = CohereTestSupport.wireMock();

    private static final Map<String, String> NONE = Map.of();

    CohereErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                new DocumentedError("400-invalid-request.json", 400, NONE, ErrorKind.INVALID_REQUEST, null),
                new DocumentedError("400-too-many-tokens.json", 400, NONE, ErrorKind.CONTEXT_LENGTH, null),
                new DocumentedError("401-invalid-api-token.json", 401, NONE, ErrorKind.AUTHENTICATION, null),
                new DocumentedError("402-payment-required.json", 402, NONE, ErrorKind.QUOTA, null),
                new DocumentedError("404-model-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null),
                new DocumentedError("429-trial-rate-limit.json", 429, NONE, ErrorKind.RATE_LIMIT, null),
                new DocumentedError("498-invalid-token.json", 498, NONE, ErrorKind.AUTHENTICATION, null),
                new DocumentedError("500-internal.json", 500, NONE, ErrorKind.SERVER, null),
                new DocumentedError("503-unavailable.json", 503, NONE, ErrorKind.OVERLOADED, null));
    }

    @Override
    protected LlmProvider provider() {
        return CohereTestSupport.provider(server, transport());
    }

    @Override
    protected void stubChat(ResponseDefinitionBuilder answer) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(answer));
    }

    @Override
    protected String errorBody(String fixture) {
        return fixture("errors/" + fixture);
    }
}
