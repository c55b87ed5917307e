package dev.switchboard.provider.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.ollama.OllamaTestSupport.CHAT;
import static dev.switchboard.provider.ollama.OllamaTestSupport.NAME;
import static dev.switchboard.provider.ollama.OllamaTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.testkit.Ndjson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ollama's failures: {@code {"error": "..."}} bodies by status, an error line in the middle of a 200 stream, a
 * stream that stops before its {@code done} line, malformed bodies, and an Ollama that is not running.
 */
class OllamaErrorWireTest {

    @RegisterExtension
    static final WireMockExtension server = OllamaTestSupport.wireMock();

    private static final String FIRST_LINE = "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"The\",\"images\":null},\"done\":false}";

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    @AfterEach
    void noConnectionIsLeftLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    private static OllamaProvider provider() {
        return OllamaTestSupport.provider(server, transport);
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of(404, fixture("errors/404-model-not-found.json"), Map.of(), ErrorKind.MODEL_NOT_FOUND, null),
                Arguments.of(400, fixture("errors/400-bad-request.json"), Map.of(), ErrorKind.INVALID_REQUEST, null),
                Arguments.of(500, fixture("errors/500-runner-error.json"), Map.of(), ErrorKind.SERVER, null),
                // Behind an authenticating proxy or a hosted Ollama (illustrative bodies in Ollama's shape):
                Arguments.of(401, "{\"error\":\"unauthorized\"}", Map.of(), ErrorKind.AUTHENTICATION, null),
                Arguments.of(429, "{\"error\":\"too many requests\"}", Map.of("retry-after", "4"), ErrorKind.RATE_LIMIT, Duration.ofSeconds(4)),
                Arguments.of(503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}", Map.of(),
                        ErrorKind.OVERLOADED, null));
    }

    private static ResponseDefinitionBuilder error(int status, String body, Map<String, String> headers) {
        ResponseDefinitionBuilder r = aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
        headers.forEach(r::withHeader);
        return r;
    }

    @ParameterizedTest(name = "HTTP {0} -> {3}")
    @MethodSource("statuses")
    void anErrorStatusOfChatAndStreamMapsToItsKind(int status, String body, Map<String, String> headers, ErrorKind kind,
                                                   Duration retryAfter) {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(error(status, body, headers)));

        LlmException chat = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));
        LlmException stream = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hello!")).collect());

        for (LlmException e : List.of(chat, stream)) {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.status()).hasValue(status);
            assertThat(e.retryAfter()).isEqualTo(java.util.Optional.ofNullable(retryAfter));
            assertThat(e.getMessage()).startsWith(NAME + ": HTTP " + status).doesNotContain("\n");
        }
    }

    @Test
    void aModelThatIsNotPulledSaysSo() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(error(404, fixture("errors/404-model-not-found.json"), Map.of())));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.getMessage()).isEqualTo(NAME + ": HTTP 404 model \"llama3.2\" not found, try pulling it first");
    }

    @Test
    void anErrorLineMidStreamFailsTheStreamAfterTheTextBeforeIt() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(Ndjson.of(FIRST_LINE, fixture("errors/500-runner-error.json").strip()))));

        List<ChatEvent> events = new ArrayList<>();
        LlmException e;
        try (ChatStream stream = provider().stream(ChatRequest.of("why is the sky blue?"))) {
            e = catchThrowableOfType(LlmException.class, () -> stream.forEachRemaining(events::add));
        }

        assertThat(events).containsExactly(new ChatEvent.Started(null, "llama3.2"), new ChatEvent.TextDelta("The"));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains(NAME).contains("unexpected EOF").doesNotContain("\n");
    }

    @Test
    void aStreamThatEndsWithoutItsDoneLineIsInterrupted() {
        String documented = fixture("chat-stream.ndjson");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(documented.substring(0, documented.indexOf("{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19")))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("why is the sky blue?")).collect());

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains("end marker");
    }

    @Test
    void aLineCutInHalfAtTheEndIsInterrupted() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(FIRST_LINE + "\n{\"model\":\"llama3.2\",\"message\":{\"con")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hello!")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
    }

    @Test
    void aMalformedLineMidStreamIsInterrupted() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Ndjson.ok(FIRST_LINE + "\n{\"model\": nope}\n")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().stream(ChatRequest.of("Hello!")).collect());

        assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
        assertThat(e.getMessage()).contains("malformed").doesNotContain("\n");
    }

    @Test
    void aSuccessfulStatusWithABodyThatIsNotJsonIsAServerFailure() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(200).withBody("{\"model\":\"llama3.2\",\"message\":")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().chat(ChatRequest.of("Hello!")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
    }

    @Test
    void aKeyForAnAuthenticatingProxyIsSentAsBearer() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat.json"))));
        LlmProvider provider = OllamaTestSupport.provider(OllamaTestSupport.settings(OllamaTestSupport.baseUrl(server), "")
                .apiKey("test-key-not-real").build(), transport);

        provider.chat(ChatRequest.of("Hello!"));

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer test-key-not-real")));
    }

    // ------------------------------------------------------------------------------------------- not running

    static Stream<Arguments> calls() {
        return Stream.of(
                Arguments.of("chat", (Consumer<LlmProvider>) p -> p.chat(ChatRequest.of("Hello!"))),
                Arguments.of("stream", (Consumer<LlmProvider>) p -> p.stream(ChatRequest.of("Hello!")).collect()),
                Arguments.of("embed", (Consumer<LlmProvider>) p -> p.embed(EmbeddingRequest.of("text"))),
                Arguments.of("listModels", (Consumer<LlmProvider>) LlmProvider::listModels),
                Arguments.of("isModelAvailable", (Consumer<LlmProvider>) p -> p.isModelAvailable("llama3.2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void anOllamaThatIsNotRunningIsOneLineNamingTheUrl(String name, Consumer<LlmProvider> call) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;
        LlmProvider provider = OllamaTestSupport.provider(OllamaTestSupport.settings(url, "").build(), transport);

        LlmException e = catchThrowableOfType(LlmException.class, () -> call.accept(provider));

        assertThat(e).as("failure of %s", name).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo(NAME + ": Ollama is not reachable at " + url
                + ": is it running? (start it with 'ollama serve')");
    }
}
