package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upstreams that send more than anyone should read, seen through the gateway over real HTTP: a huge body, a huge line,
 * a stream that never ends. Each is cut at the provider's limit (the bytes are generated as they are written, so the
 * test holds none of them), the upstream connection is dropped rather than drained, and the client gets the next
 * target's answer, a resumed stream, or a final error event and the end of the stream, as the route says.
 */
@Timeout(60) // a guard against hangs, not a speed check
class MisbehavingUpstreamTest {

    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    private static final long TWO_GIB = 2L << 30;
    /** Far more than socket buffers hold, far less than the bodies sent: written beyond this, the body was drained. */
    private static final long DRAINED = 64L << 20;
    private static final String SMALL_LIMITS =
            "providers.primary.limits { max-response-bytes = 64KiB, max-line-bytes = 8KiB, max-stream-bytes = 256KiB }";
    private static final String BACKUP_TEXT = "I'm unable to provide real-time updates";

    private GatewayHarness h;
    private RawUpstream raw;
    private final AtomicLong written = new AtomicLong();

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    private void primaryScripted(RawUpstream.Script script, String... extra) throws Exception {
        raw = new RawUpstream(script);
        h = GatewayHarness.start("providers.primary.base-url = \"" + raw.baseUrl() + "\"\n" + String.join("\n", extra));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
    }

    private GatewayHarness.Reply chat(String model, boolean stream) throws IOException {
        return h.http("POST", "/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What's the weather?\"}]}");
    }

