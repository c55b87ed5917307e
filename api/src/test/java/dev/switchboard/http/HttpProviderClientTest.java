package dev.switchboard.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.http.TestResources.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpProviderClientTest {

    private static final String KEY = "test-key-not-real";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Timeouts QUICK = new Timeouts(
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));
    private static final BodyWriter HELLO = g -> {
        g.writeStartObject();
        g.writeStringField("model", "m");
        g.writeStringField("input", "hello ü");
        g.writeEndObject();
    };

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private HttpTransport transport;

    @BeforeEach
    void openTransport() {
        transport = HttpTransport.create();
    }

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    private HttpProviderClient client(Timeouts timeouts) {
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai")
                .apiKey(KEY)
                .headers(Map.of("X-Configured", "yes", "OpenAI-Organization", "org-example"))
                .timeouts(timeouts)
                .build();
        return HttpProviderClient.create(settings, new ProviderContext(transport, CLOCK),
                Map.of("Authorization", "Bearer " + KEY), StandardErrorMapper.INSTANCE);
    }

    private static URI wm(String path) {
        return URI.create(WM.baseUrl() + path);
    }

    /** Checked right away: once a call has failed or a stream is closed, its connection must be back already. */
    private void assertNoConnectionLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    // --- plain JSON calls ------------------------------------------------------------------------------------

    @Test
    void postsJsonWithTheConfiguredAndAuthHeadersAndReadsTheJsonAnswer() {
        // given
        WM.stubFor(post("/v1/embeddings").willReturn(okJson("{\"data\":[{\"index\":0}],\"model\":\"m\"}")
                .withHeader("x-request-id", "req-1")));

        // when
        JsonResponse r = client(QUICK).postJson(wm("/v1/embeddings"), Map.of("X-Extra", "1"), HELLO);

        // then
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("model").asText()).isEqualTo("m");
        assertThat(r.headers().get("X-Request-Id")).contains("req-1");
        WM.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("X-Configured", equalTo("yes"))
                .withHeader("OpenAI-Organization", equalTo("org-example"))
                .withHeader("X-Extra", equalTo("1"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"model\":\"m\",\"input\":\"hello ü\"}")));
    }

    @Test
    void eachBodyAThreadSendsArrivesWholeAfterALongerOne() {
        // given: bodies are written into a buffer the thread reuses; a short one follows a long one in it
        WM.stubFor(post("/v1/embeddings").willReturn(okJson("{\"model\":\"m\"}")));
        String longInput = "long ".repeat(2_000);
        HttpProviderClient client = client(QUICK);

        // when
        client.postJson(wm("/v1/embeddings"), Map.of(), g -> {
            g.writeStartObject();
            g.writeStringField("input", longInput);
            g.writeEndObject();
        });
        client.postJson(wm("/v1/embeddings"), Map.of(), HELLO);

        // then
        List<String> bodies = WM.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()).toList();
        assertThat(bodies).containsExactlyInAnyOrder("{\"input\":\"" + longInput + "\"}",
                "{\"model\":\"m\",\"input\":\"hello \u00fc\"}");
    }

    @Test
    void eachRequestNamesTheHostItGoesTo() {
        // given: one client calling one server under two names, in turn
        WM.stubFor(post("/v1/embeddings").willReturn(okJson("{\"model\":\"m\"}")));
        HttpProviderClient client = client(QUICK);
        List<String> names = List.of("127.0.0.1", "localhost", "localhost", "127.0.0.1");

        // when
        for (String name : names) {
            client.postJson(URI.create("http://" + name + ":" + WM.getPort() + "/v1/embeddings"), Map.of(), HELLO);
        }

        // then
        List<String> hosts = new ArrayList<>(
                WM.getAllServeEvents().stream().map(e -> e.getRequest().getHeader("Host")).toList());
        java.util.Collections.reverse(hosts); // the server lists the latest first
        assertThat(hosts).containsExactlyElementsOf(names.stream().map(n -> n + ":" + WM.getPort()).toList());
    }

    @Test
    void getsJson() {
        WM.stubFor(get("/v1/models").willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));

        JsonResponse r = client(QUICK).getJson(wm("/v1/models"), Map.of());

        assertThat(r.body().path("object").asText()).isEqualTo("list");
        WM.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void reportsAMalformedJsonAnswerAsAServerError() {
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"choices\": [")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK).postJson(wm("/x"), Map.of(), HELLO));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).startsWith("test-provider: response body is not valid JSON").doesNotContain("\n");
    }

    @Test
    void reportsAnEmptyAnswerAsAServerError() {
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(200)));

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK).postJson(wm("/x"), Map.of(), HELLO));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).contains("empty response body");
    }

    @Test
    void mapsAnErrorResponseWithItsRetryHints() {
        // given: a documented OpenAI rate-limit body, and a retry-after header that takes precedence over its text
        WM.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("retry-after", "7")
                .withBody(fixture("errors/openai-429-rate-limit.json"))));

        // when
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> client(QUICK).postJson(wm("/v1/chat/completions"), Map.of(), HELLO));

        // then
        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.provider()).isEqualTo("test-provider");
        assertThat(e.status()).hasValue(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).startsWith("test-provider: HTTP 429 rate_limit_exceeded: Rate limit reached for gpt-4o")
                .doesNotContain("\n");
    }

    @Test
    void mapsAnErrorResponseToAStreamedRequestTheSameWay() {
        WM.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(529)
                .withHeader("Content-Type", "application/json")
                .withBody(fixture("errors/anthropic-529-overloaded.json"))));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> client(QUICK).openPost(wm("/v1/chat/completions"), Map.of(), HELLO, "text/event-stream"));

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.isRetryable()).isTrue();
        assertThat(transport.leasedConnections()).isZero();
    }

    // --- answers read as they arrive ---------------------------------------------------------------------------

    /** Reads {@code {"a": <string>, ...}} as it arrives: the first field's text, and where the reader started. */
    private static final ResponseReader<String> FIRST_FIELD = (body, headers) -> {
        assertThat(body.currentToken()).isEqualTo(JsonReader.Token.START_OBJECT);
        String name = body.nextFieldName();
        body.nextToken();
        String text = name + "=" + body.getText() + ", id " + headers.get("x-request-id").orElse("none");
        body.skipChildren();
        while (body.nextFieldName() != null) {
            body.nextToken();
            body.skipChildren();
        }
        return text;
    };

    @Test
    void readsAnAnswerAsItArrivesWithTheCallersReader() {
        WM.stubFor(post("/v1/chat/completions").willReturn(okJson("{\"a\":\"hello\",\"b\":[1,{\"c\":2}]}")
                .withHeader("x-request-id", "req-2")));

        String read = client(QUICK).postJson(wm("/v1/chat/completions"), Map.of("X-Extra", "1"), HELLO, FIRST_FIELD);

        assertThat(read).isEqualTo("a=hello, id req-2");
        WM.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("X-Extra", equalTo("1"))
                .withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"model\":\"m\",\"input\":\"hello ü\"}")));
        assertNoConnectionLeased();
    }

    @Test
    void reportsATruncatedAnswerReadAsItArrivesAsAServerError() {
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"a\": \"hello\", \"b\": [")));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> client(QUICK).postJson(wm("/x"), Map.of(), HELLO, FIRST_FIELD));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).startsWith("test-provider: response body is not valid JSON").doesNotContain("\n");
        assertNoConnectionLeased();
    }

    @Test
    void neverPutsTheKeyIntoTheExceptionForAnAnswerReadAsItArrivesThatIsNotJson() {
        String key = "testKeyNotReal0000000000000000";
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").apiKey(key).timeouts(QUICK).build();
        HttpProviderClient client = HttpProviderClient.create(settings, new ProviderContext(transport, CLOCK),
                Map.of("Authorization", "Bearer " + key), StandardErrorMapper.INSTANCE);
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(200).withBody(key + " is not allowed here")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> client.postJson(wm("/x"), Map.of(), HELLO, FIRST_FIELD));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).startsWith("test-provider: response body is not valid JSON");
        assertThat(stackTrace(e)).doesNotContain(key);
    }

    @Test
    void reportsAnEmptyAnswerAsAServerErrorWithoutCallingTheReader() {
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")));
        List<String> calls = new ArrayList<>();

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK).postJson(wm("/x"), Map.of(), HELLO,
                (body, headers) -> calls.add("called")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).contains("empty response body");
        assertThat(calls).isEmpty();
    }

    @Test
    void mapsAnErrorResponseBeforeTheReaderSeesIt() {
        WM.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("retry-after", "7")
                .withBody(fixture("errors/openai-429-rate-limit.json"))));
        List<String> calls = new ArrayList<>();

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK).postJson(
                wm("/v1/chat/completions"), Map.of(), HELLO, (body, headers) -> calls.add("called")));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(calls).isEmpty();
        assertNoConnectionLeased();
    }

    @Test
    void aFailureTheReaderThrowsReachesTheCallerAsItIsAndTheConnectionIsReturned() {
        WM.stubFor(post("/x").willReturn(okJson("{\"error\":\"no answer\"}")));
        LlmException thrown = LlmException.builder(ErrorKind.SERVER, "test-provider").message("no choices").build();

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK).postJson(wm("/x"), Map.of(), HELLO,
                (body, headers) -> {
                    body.skipChildren();
                    throw thrown;
                }));

        assertThat(e).isSameAs(thrown);
        assertNoConnectionLeased();
    }

    @Test
    void reusesTheConnectionAfterAnAnswerReadAsItArrives() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"ok\",\"b\":{}}");
            return true;
        })) {
            HttpProviderClient client = client(QUICK);

            for (int i = 0; i < 3; i++) {
                assertThat(client.postJson(URI.create(server.baseUrl() + "/x"), Map.of(), HELLO, FIRST_FIELD))
                        .isEqualTo("a=ok, id none");
            }

            assertThat(server.requests()).isEqualTo(3);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void readsAGzippedAnswerWholeOrAsItArrivesAndReusesTheConnection() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            gz.write("{\"a\":\"unzipped\",\"b\":[1,2,3]}".getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = zipped.toByteArray();
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return true;
        })) {
            HttpProviderClient client = client(QUICK);

            JsonResponse whole = client.postJson(URI.create(server.baseUrl() + "/x"), Map.of(), HELLO);
            String read = client.postJson(URI.create(server.baseUrl() + "/x"), Map.of(), HELLO, FIRST_FIELD);

            assertThat(whole.body().path("a").asText()).isEqualTo("unzipped");
            assertThat(read).isEqualTo("a=unzipped, id none");
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(1);
            assertNoConnectionLeased();
        }
    }

    // --- secrets ---------------------------------------------------------------------------------------------

    @Test
    void neverPutsTheKeyIntoAnExceptionEvenWhenTheErrorBodyEchoesIt() {
        // given: an error body (and a header) that repeat the key and the whole Authorization header
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-echo", "Bearer " + KEY)
                .withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + " (sent as Authorization: Bearer "
                        + KEY + ")\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\",\"param\":\"" + KEY + "\"}}")));

        // when
        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK).postJson(wm("/x"), Map.of(), HELLO));

        // then
        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain(KEY);
        assertThat(e.toString()).doesNotContain(KEY);
        assertThat(stackTrace(e)).doesNotContain(KEY);
        assertThat(e.details()).noneMatch(d -> d.contains(KEY));
    }

    @Test
    void neverPutsTheKeyIntoTheExceptionForAnAnswerThatIsNotJson() {
        // given: a key of letters and digits only, which a JSON parser quotes whole as an unexpected token
        String key = "testKeyNotReal0000000000000000";
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").apiKey(key).timeouts(QUICK).build();
        HttpProviderClient client = HttpProviderClient.create(settings, new ProviderContext(transport, CLOCK),
                Map.of("Authorization", "Bearer " + key), StandardErrorMapper.INSTANCE);
        WM.stubFor(post("/x").willReturn(aResponse().withStatus(200).withBody(key + " is not allowed here")));

        // when
        LlmException e = catchThrowableOfType(LlmException.class, () -> client.postJson(wm("/x"), Map.of(), HELLO));

        // then
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).startsWith("test-provider: response body is not valid JSON");
        assertThat(stackTrace(e)).doesNotContain(key);
    }

    @Test
    void neverShowsTheKeyInTheSettingsOrTheSecret() {
        ProviderSettings settings = ProviderSettings.builder("p", "openai").apiKey(KEY)
                .headers(Map.of("Authorization", "Bearer " + KEY))
                .options(Map.of("api-key", KEY, "organization", "org-1"))
                .build();

        assertThat(settings.toString()).doesNotContain(KEY).contains("p");
        assertThat(settings.apiKey().orElseThrow().toString()).doesNotContain(KEY);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    // --- connection failures and timeouts ----------------------------------------------------------------------

    @Test
    void reportsAConnectionRefusedWithTheServersAddressOnOneLine() throws IOException {
        // given: a port that was just free and nobody listens on
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        // when
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> client(QUICK).postJson(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"), Map.of(), HELLO));

        // then
        assertThat(e.kind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("http://127.0.0.1:" + port).doesNotContain("\n");
        assertThat(transport.leasedConnections()).isZero();
    }

    @Test
    void leavesCredentialsInTheBaseUrlOutOfTheMessage() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(QUICK)
                .postJson(URI.create("http://proxyuser:proxy-password-123@127.0.0.1:" + port + "/v1/chat"), Map.of(), HELLO));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONNECTION);
        assertThat(e.getMessage()).contains("http://127.0.0.1:" + port).doesNotContain("proxy-password-123");
    }

    @Test
    void givesUpWaitingForTheFirstByteAtTheFirstByteTimeout() {
        // given: a server that answers after 3 s, and a 200 ms first-byte timeout
        WM.stubFor(post("/slow").willReturn(okJson("{}").withFixedDelay(3000)));
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(20));

        // when
        LlmException e = catchThrowableOfType(LlmException.class, () -> client(timeouts).postJson(wm("/slow"), Map.of(), HELLO));

        // then: the first-byte timeout fired, not the total or the idle one (the message names which)
        assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.getMessage()).contains("first-byte timeout").contains(WM.baseUrl());
        assertNoConnectionLeased();
    }

    @Test
    void givesUpAtTheTotalTimeoutEvenBeforeTheFirstByteTimeout() {
        WM.stubFor(post("/slow").willReturn(okJson("{}").withFixedDelay(3000)));
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));

        LlmException e = catchThrowableOfType(LlmException.class, () -> client(timeouts).postJson(wm("/slow"), Map.of(), HELLO));

        assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.getMessage()).contains("total timeout").doesNotContain("first-byte");
        assertNoConnectionLeased();
    }

    @Test
    void keepsReadingAPlainBodyThatKeepsArrivingPastTheIdleTimeout() throws IOException {
        // given: a JSON answer trickling in over ~600 ms in pieces 100 ms apart, and a 300 ms idle timeout
        String json = "{\"choices\":[{\"message\":{\"content\":\"a slow but steady answer\"}}]}";
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "application/json");
            for (int i = 0; i < json.length(); i += 12) {
                ScriptedHttpServer.writeChunk(out, json.substring(i, Math.min(json.length(), i + 12)));
                Thread.sleep(100);
            }
            ScriptedHttpServer.writeLastChunk(out);
            return true;
        })) {
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMillis(300), Duration.ofSeconds(10));

            // when
            JsonResponse r = client(timeouts).postJson(URI.create(server.baseUrl() + "/x"), Map.of(), HELLO);

            // then
            assertThat(r.body().at("/choices/0/message/content").asText()).isEqualTo("a slow but steady answer");
        }
    }

    @Test
    void stopsAStreamThatFallsSilentAtTheIdleTimeout() throws Exception {
        // given: a server that sends the headers and one event, then nothing
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            ScriptedHttpServer.writeChunk(out, "data: {\"n\":1}\n\n");
            self.stallUntilClosed();
            return false;
        })) {
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(20));
            StreamingResponse response = client(timeouts).openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream");
            SseReader sse = new SseReader(response.body());
            assertThat(sse.next()).isTrue();
            assertThat(sse.data()).isEqualTo("{\"n\":1}");

            // when
            IOException cut = catchThrowableOfType(IOException.class, sse::next);
            LlmException e = response.failure(cut);
            response.close();

            // then: the idle timeout ended it, not the 2 s first-byte or the 20 s total timeout
            assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("test-provider: stream stopped: no data for 300 ms (idle timeout)");
            assertNoConnectionLeased();
        }
    }

    @Test
    void stopsAStreamThatNeverEndsAtTheTotalTimeout() throws Exception {
        // given: a server that keeps the stream alive with a comment every 50 ms, forever
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            while (!self.isClosed()) {
                ScriptedHttpServer.writeChunk(out, ": ping\n\n");
                Thread.sleep(50);
            }
            return false;
        })) {
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(500));
            try (StreamingResponse response = client(timeouts).openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {

                // when
                IOException cut = catchThrowableOfType(IOException.class, () -> new SseReader(response.body()).next());
                LlmException e = response.failure(cut);

                // then
                assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
                assertThat(e.getMessage()).contains("total timeout of 500 ms");
            }
            assertNoConnectionLeased();
        }
    }

    // --- streams: close, leaks, reuse --------------------------------------------------------------------------

    @Test
    void closingAnUnfinishedStreamAbortsItAndUnblocksAReadInAnotherThread() throws Exception {
        // given: a stream that stalls after its first event, read by another thread
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            ScriptedHttpServer.writeChunk(out, "data: first\n\n");
            self.stallUntilClosed();
            return false;
        })) {
            StreamingResponse response = client(QUICK).openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream");
            CountDownLatch firstEventRead = new CountDownLatch(1);
            CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> {
                SseReader sse = new SseReader(response.body());
                try {
                    sse.next();
                    firstEventRead.countDown();
                    return sse.next(); // blocks: the server sends nothing more
                } catch (IOException e) {
                    return e;
                }
            });
            assertThat(firstEventRead.await(5, TimeUnit.SECONDS)).isTrue();

            // when
            response.close();
            Object outcome = reader.get(30, TimeUnit.SECONDS); // a bound for a broken build, not a figure

            // then: the blocked read ended (failed or saw the end), and the failure says who closed it
            assertThat(response.isClosed()).isTrue();
            if (outcome instanceof IOException io) {
                LlmException e = response.failure(io);
                assertThat(e.kind()).isEqualTo(ErrorKind.STREAM_INTERRUPTED);
                assertThat(e.getMessage()).contains("closed by the caller");
            } else {
                assertThat(outcome).isEqualTo(false);
            }
            assertThat(transport.leasedConnections()).isZero();
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        WM.stubFor(post("/s").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody("data: a\n\ndata: [DONE]\n\n")));
        StreamingResponse response = client(QUICK).openPost(wm("/s"), Map.of(), HELLO, "text/event-stream");

        response.close();
        response.close();
        response.body().close();

        assertThat(response.isClosed()).isTrue();
        assertThat(transport.leasedConnections()).isZero();
    }

    @Test
    void leaksNoConnectionAfterManyRequestsOfEveryOutcome() throws Exception {
        // given
        String sse = "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n";
        WM.stubFor(post("/ok").willReturn(okJson("{\"ok\":true}")));
        WM.stubFor(post("/bad").willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\"}}")));
        WM.stubFor(post("/junk").willReturn(aResponse().withStatus(200).withBody("not json")));
        WM.stubFor(post("/big-error").willReturn(aResponse().withStatus(503).withBody("x".repeat(200_000))));
        WM.stubFor(post("/stream").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse + ": padding\n".repeat(2000))));
        WM.stubFor(post("/stream-429").willReturn(aResponse().withStatus(429).withHeader("retry-after", "1")
                .withBody(fixture("errors/openai-429-rate-limit.json"))));
        HttpProviderClient client = client(QUICK);
        List<ErrorKind> failures = new ArrayList<>();

        // when
        for (int i = 0; i < 15; i++) {
            client.postJson(wm("/ok"), Map.of(), HELLO);
            for (String path : new String[] {"/bad", "/junk", "/big-error"}) {
                try {
                    client.postJson(wm(path), Map.of(), HELLO);
                } catch (LlmException e) {
                    failures.add(e.kind());
                }
            }
            try (StreamingResponse r = client.openPost(wm("/stream"), Map.of(), HELLO, "text/event-stream")) {
                assertThat(readAll(r.body())).startsWith(sse);
            }
            try (StreamingResponse r = client.openPost(wm("/stream"), Map.of(), HELLO, "text/event-stream")) {
                new SseReader(r.body()).next(); // the caller stops after one event
            }
            try (StreamingResponse r = client.openPost(wm("/stream"), Map.of(), HELLO, "text/event-stream")) {
                assertThat(r.headers().get("content-type")).isPresent(); // closed before reading anything
            }
            try {
                client.openPost(wm("/stream-429"), Map.of(), HELLO, "text/event-stream").close();
            } catch (LlmException e) {
                failures.add(e.kind());
            }
        }

        // then
        assertThat(failures).hasSize(60).containsOnly(ErrorKind.SERVER, ErrorKind.OVERLOADED, ErrorKind.RATE_LIMIT);
        assertThat(transport.leasedConnections()).isZero();
    }

    @Test
    void returnsTheConnectionOfAStreamReadToItsEndToThePool() throws Exception {
        // given: a server that counts connections and answers each request with a whole SSE body
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            ScriptedHttpServer.writeChunk(out, "data: a\n\n");
            ScriptedHttpServer.writeChunk(out, "data: [DONE]\n\n");
            ScriptedHttpServer.writeLastChunk(out);
            return true;
        })) {
            HttpProviderClient client = client(QUICK);

            // when: two streams, each read to its end
            for (int i = 0; i < 2; i++) {
                try (StreamingResponse r = client.openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                    SseReader sse = new SseReader(r.body());
                    while (sse.next()) {
                        // drain
                    }
                }
            }

            // then
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(transport.leasedConnections()).isZero();
        }
    }

    @Test
    void reusesTheConnectionOfAStreamFinishedAtItsEndMarker() throws Exception {
        // given: an OpenAI-style stream; the caller stops at data: [DONE], before the body's last chunk
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            ScriptedHttpServer.writeChunk(out, "data: {\"n\":1}\n\n");
            ScriptedHttpServer.writeChunk(out, "data: [DONE]\n\n");
            ScriptedHttpServer.writeLastChunk(out);
            return true;
        })) {
            HttpProviderClient client = client(QUICK);
            byte[] done = "[DONE]".getBytes(StandardCharsets.US_ASCII);

            // when
            for (int i = 0; i < 3; i++) {
                try (StreamingResponse r = client.openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                    SseReader sse = new SseReader(r.body());
                    while (sse.next() && !sse.dataEquals(done)) {
                        // consume events up to the end marker
                    }
                    r.finish();
                }
            }

            // then
            assertThat(server.requests()).isEqualTo(3);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(transport.leasedConnections()).isZero();
        }
    }

    @Test
    void closingAStreamMidAnswerDoesNotWaitForTheRest() throws Exception {
        // given: a stream that keeps sending slowly, as a model mid-answer does
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            while (!self.isClosed()) {
                ScriptedHttpServer.writeChunk(out, "data: {\"delta\":\"token\"}\n\n");
                Thread.sleep(20);
            }
            return false;
        })) {
            StreamingResponse r = client(QUICK).openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream");
            SseReader sse = new SseReader(r.body());
            assertThat(sse.next()).isTrue();

            // when
            r.close();

            // then: the connection is not drained to the stream's end (it never ends) but dropped
            assertNoConnectionLeased();
        }
    }

    @Test
    void reusesTheConnectionForPlainJsonCalls() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"ok\":true}");
            return true;
        })) {
            HttpProviderClient client = client(QUICK);

            for (int i = 0; i < 3; i++) {
                client.postJson(URI.create(server.baseUrl() + "/x"), Map.of(), HELLO);
            }

            assertThat(server.requests()).isEqualTo(3);
            assertThat(server.connections()).isEqualTo(1);
        }
    }
}
