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
import dev.switchboard.testkit.ErrorMappingTest;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Azure OpenAI's documented errors: content-filter refusals with the categories that fired, the retry hints
 * ({@code retry-after-ms}, {@code x-ms-retry-after-ms}, {@code retry-after}, "retry after N seconds"), the request id,
 * a malformed body and a cut stream.
 */
class AzureErrorWireTest extends ErrorMappingTest {

    @RegisterExtension
    static final WireMockExtension server = AzureTestSupport.wireMock();

    private static final Map<String, String> NONE = Map.of();
    private static final String REQUEST_ID = "0d83c6c3-85b8-4f1d-9b0e-2f5a3c6e7a10";

    AzureErrorWireTest() {
        super(NAME, KEY);
    }

    @Override
    protected Stream<DocumentedError> documentedErrors() {
        return Stream.of(
                error("400-content-filter.json", 400, NONE, ErrorKind.CONTENT_FILTER, null,
                        "hate (high)", "self-harm (high)", "violence (medium)"),
                error("400-content-filter-jailbreak.json", 400, NONE, ErrorKind.CONTENT_FILTER, null, "jailbreak"),
                error("400-content-filter-blocklist.json", 400, NONE, ErrorKind.CONTENT_FILTER, null,
                        "custom_blocklists (raiBlocklistName)"),
                error("401-access-denied.json", 401, NONE, ErrorKind.AUTHENTICATION, null),
                error("404-deployment-not-found.json", 404, NONE, ErrorKind.MODEL_NOT_FOUND, null),
                error("429-token-rate-limit.json", 429, Map.of("retry-after", "6"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(6)),
                error("429-token-rate-limit.json", 429, Map.of("retry-after", "6", "retry-after-ms", "5500"),
                        ErrorKind.RATE_LIMIT, Duration.ofMillis(5500)),
                error("429-token-rate-limit.json", 429, Map.of("retry-after", "6", "x-ms-retry-after-ms", "4250"),
                        ErrorKind.RATE_LIMIT, Duration.ofMillis(4250)),
                // No header: the message's "Please retry after 6 seconds" is the hint.
                error("429-token-rate-limit.json", 429, NONE, ErrorKind.RATE_LIMIT, Duration.ofSeconds(6)),
                error("500-internal-server-error.json", 500, NONE, ErrorKind.SERVER, null),
                error("503-service-unavailable.json", 503, Map.of("retry-after", "10"), ErrorKind.OVERLOADED, Duration.ofSeconds(10)));
    }

    /** A case whose exception must carry exactly {@code details} (none when none are given). */
    private static DocumentedError error(String fixture, int status, Map<String, String> headers, ErrorKind kind,
                                         Duration retryAfter, String... details) {
        return new DocumentedError(fixture, status, headers, kind, retryAfter).withDetails(details);
    }

    @Override
    protected LlmProvider provider() {
        return AzureTestSupport.provider(server, transport());
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
    void aContentFilterRefusalNamesTheCategoriesInItsMessage() {
        stubChat(errorResponse(error("400-content-filter.json", 400, NONE, ErrorKind.CONTENT_FILTER, null)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.code()).hasValue("content_filter");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("Azure Content management policy")
                .endsWith("[hate (high), self-harm (high), violence (medium)]");
    }

    @Test
    void theApimRequestIdOfAFailureIsKeptForSupport() {
        stubChat(errorResponse(error("500-internal-server-error.json", 500, Map.of("apim-request-id", REQUEST_ID), ErrorKind.SERVER, null)));

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