    /** The text of an SSE answer's content deltas, in order. */
    private static String streamedText(String body) {
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n")) {
            int at = line.indexOf("\"content\":\"");
            if (line.startsWith("data: {") && at >= 0) {
                int start = at + "\"content\":\"".length();
                text.append(line, start, line.indexOf('"', start));
            }
        }
        return text.toString();
    }

    /** Writes {@code filler} bytes until {@code total} or a broken connection, counting what was written. */
    private void fill(OutputStream out, byte filler, long total) throws IOException {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, filler);
        for (long left = total; left > 0; left -= block.length) {
            int n = (int) Math.min(block.length, left);
            out.write(block, 0, n);
            written.addAndGet(n);
        }
        out.flush();
    }

    /** Writes the same bytes as HTTP chunks forever, until the connection breaks. */
    private void endlessChunks(OutputStream out, byte[] block) throws IOException {
        byte[] size = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (true) {
            out.write(size);
            out.write(block);
            out.write(end);
            written.addAndGet(block.length);
        }
    }

    private void endlessLine(OutputStream out) throws IOException {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'a');
        endlessChunks(out, block);
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void assertNotDrained() {
        assertThat(written.get()).isLessThan(DRAINED);
        assertThat(raw.requests()).isEqualTo(1); // over a limit is no reason to ask the same target again
    }

    // --- whole bodies ----------------------------------------------------------------------------------------

    @Test
    void aBodyDeclaredAt2GiBIsRefusedAndTheNextTargetAnswers() throws Exception {
        primaryScripted(c -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + TWO_GIB + "\r\n\r\n{\"id\":\"");
            fill(c.out, (byte) 'a', TWO_GIB);
        });
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply r = chat("default", false);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        assertThat(r.header("x-switchboard-attempts")).hasValue("2");
        assertNotDrained();
    }

    @Test
    void aChunkedBodyThatNeverEndsIsCutAtTheDefault16MiBAndTheNextTargetAnswers() throws Exception {
        primaryScripted(c -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            chunk(c.out, "{\"id\":");
            byte[] spaces = new byte[64 * 1024]; // whitespace: the parser holds none of it, only the limit stops it
            Arrays.fill(spaces, (byte) ' ');
            endlessChunks(c.out, spaces);
        });
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply r = chat("default", false);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        assertThat(written.get()).isGreaterThanOrEqualTo(16L << 20); // the default limit, not a small test one
        assertNotDrained();
    }

    @Test
    void aHugeBodyOnTheOnlyTargetIsA502NamingTheLimit() throws Exception {
        primaryScripted(c -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            chunk(c.out, "{\"id\":\"");
            endlessLine(c.out);
        }, SMALL_LIMITS, "routes.solo.targets = [ primary ]");

        GatewayHarness.Reply r = chat("solo", false);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("switchboard.providers.primary.limits.max-response-bytes (64KiB)")
                .doesNotContain("Exception");
        assertNotDrained();
    }

    // --- streams ---------------------------------------------------------------------------------------------

    @Test
    void aHugeLineBeforeAnyContentFallsBackUnseen() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            chunk(c.out, "data: {\"id\":\"");
            endlessLine(c.out);
        }, SMALL_LIMITS);

        GatewayHarness.Reply r = chat("default", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        assertThat(streamedText(r.body())).startsWith(BACKUP_TEXT);
        assertThat(r.body()).doesNotContain("\"error\"").contains("data: [DONE]");
        assertNotDrained();
    }

    @Test
    void aHugeLineAfterContentIsResumedByTheNextTarget() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            c.event(FaultToleranceTest.chunk("Hel"));
            chunk(c.out, "data: {\"choices\":[{\"delta\":{\"content\":\"");
            endlessLine(c.out);
        }, SMALL_LIMITS);

        GatewayHarness.Reply r = chat("default", true);

        assertThat(streamedText(r.body())).startsWith("Hel" + BACKUP_TEXT);
        assertThat(r.body()).doesNotContain("\"error\"").contains("data: [DONE]");
        h.upstream.verify(postRequestedFor(urlEqualTo(BACKUP_CHAT))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Hel"))));
        assertNotDrained();
    }

    @Test
    void aStreamThatNeverEndsIsCutAtMaxStreamBytesAndResumedWithABoundedPrefix() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            byte[] one = ("data: " + FaultToleranceTest.chunk("xxxxxxxxxx") + "\n\n").getBytes(StandardCharsets.UTF_8);
            byte[] block = new byte[one.length * 64];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(one, 0, block, i * one.length, one.length);
            }
            endlessChunks(c.out, block);
        }, SMALL_LIMITS, "route-defaults.resume-prefix-chars = 100");

        GatewayHarness.Reply r = chat("default", true);

        String text = streamedText(r.body());
        assertThat(text).matches("(x{10})+" + java.util.regex.Pattern.quote(BACKUP_TEXT) + ".*");
        assertThat(text.indexOf(BACKUP_TEXT)).isGreaterThan(100); // more was delivered than the prefix repeats
        h.upstream.verify(postRequestedFor(urlEqualTo(BACKUP_CHAT))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("x".repeat(100)))));
        assertThat(r.body()).contains("data: [DONE]");
        assertNotDrained();
    }

    @Test
    void withStreamFailoverFailAHugeLineAfterContentEndsWithAFinalErrorEvent() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            c.event(FaultToleranceTest.chunk("Hel"));
            chunk(c.out, "data: {\"choices\":[{\"delta\":{\"content\":\"");
            endlessLine(c.out);
        }, SMALL_LIMITS, "routes.strict { targets = [ primary, backup ], stream-failover = fail }");

        GatewayHarness.Reply r = chat("strict", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(streamedText(r.body())).isEqualTo("Hel");
        String last = r.body().strip().substring(r.body().strip().lastIndexOf("data: "));
        assertThat(last).startsWith("data: {\"error\":{\"message\":")
                .contains("switchboard.providers.primary.limits.max-line-bytes (8KiB)");
        assertThat(r.body()).doesNotContain("[DONE]");
        h.upstream.verify(0, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
        assertNotDrained();
    }

    @Test
    void whenNoTargetIsLeftToResumeTheStreamEndsWithAFinalErrorEvent() throws Exception {
        primaryScripted(c -> {
            c.sseHead();
            c.event(FaultToleranceTest.chunk("Hel"));
            chunk(c.out, "data: {\"choices\":[{\"delta\":{\"content\":\"");
            endlessLine(c.out);
        }, SMALL_LIMITS, "routes.solo.targets = [ primary ]");

        GatewayHarness.Reply r = chat("solo", true);

        assertThat(streamedText(r.body())).isEqualTo("Hel");
        assertThat(r.body().strip()).endsWith("}").contains("data: {\"error\":{\"message\":")
                .contains("limits.max-line-bytes");
        assertThat(r.body()).doesNotContain("[DONE]");
        assertNotDrained();
    }
}
