package dev.switchboard.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that each error response a provider's API documents becomes the {@link LlmException} a router decides on,
 * from {@code chat()} and from a streamed chat alike: its {@link ErrorKind}, HTTP status, retry hint (or none), the
 * provider's configured name, and a one-line message that starts {@code name: HTTP status} and never shows the API
 * key. Where a case says so, also its retryability, the API's error code and the details it carries.
 *
 * <p>Where {@link ProviderContractTest} stubs the same made-up errors for every provider, this suite replays the
 * provider's own documented error bodies (fixtures), each with the headers the API sends along, so the mapping of
 * its codes, types and hints is pinned down case by case.
 *
 * <h2>Using it for a provider</h2>
 * <pre>{@code
 * class AcmeErrorWireTest extends ErrorMappingTest {
 *     @RegisterExtension
 *     static final WireMockExtension server = WireMockExtension.newInstance()
 *             .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();
 *
 *     AcmeErrorWireTest() {
 *         super("acme-test", "test-key-not-real");      // the name and key the provider is configured with
 *     }
 *
 *     @Override
 *     protected Stream<DocumentedError> documentedErrors() {
 *         return Stream.of(
 *                 new DocumentedError("401-invalid-key.json", 401, Map.of(), ErrorKind.AUTHENTICATION, null),
 *                 new DocumentedError("429-rate-limit.json", 429, Map.of("retry-after", "2"),
 *                         ErrorKind.RATE_LIMIT, Duration.ofSeconds(2)).withCode("rate_limit_exceeded"));
 *     }
 *
 *     @Override
 *     protected LlmProvider provider() {
 *         ProviderSettings settings = ProviderSettings.builder("acme-test", "acme")
 *                 .baseUrl("http://127.0.0.1:" + server.getPort()).apiKey("test-key-not-real").model("acme-small").build();
 *         return new AcmeProviderFactory().create(settings, ProviderContext.of(transport()));
 *     }
 *
 *     @Override
 *     protected void stubChat(ResponseDefinitionBuilder answer) {
 *         server.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(answer));
 *     }
 *
 *     @Override
 *     protected String errorBody(String fixture) {
 *         return Fixtures.load("fixtures/acme/errors/" + fixture);
 *     }
 *
 *     // provider-specific error tests beside the inherited ones, using provider() and server
 * }
 * }</pre>
 *
 * <p>The suite owns one {@link HttpTransport} for the class ({@link #transport()}); make providers with it, so that
 * each test, the subclass's own included, fails if it leaves an HTTP connection leased. The test instance lives for
 * the whole class ({@link TestInstance.Lifecycle#PER_CLASS}), so {@link #documentedErrors()} can be an instance method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ErrorMappingTest {

    private final String providerName;
    private final String apiKey;
    private HttpTransport transport;

    /**
     * @param providerName the configured name of the provider under test, which every failure must carry
     * @param apiKey       the key it is configured with, which no message may contain
     */
    protected ErrorMappingTest(String providerName, String apiKey) {
        this.providerName = Objects.requireNonNull(providerName, "providerName");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /**
     * One documented error response and what it must become.
     *
     * @param fixture    the file with the documented body, as {@link #errorBody(String)} reads it; a name ending in
     *                   {@code .html} is served as {@code text/html}, any other as {@code application/json}
     * @param status     the HTTP status it comes with, which the exception must carry
     * @param headers    further response headers (retry hints, rate-limit counters)
     * @param kind       the kind it must map to
     * @param retryAfter the retry hint it must carry; null means it must carry none
     * @param retryable  what {@link LlmException#isRetryable()} must say; null leaves it unchecked
     * @param code       the API's error code the exception must carry; null leaves it unchecked
     * @param details    the exact {@link LlmException#details()}; null leaves them unchecked
     */
    public record DocumentedError(String fixture, int status, Map<String, String> headers, ErrorKind kind,
                                  Duration retryAfter, Boolean retryable, String code, List<String> details) {

        public DocumentedError {
            Objects.requireNonNull(fixture, "fixture");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(kind, "kind");
            details = details == null ? null : List.copyOf(details);
        }

        /** A case that checks kind, status, retry hint and message; add the optional checks with the {@code with} methods. */
        public DocumentedError(String fixture, int status, Map<String, String> headers, ErrorKind kind, Duration retryAfter) {
            this(fixture, status, headers, kind, retryAfter, null, null, null);
        }

        /** This case, also checking {@link LlmException#isRetryable()}. */
        public DocumentedError withRetryable(boolean expected) {
            return new DocumentedError(fixture, status, headers, kind, retryAfter, expected, code, details);
        }

        /** This case, also checking {@link LlmException#code()}. */
        public DocumentedError withCode(String expected) {
            return new DocumentedError(fixture, status, headers, kind, retryAfter, retryable,
                    Objects.requireNonNull(expected, "expected"), details);
        }

        /** This case, also checking that {@link LlmException#details()} are exactly these, in order (none: no details). */
        public DocumentedError withDetails(String... expected) {
            return new DocumentedError(fixture, status, headers, kind, retryAfter, retryable, code, Arrays.asList(expected));
        }

        /** The test's display name, e.g. {@code 429 429-rate-limit.json [retry-after] -> RATE_LIMIT}. */
        @Override
        public String toString() {
            return status + " " + fixture + (headers.isEmpty() ? "" : " " + headers.keySet()) + " -> " + kind;
        }
    }

    // ------------------------------------------------------------------------------------------- the SPI

    /** The documented errors to replay; each runs once through {@code chat()} and once through {@code stream()}. */
    protected abstract Stream<DocumentedError> documentedErrors();

    /** A new provider under test, pointed at the stub server and made with {@link #transport()}. */
    protected abstract LlmProvider provider();

    /**
     * Stubs the endpoints of chat and streamed chat (the same one for most APIs) to give {@code answer} to any
     * request; add headers every response of the API carries here if the cases should not repeat them.
     */
    protected abstract void stubChat(ResponseDefinitionBuilder answer);

    /** The documented body named by {@link DocumentedError#fixture()}, e.g. from {@link Fixtures#load(String)}. */
    protected abstract String errorBody(String fixture);

    // ------------------------------------------------------------------------------------------- lifecycle

    @BeforeAll
    void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    void closeTransport() {
        if (transport != null) {
            transport.close();
        }
    }

    @AfterEach
    void noConnectionIsLeftLeased() {
        assertThat(transport.leasedConnections()).as("HTTP connections still leased after the test").isZero();
    }

    /** The transport to make providers with; shared by the class, closed after its last test. */
    protected final HttpTransport transport() {
        return transport;
    }

    /** The documented error as the stub server sends it: status, content type, the case's headers and the body. */
    protected final ResponseDefinitionBuilder errorResponse(DocumentedError error) {
        ResponseDefinitionBuilder r = aResponse().withStatus(error.status())
                .withHeader("Content-Type", error.fixture().endsWith(".html") ? "text/html" : "application/json")
                .withBody(errorBody(error.fixture()));
        error.headers().forEach(r::withHeader);
        return r;
    }

    // ------------------------------------------------------------------------------------------- the tests

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedErrors")
    public void aDocumentedErrorOfChatMapsToItsKind(DocumentedError error) {
        stubChat(errorResponse(error));

        LlmException e;
        try (LlmProvider provider = provider()) {
            e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hello!")));
        }

        assertMapped(e, error);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedErrors")
    public void aDocumentedErrorOfAStreamedChatMapsToItsKind(DocumentedError error) {
        stubChat(errorResponse(error));

        LlmException e;
        try (LlmProvider provider = provider()) {
            e = catchThrowableOfType(LlmException.class, () -> {
                try (ChatStream stream = provider.stream(ChatRequest.of("Hello!"))) {
                    stream.forEachRemaining(event -> { });
                }
            });
        }

        assertMapped(e, error);
    }

    private void assertMapped(LlmException e, DocumentedError error) {
        assertThat(e).as("exception for %s", error).isNotNull();
        assertThat(e.kind()).as("kind").isEqualTo(error.kind());
        assertThat(e.status()).as("status").hasValue(error.status());
        assertThat(e.provider()).as("provider").isEqualTo(providerName);
        if (error.retryAfter() == null) {
            assertThat(e.retryAfter()).as("retry hint").isEmpty();
        } else {
            assertThat(e.retryAfter()).as("retry hint").hasValue(error.retryAfter());
        }
        if (error.retryable() != null) {
            assertThat(e.isRetryable()).as("retryable").isEqualTo(error.retryable());
        }
        if (error.code() != null) {
            assertThat(e.code()).as("code").hasValue(error.code());
        }
        if (error.details() != null) {
            assertThat(e.details()).as("details").containsExactlyElementsOf(error.details());
        }
        // Messages end up in logs and on one line of a CLI or gateway answer; a key there is a leak.
        assertThat(e.getMessage())
                .startsWith(providerName + ": HTTP " + error.status())
                .doesNotContain("\n").doesNotContain("\r")
                .doesNotContain(apiKey)
                .hasSizeLessThan(700);
    }
}
