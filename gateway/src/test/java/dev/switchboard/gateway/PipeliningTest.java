package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pipelined requests through the real server over raw sockets: a client that sends its next requests before the
 * answers arrive has every head checked from its first byte, however its bytes are cut into reads. No body is taken
 * for a head (a JSON body longer than max-request-line without a newline, or with lines that look like headers), a
 * pipelined head over a limit gets the same refusal a first head would, after the answers before it, and a chunked
 * body does not make the head after it refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeliningTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n";
    /** Longer than the default max-request-line (8 KiB), so that a body scanned as a head would be refused 414. */
    private static final String LONG_TEXT = "lorem ipsum ".repeat(800);

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.start("");
        String completion = Fixtures.load("fixtures/openai/chat-completion.json");
        for (int i = 1; i <= 3; i++) {
            // each request's answer names it, so that the test sees the answers come in the order of the requests
            h.upstream.stubFor(post(PRIMARY_CHAT).withRequestBody(containing("question " + i))
                    .willReturn(okJson(completion.replace("The image shows", "Answer " + i + ":"))));
        }
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static RawClient client() throws IOException {
        return new RawClient(h.gateway.port());
    }

    /** A chat body on one line, longer than max-request-line. */
    private static String longBody(int n) {
        return "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + n + ". " + LONG_TEXT
                + "\"}]}";
    }

    /** A chat body of many short lines (JSON whitespace), each of which a head's scanner would count as a header. */
    private static String linesBody(int n) {
        return "{\n\"model\": \"default\",\n\"messages\": [\n" + "  \n".repeat(150) + "{\"role\": \"user\",\n"
                + "\"content\": \"question " + n + "\"}\n]\n}\n";
    }

    private static String chat(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.length() + "\r\n\r\n" + body;
    }

    private static void assertAnswer(RawClient.Answer a, int n) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.body()).contains("Answer " + n + ":");
    }

    @Test
    void requestsPipelinedBehindAnAnswerThatClosesTheConnectionEndWithIt() throws Exception {
        // given: a body that is not JSON (answered 400, which closes the connection), two good requests behind it
        String notJson = "{\"model\": ";
        try (RawClient c = client()) {
            c.send(chat(notJson) + chat(longBody(2)) + chat(longBody(3)));

            RawClient.Answer first = c.read();
            assertThat(first.status()).isEqualTo(400);
            assertThat(first.header("connection")).isEqualToIgnoringCase("close");
            // then: the gateway closes the connection (whatever it answered after the 400), and none of the three
            // requests stays in flight (HttpCore alone kept the requests behind such an answer, and the connection)
            c.readToEnd();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.gateway.requestsInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.gateway.requestsInFlight()).isZero();
    }

    @Test
    void postsWithBodiesLongerThanARequestLinePipelinedInOneWriteAreAnsweredInOrder() throws Exception {
        try (RawClient c = client()) {
            c.send(chat(longBody(1)) + chat(longBody(2)) + chat(longBody(3)));

            assertAnswer(c.read(), 1);
            assertAnswer(c.read(), 2);
            assertAnswer(c.read(), 3);
        }
    }

    @Test
    void pipelinedBodiesWithManyLinesAreNotTakenForHeaders() throws Exception {
        try (RawClient c = client()) {
            c.send(chat(linesBody(1)) + chat(linesBody(2)) + HEALTH + chat(linesBody(3)));

            assertAnswer(c.read(), 1);
            assertAnswer(c.read(), 2);
            assertThat(c.read().status()).isEqualTo(200);
            assertAnswer(c.read(), 3);
        }
    }

    @Test
    void aBodySentInManySmallWritesIsCountedDownToTheHeadAfterIt() throws Exception {
        byte[] first = RawClient.ascii(chat(longBody(1)));
        byte[] rest = RawClient.ascii(chat(longBody(2)) + HEALTH);
        try (RawClient c = client()) {
            // the first request in writes of 100 bytes (a read each, as they come), its last one with the next requests
            int off = 0;
            for (; off + 100 < first.length; off += 100) {
                c.send(new String(first, off, 100, java.nio.charset.StandardCharsets.ISO_8859_1));
                Thread.sleep(1);
            }
            ByteArrayOutputStream last = new ByteArrayOutputStream();
            last.write(first, off, first.length - off);
            last.write(rest);
            c.send(last.toString(java.nio.charset.StandardCharsets.ISO_8859_1));

            assertAnswer(c.read(), 1);
            assertAnswer(c.read(), 2);
            assertThat(c.read().status()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0} pipelined behind {2}")
    @CsvSource({
        "a request line over max-request-line, 414, health",
        "a request line over max-request-line, 414, chat",
        "more headers than max-header-count, 431, health",
        "more headers than max-header-count, 431, chat",
        "two content-lengths, 400, health",
        "two content-lengths, 400, chat"})
    void aPipelinedHeadOverALimitIsRefusedAfterTheAnswersBeforeIt(String what, int status, String before)
            throws Exception {
        String bad = switch (status) {
            case 414 -> "GET /health?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n";
            case 431 -> "GET /health HTTP/1.1\r\nHost: gateway\r\n" + "x-h: v\r\n".repeat(150) + "\r\n";
            default -> "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-length: 2\r\n"
                    + "content-length: 2\r\n\r\n{}";
        };
        try (RawClient c = client()) {
            c.sendInBackground(RawClient.ascii((before.equals("chat") ? chat(longBody(1)) : HEALTH) + bad));

            RawClient.Answer first = c.read();
            RawClient.Answer refused = c.read();

            assertThat(first.status()).as(what).isEqualTo(200);
            assertThat(first.body()).contains(before.equals("chat") ? "Answer 1:" : "\"status\":\"ok\"");
            assertThat(refused.status()).as(what).isEqualTo(status);
            assertThat(refused.body()).startsWith("{\"error\":{");
            assertThat(refused.header("connection")).isEqualTo("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawClient c = client()) {
            assertThat(c.exchange(HEALTH).status()).isEqualTo(200);
        }
    }

    @Test
    void aHeadPipelinedBehindAChunkedBodyIsAnswered() throws Exception {
        String body = longBody(1);
        String chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\n"
                + "transfer-encoding: chunked\r\n\r\n"
                + Integer.toHexString(100) + "\r\n" + body.substring(0, 100) + "\r\n"
                + Integer.toHexString(body.length() - 100) + "\r\n" + body.substring(100) + "\r\n0\r\n\r\n";
        try (RawClient c = client()) {
            c.send(chunked + chat(longBody(2)) + HEALTH);

            assertAnswer(c.read(), 1);
            assertAnswer(c.read(), 2);
            assertThat(c.read().status()).isEqualTo(200);
            // and the connection goes on serving, its heads left to the parser's own limits
            assertAnswer(c.exchange(chat(longBody(3))), 3);
        }
    }
}
