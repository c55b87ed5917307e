package dev.switchboard.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.http.TestResources.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.ResponseLimits;
import dev.switchboard.spi.Timeouts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A chat call that holds no thread while the upstream answers ({@link HttpProviderClient#postJsonAsync}, through
 * {@link OpenAiCompatibleProvider#chatWithoutWaiting}), against real HTTP on the loopback interface: it sends what
 * {@code chat()} sends and answers, or fails, exactly as {@code chat()} does; its timeouts, keep-alive, cancelling and
 * concurrent calls. Bounds on waits are there for a broken build, not as figures.
 */
@Timeout(60)
class PostJsonAsyncTest {

    private static final String KEY = "sk-test-async-key-not-real";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Timeouts QUICK = new Timeouts(
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));
    /** Small enough that the table's oversized answers stay small. */
    private static final ResponseLimits SMALL = new ResponseLimits(64 * 1024, 8 * 1024, 256 * 1024);
    private static final ChatRequest HELLO = ChatRequest.builder().system("Be brief.").user("Hello!").build();
    private static final BodyWriter BODY = g -> {
        g.writeStartObject();
        g.writeStringField("input", "hello");
        g.writeEndObject();
    };
    /** Reads {@code {"a": <text>}}. */
    private static final ResponseReader<String> FIELD_A = (body, headers) -> {
        String a = null;
        for (String name = body.nextFieldName(); name != null; name = body.nextFieldName()) {
            body.nextToken();
            if (name.equals("a")) {
                a = body.getText();
            } else {
                body.skipChildren();
            }
        }
        return a;
    };

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private HttpTransport transport;
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void openTransport() {
        transport = HttpTransport.create();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
        transport.close();
    }

    private LlmProvider provider(String baseUrl, Timeouts timeouts) {
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").baseUrl(baseUrl).apiKey(KEY)
                .model("gpt-4o").headers(Map.of("X-Configured", "yes")).timeouts(timeouts).responseLimits(SMALL).build();
        return new OpenAiCompatibleProvider<>(new BasicOpenAiAdapter(settings, baseUrl), settings,
                new ProviderContext(transport, CLOCK));
    }

    private HttpProviderClient client(Timeouts timeouts) {
        return client(timeouts, transport);
    }

    private HttpProviderClient client(Timeouts timeouts, HttpTransport transport) {
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").apiKey(KEY).timeouts(timeouts)
                .responseLimits(SMALL).build();
        return HttpProviderClient.create(settings, new ProviderContext(transport, CLOCK),
                Map.of("Authorization", "Bearer " + KEY), StandardErrorMapper.INSTANCE);
    }

    private ScriptedHttpServer server(ScriptedHttpServer.Handler handler) throws IOException {
        ScriptedHttpServer server = new ScriptedHttpServer(handler);
        servers.add(server);
        return server;
    }

    private static ChatResponse waitFor(CompletableFuture<ChatResponse> call) throws Exception {
        return call.get(30, TimeUnit.SECONDS);
    }

    /** What the future failed with. */
    private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
        assertThat(e).as("the call should have failed").isNotNull();
        return e.getCause();
    }

    private void assertNoConnectionLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    /**
     * No connection stays leased. Not checked at the very moment the future fails: when a connect fails, HttpCore's
     * requester reports the failure first and hands the pool's entry back right after, on the same thread; an aborted
     * call (a timeout, a cancel) fails at once and its connection is discarded once its I/O thread hears of the close.
     */
    private void assertNoConnectionStaysLeased() throws InterruptedException {
        for (int i = 0; i < 500 && transport.leasedConnections() > 0; i++) {
            Thread.sleep(10);
        }
        assertNoConnectionLeased();
    }

    // --- the same call as chat() --------------------------------------------------------------------------------

    @Test
    void answersWhatChatAnswersAfterSendingWhatChatSends() throws Exception {
        // given: the API reference's chat completion, with rate-limit headers the answer carries
        WM.stubFor(post("/v1/chat/completions").willReturn(okJson(fixture("openai/chat-completion.json"))
                .withHeader("x-ratelimit-remaining-requests", "499")
                .withHeader("x-ratelimit-limit-requests", "500")));
        LlmProvider provider = provider(WM.baseUrl() + "/v1", QUICK);

        // when
        ChatResponse viaChat = provider.chat(HELLO);
        CompletableFuture<ChatResponse> call = provider.chatWithoutWaiting(HELLO, Runnable::run).orElseThrow();
        ChatResponse withoutWaiting = waitFor(call);

        // then: the same answer, from the same request (headers and body)
        assertThat(withoutWaiting).isEqualTo(viaChat);
        assertThat(withoutWaiting.message().text()).startsWith("The image shows a wooden boardwalk");
        List<ServeEvent> requests = WM.getAllServeEvents(); // newest first
        assertThat(requests).hasSize(2);
        assertThat(headersOf(requests.get(0))).isEqualTo(headersOf(requests.get(1)))
                .containsEntry("authorization", "Bearer " + KEY).containsEntry("x-configured", "yes")
                .containsEntry("accept", "application/json").containsEntry("user-agent", "switchboard")
                .containsKeys("host", "content-type", "content-length");
        assertThat(requests.get(0).getRequest().getBodyAsString()).isEqualTo(requests.get(1).getRequest().getBodyAsString());
        assertNoConnectionLeased();
    }

    private static Map<String, String> headersOf(ServeEvent event) {
        Map<String, String> headers = new TreeMap<>();
        for (HttpHeader h : event.getRequest().getHeaders().all()) {
            headers.put(h.key().toLowerCase(java.util.Locale.ROOT), String.join(",", h.values()));
        }
        return headers;
    }

    @Test
    void readsACompressedAnswerAsChatDoes() throws Exception {
        // given: an upstream that compresses its answers, as the requests' Accept-Encoding allows
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(fixture("openai/chat-completion.json").getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = zipped.toByteArray();
        ScriptedHttpServer server = server((line, out, self) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return true;
        });
        LlmProvider provider = provider(server.baseUrl() + "/v1", QUICK);

        // when
        ChatResponse viaChat = provider.chat(HELLO);
        ChatResponse withoutWaiting = waitFor(provider.chatWithoutWaiting(HELLO, Runnable::run).orElseThrow());

        // then
        assertThat(withoutWaiting).isEqualTo(viaChat);
        assertThat(server.connections()).isEqualTo(2); // each client its own pool
    }

    @Test
    void aCheckThatFailsBeforeSendingFailsTheFutureInsteadOfThrowing() {
        // given: a provider without a key
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").baseUrl(WM.baseUrl() + "/v1").build();
        LlmProvider provider = new OpenAiCompatibleProvider<>(new BasicOpenAiAdapter(settings, WM.baseUrl() + "/v1"),
                settings, new ProviderContext(transport, CLOCK));

        // when
        LlmException sync = catchThrowableOfType(LlmException.class, () -> provider.chat(HELLO));
        CompletableFuture<ChatResponse> call = provider.chatWithoutWaiting(HELLO, Runnable::run).orElseThrow();

        // then
        assertThat(call).isCompletedExceptionally();
        assertThat(catchThrowableOfType(ExecutionException.class, call::get).getCause())
                .isInstanceOf(LlmException.class).hasMessage(sync.getMessage());
        assertThat(WM.getAllServeEvents()).isEmpty();
    }

    // --- failures: the same as chat()'s -------------------------------------------------------------------------

    /** An upstream for one row of the failure table: returns the provider's base URL. */
    @FunctionalInterface
    interface Upstream {
        String start(PostJsonAsyncTest test) throws Exception;
    }

    record Failure(String name, Upstream upstream) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Failure wireMock(String name, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        return new Failure(name, test -> {
            WM.stubFor(post("/v1/chat/completions").willReturn(answer));
            return WM.baseUrl() + "/v1";
        });
    }

    private static Failure scripted(String name, ScriptedHttpServer.Handler handler) {
        return new Failure(name, test -> test.server(handler).baseUrl() + "/v1");
    }

    static Stream<Failure> failures() {
        return Stream.of(
                wireMock("401 that echoes the key", aResponse().withStatus(401)
                        .withHeader("Content-Type", "application/json").withHeader("x-echo", "Bearer " + KEY)
                        .withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + " (sent as "
                                + "Authorization: Bearer " + KEY + ")\",\"type\":\"invalid_request_error\","
                                + "\"code\":\"invalid_api_key\",\"param\":\"" + KEY + "\"}}")),
                wireMock("404 model not found", aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"The model `gpt-9` does not exist or you do not have access"
                                + " to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}")),
                wireMock("429 with retry-after", aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withHeader("retry-after", "7").withBody(fixture("errors/openai-429-rate-limit.json"))),
                wireMock("500", aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody(fixture("errors/openai-500-server-error.json"))),
                wireMock("503 from a proxy, as HTML", aResponse().withStatus(503).withHeader("Content-Type", "text/html")
                        .withBody(fixture("errors/nginx-502.html"))),
                wireMock("503 with an error body over 64 KiB", aResponse().withStatus(503)
                        .withBody("{\"error\":{\"message\":\"" + "x".repeat(200_000) + "\"}}")),
                wireMock("malformed JSON", aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"choices\": [")),
                wireMock("a syntax error on the second line", aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody("{\"id\":\"x\",\n\"choices\": [1,,2]}")),
                wireMock("a string cut short", aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"Hel")),
                wireMock("not JSON, echoing the key", aResponse().withStatus(200).withBody(KEY + " is not allowed here")),
                wireMock("empty body", aResponse().withStatus(200).withHeader("Content-Type", "application/json")),
                wireMock("a 200 without choices", okJson("{\"id\":\"x\",\"object\":\"chat.completion\"}")),
                scripted("declared too large", (line, out, self) -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (2L << 30)
                            + "\r\n\r\n{\"choices\":[").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    self.stallUntilClosed();
                    return false;
                }),
                scripted("chunked body too large", (line, out, self) -> {
                    ScriptedHttpServer.writeChunkedHead(out, "application/json");
                    ScriptedHttpServer.writeChunk(out, "{\"choices\":[{\"message\":{\"content\":\"");
                    String block = "a".repeat(16 * 1024);
                    for (int i = 0; i < 64; i++) { // 1 MiB, far past the 64 KiB limit, unless the client stops first
                        ScriptedHttpServer.writeChunk(out, block);
                    }
                    return false;
                }),
                scripted("a head line over the limit", (line, out, self) -> {
                    out.write(("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(HttpTransport.MAX_HEAD_LINE_BYTES + 10)
                            + "\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return false;
                }),
                scripted("closed without an answer", (line, out, self) -> false),
                new Failure("connection refused", test -> {
                    int port;
                    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                        port = s.getLocalPort();
                    }
                    return "http://127.0.0.1:" + port + "/v1";
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failsAsChatFails(Failure failure) throws Exception {
        // given
        LlmProvider provider = provider(failure.upstream().start(this), QUICK);

        // when
        Throwable sync = catchThrowableOfType(Throwable.class, () -> provider.chat(HELLO));
        Throwable async = failureOf(provider.chatWithoutWaiting(HELLO, Runnable::run).orElseThrow());

        // then
        assertThat(sync).as("chat() should fail").isInstanceOf(LlmException.class);
        assertThat(async).isInstanceOf(LlmException.class);
        LlmException expected = (LlmException) sync;
        LlmException actual = (LlmException) async;
        assertThat(actual.kind()).isEqualTo(expected.kind());
        assertThat(actual.status()).isEqualTo(expected.status());
        assertThat(actual.retryAfter()).isEqualTo(expected.retryAfter());
        assertThat(actual.isRetryable()).isEqualTo(expected.isRetryable());
        assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
        assertThat(actual.details()).isEqualTo(expected.details());
        assertThat(stackTrace(actual)).doesNotContain(KEY);
        assertNoConnectionStaysLeased();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    // --- timeouts ----------------------------------------------------------------------------------------------

    @Test
    void givesUpWaitingForTheFirstByteAtTheFirstByteTimeout() throws Exception {
        // given: an upstream that reads the request and never answers, and a 200 ms first-byte timeout
        ScriptedHttpServer server = server((line, out, self) -> {
            self.stallUntilClosed();
            return false;
        });
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(20));

        // when
        Throwable e = failureOf(client(timeouts).postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A));

        // then
        assertThat(e).isInstanceOf(LlmException.class);
        assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.getMessage()).contains("first-byte timeout").contains(server.baseUrl());
        assertNoConnectionStaysLeased();
    }

    @Test
    void givesUpOnAnAnswerThatFallsSilentAtTheIdleTimeout() throws Exception {
        // given: an upstream that sends the head and the start of the body, then nothing; a 300 ms idle timeout
        ScriptedHttpServer server = server((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "application/json");
            ScriptedHttpServer.writeChunk(out, "{\"a\":");
            self.stallUntilClosed();
            return false;
        });
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(20));

        // when
        Throwable e = failureOf(client(timeouts).postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A));

        // then
        assertThat(e).isInstanceOf(LlmException.class);
        assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.getMessage()).contains("no data for 300 ms (idle timeout)");
        assertNoConnectionStaysLeased();
    }

    // --- connections ----------------------------------------------------------------------------------------

    @Test
    void sequentialCallsShareOneKeptAliveConnection() throws Exception {
        // given
        ScriptedHttpServer server = server((line, out, self) -> {
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"ok\",\"b\":[1,2]}");
            return true;
        });
        HttpProviderClient client = client(QUICK);

        // when
        for (int i = 0; i < 5; i++) {
            assertThat(client.postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A)
                    .get(30, TimeUnit.SECONDS)).isEqualTo("ok");
        }

        // then
        assertThat(server.requests()).isEqualTo(5);
        assertThat(server.connections()).isEqualTo(1);
        assertNoConnectionLeased();
    }

    @Test
    void anAnswerThatClosesItsConnectionLeavesNoneToReuse() throws Exception {
        // given: an upstream that answers "Connection: close" and closes
        ScriptedHttpServer server = server((line, out, self) -> {
            byte[] body = "{\"a\":\"once\"}".getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return false;
        });
        HttpProviderClient client = client(QUICK);

        // when
        for (int i = 0; i < 3; i++) {
            assertThat(client.postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A)
                    .get(30, TimeUnit.SECONDS)).isEqualTo("once");
        }

        // then: each call had a connection of its own, none was sent on a closed one
        assertThat(server.requests()).isEqualTo(3);
        assertThat(server.connections()).isEqualTo(3);
        assertNoConnectionLeased();
    }

    @Test
    void cancellingMidAnswerClosesTheConnectionAndTheNextCallStillWorks() throws Exception {
        // given: a first answer whose head and start arrive, the rest held back (a space now and then, until the
        // client goes away); later requests are answered at once
        CountDownLatch answerStarted = new CountDownLatch(1);
        CountDownLatch clientWentAway = new CountDownLatch(1);
        ScriptedHttpServer server = server((line, out, self) -> {
            if (self.requests() > 1) {
                ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"next\"}");
                return true;
            }
            ScriptedHttpServer.writeChunkedHead(out, "application/json");
            ScriptedHttpServer.writeChunk(out, "{\"a\":");
            answerStarted.countDown();
            try {
                while (!self.isClosed()) {
                    Thread.sleep(20);
                    ScriptedHttpServer.writeChunk(out, " ");
                }
            } catch (IOException closedByTheClient) {
                clientWentAway.countDown();
            }
            return false;
        });
        HttpProviderClient client = client(QUICK);
        CompletableFuture<String> call = client.postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A);
        assertThat(answerStarted.await(10, TimeUnit.SECONDS)).isTrue();

        // when
        boolean cancelled = call.cancel(true);

        // then: the upstream sees its connection closed; the next call gets a connection of its own and its answer
        assertThat(cancelled).isTrue();
        assertThat(call).isCancelled();
        assertThat(clientWentAway.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A)
                .get(30, TimeUnit.SECONDS)).isEqualTo("next");
        assertThat(server.connections()).isEqualTo(2);
        assertNoConnectionLeased();
    }

    @Test
    void cancellingACallStillWaitingForAConnectionNeverSendsIt() throws Exception {
        // given: a pool of one connection, held by a call the upstream answers only when told; a second call waits
        CountDownLatch answerTheFirst = new CountDownLatch(1);
        ScriptedHttpServer server = server((line, out, self) -> {
            int n = self.requests();
            if (n == 1) {
                answerTheFirst.await(20, TimeUnit.SECONDS);
            }
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"" + n + "\"}");
            return true;
        });
        URI uri = URI.create(server.baseUrl() + "/x");
        try (HttpTransport oneConnection = HttpTransport.create(1, 1)) {
            HttpProviderClient client = client(QUICK, oneConnection);
            CompletableFuture<String> first = client.postJsonAsync(uri, Map.of(), BODY, FIELD_A);
            while (server.requests() == 0) {
                Thread.sleep(5);
            }
            CompletableFuture<String> waiting = client.postJsonAsync(uri, Map.of(), BODY, FIELD_A);

            // when
            assertThat(waiting.cancel(true)).isTrue();
            answerTheFirst.countDown();

            // then: the cancelled call never reached the upstream; the connection it was handed went on serving
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("1");
            assertThat(client.postJsonAsync(uri, Map.of(), BODY, FIELD_A).get(30, TimeUnit.SECONDS)).isEqualTo("2");
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(oneConnection.leasedConnections()).isZero();
        }
    }

    @Test
    void closingTheTransportFailsTheCallsInFlight() throws Exception {
        // given: an upstream that never answers, and a call waiting for it
        ScriptedHttpServer server = server((line, out, self) -> {
            self.stallUntilClosed();
            return false;
        });
        CompletableFuture<String> call = client(QUICK).postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY,
                FIELD_A);
        while (server.requests() == 0) {
            Thread.sleep(5);
        }

        // when
        transport.close();

        // then: the call fails rather than waiting for its timeouts, and a call after the close fails at once
        assertThat(failureOf(call)).isInstanceOf(LlmException.class);
        assertThat(client(QUICK).postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A))
                .isCompletedExceptionally();
    }

    @Test
    void cancellingTheCallersScopeAbortsTheCall() throws Exception {
        // given: an upstream that never answers, and a call started inside a cancel scope
        ScriptedHttpServer server = server((line, out, self) -> {
            self.stallUntilClosed();
            return false;
        });
        CompletableFuture<String> call;
        try (CancelScope scope = CancelScope.open()) {
            call = client(QUICK).postJsonAsync(URI.create(server.baseUrl() + "/x"), Map.of(), BODY, FIELD_A);
            while (server.requests() == 0) {
                Thread.sleep(5);
            }

            // when
            scope.cancel();
        }

        // then
        Throwable e = failureOf(call);
        assertThat(e).isInstanceOf(LlmException.class).hasMessageContaining("cancelled by the caller");
        assertNoConnectionStaysLeased();
    }

    @Test
    void answersArrivingInPiecesAtTheSameTimeKeepTheirOwnBytes() throws Exception {
        // given: an upstream that sends each answer in pieces 20 ms apart, so that the answers of concurrent calls
        // arrive interleaved on the client's I/O threads (which lend a buffer to one answer at a time)
        ScriptedHttpServer server = server((line, out, self) -> {
            String n = line.substring(line.indexOf("?n=") + 3, line.indexOf(' ', line.indexOf("?n=")));
            ScriptedHttpServer.writeChunkedHead(out, "application/json");
            ScriptedHttpServer.writeChunk(out, "{\"a\":\"");
            for (int i = 0; i < 5; i++) {
                Thread.sleep(20);
                ScriptedHttpServer.writeChunk(out, (n + "-").repeat(100));
            }
            ScriptedHttpServer.writeChunk(out, "\"}");
            ScriptedHttpServer.writeLastChunk(out);
            return true;
        });
        HttpProviderClient client = client(QUICK);

        // when
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(client.postJsonAsync(URI.create(server.baseUrl() + "/x?n=" + i), Map.of(), BODY, FIELD_A));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        // then
        for (int i = 0; i < 8; i++) {
            assertThat(calls.get(i).get()).isEqualTo((i + "-").repeat(500));
        }
        assertNoConnectionLeased();
    }

    @Test
    void fiftyConcurrentCallsEachGetTheirOwnAnswer() throws Exception {
        // given: an upstream that answers each request with the number it was sent
        ScriptedHttpServer server = server((line, out, self) -> {
            String n = line.substring(line.indexOf("?n=") + 3, line.indexOf(' ', line.indexOf("?n=")));
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"" + n + "\"}");
            return true;
        });
        HttpProviderClient client = client(QUICK);

        // when
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(client.postJsonAsync(URI.create(server.baseUrl() + "/x?n=" + i), Map.of(), BODY, FIELD_A));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        // then
        for (int i = 0; i < 50; i++) {
            assertThat(calls.get(i).get()).isEqualTo(String.valueOf(i));
        }
        assertThat(server.requests()).isEqualTo(50);
        assertThat(server.connections()).isBetween(1, 50);
        assertNoConnectionLeased();
    }
}
