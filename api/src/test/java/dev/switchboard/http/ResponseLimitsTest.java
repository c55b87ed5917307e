package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.ResponseLimits;
import dev.switchboard.spi.Timeouts;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upstream answers past the provider's {@link ResponseLimits}, served by a loopback server that generates its bytes as
 * it writes them (a 2 GiB body is never held anywhere): each fails as a {@code SERVER} error naming the limit's key,
 * and the connection is dropped rather than drained, which the server sees as a write that fails long before the end.
 */
@Timeout(30)
class ResponseLimitsTest {

    private static final long TWO_GIB = 2L << 30;
    /** Far more than socket buffers hold, far less than the bodies sent: written beyond this, the body was drained. */
    private static final long DRAINED = 64L << 20;
    private static final ResponseLimits SMALL = new ResponseLimits(64 * 1024, 8 * 1024, 256 * 1024);
    private static final Timeouts QUICK = new Timeouts(
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(25));
    private static final BodyWriter HELLO = g -> {
        g.writeStartObject();
        g.writeStringField("model", "m");
        g.writeEndObject();
    };

    private HttpTransport transport;
    private final AtomicLong written = new AtomicLong();

    @BeforeEach
    void openTransport() {
        transport = HttpTransport.create();
    }

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    private HttpProviderClient client(ResponseLimits limits) {
        ProviderSettings settings = ProviderSettings.builder("test-provider", "openai").timeouts(QUICK)
                .responseLimits(limits).build();
        return HttpProviderClient.create(settings, new ProviderContext(transport, Clock.systemUTC()), Map.of(),
                StandardErrorMapper.INSTANCE);
    }

    /** Writes {@code prefix}, then {@code filler} bytes over and over until {@code total} bytes or a broken connection. */
    private void generate(OutputStream out, String prefix, byte filler, long total) throws IOException {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        out.write(p);
        written.addAndGet(p.length);
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, filler);
        for (long left = total - p.length; left > 0; left -= block.length) {
            int n = (int) Math.min(block.length, left);
            out.write(block, 0, n);
            written.addAndGet(n);
        }
        out.flush();
    }

    /** Writes chunked SSE events {@code event} forever, until the connection breaks. */
    private void endlessEvents(OutputStream out, String event) throws IOException {
        byte[] one = event.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[one.length * 256];
        for (int i = 0; i < 256; i++) {
            System.arraycopy(one, 0, block, i * one.length, one.length);
        }
        String size = Integer.toHexString(block.length) + "\r\n";
        while (true) {
            out.write(size.getBytes(StandardCharsets.US_ASCII));
            out.write(block);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            written.addAndGet(block.length);
        }
    }

    /** Chunked: {@code prefix} as one chunk, then {@code filler} in chunks forever, until the connection breaks. */
    private void endlessLine(OutputStream out, String contentType, String prefix, byte filler) throws IOException {
        ScriptedHttpServer.writeChunkedHead(out, contentType);
        ScriptedHttpServer.writeChunk(out, prefix);
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, filler);
        String size = Integer.toHexString(block.length) + "\r\n";
        while (true) {
            out.write(size.getBytes(StandardCharsets.US_ASCII));
            out.write(block);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            written.addAndGet(block.length);
        }
    }

    private static void assertNamesTheLimit(LlmException e, String key, String size) {
        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.provider()).isEqualTo("test-provider");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.kind().isFallbackWorthy()).isTrue();
        assertThat(e.getMessage()).contains("switchboard.providers.test-provider.limits." + key + " (" + size + ")")
                .doesNotContain("\n");
    }

    private void assertNotDrained() {
        assertThat(written.get()).isLessThan(DRAINED);
        assertThat(transport.leasedConnections()).isZero();
    }

    // --- whole bodies ----------------------------------------------------------------------------------------

    @Test
    void aBodyDeclaredLargerThanMaxResponseBytesIsRefusedWithoutReadingIt() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + TWO_GIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            generate(out, "{\"a\":\"", (byte) 'a', TWO_GIB);
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class,
                    () -> client(ResponseLimits.DEFAULTS).postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO));

            assertNamesTheLimit(e, "max-response-bytes", "16MiB");
            assertThat(e.getMessage()).contains("declared " + TWO_GIB + " bytes");
            assertNotDrained();
        }
    }

    @Test
    void aChunkedBodyThatGrowsPastMaxResponseBytesFailsAtTheLimit() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            endlessLine(out, "application/json", "{\"a\":\"", (byte) 'a');
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class,
                    () -> client(SMALL).postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO));

            assertNamesTheLimit(e, "max-response-bytes", "64KiB");
            assertThat(e.getMessage()).contains("the response body exceeds");
            assertNotDrained();
        }
    }

    @Test
    void aBodyJustWithinMaxResponseBytesIsRead() throws Exception {
        String value = "a".repeat(64 * 1024 - 20);
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeResponse(out, 200, "application/json", "{\"a\":\"" + value + "\"}");
            return true;
        })) {
            JsonResponse r = client(SMALL).postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO);

            assertThat(r.body().get("a").asText()).isEqualTo(value);
        }
    }

    /** The OpenAI codec's reader of a chat answer as it arrives. */
    private static final ResponseReader<ChatResponse> READ_ALL = (body, headers) -> OpenAiWire.readChatResponse(body,
            "test-provider", "m", new OpenAiWire.Dialect() {
                @Override
                public FinishReason finishReason(String raw) {
                    return OpenAiWire.finishReason(raw);
                }

                @Override
                public Usage usage(JsonNode responseOrChunk) {
                    return OpenAiWire.usage(responseOrChunk.get("usage"));
                }
            }, RateLimits.NONE);

    @Test
    void anAnswerReadAsItArrivesIsRefusedWhenDeclaredLargerThanMaxResponseBytes() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + TWO_GIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            generate(out, "{\"choices\":[{\"message\":{\"content\":\"", (byte) 'a', TWO_GIB);
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class, () -> client(ResponseLimits.DEFAULTS)
                    .postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO, READ_ALL));

            assertNamesTheLimit(e, "max-response-bytes", "16MiB");
            assertThat(e.getMessage()).contains("declared " + TWO_GIB + " bytes");
            assertNotDrained();
        }
    }

    @Test
    void anAnswerReadAsItArrivesThatGrowsPastMaxResponseBytesFailsAtTheLimit() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            endlessLine(out, "application/json", "{\"choices\":[{\"message\":{\"content\":\"", (byte) 'a');
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class, () -> client(SMALL)
                    .postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO, READ_ALL));

            assertNamesTheLimit(e, "max-response-bytes", "64KiB");
            assertThat(e.getMessage()).contains("the response body exceeds");
            assertNotDrained();
        }
    }

    @Test
    void aHugeErrorBodyIsReadUpTo64KiBAndTheRestIsNotDrained() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: " + TWO_GIB
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            generate(out, "upstream broke: ", (byte) 'x', TWO_GIB);
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class,
                    () -> client(SMALL).postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO));

            assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
            assertThat(e.status()).hasValue(500);
            assertThat(e.getMessage()).contains("upstream broke");
            assertNotDrained();
        }
    }

    @Test
    void aHugeErrorBodyToAStreamedRequestIsNotDrainedEither() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: " + TWO_GIB
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            generate(out, "overloaded: ", (byte) 'x', TWO_GIB);
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class, () -> client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream"));

            assertThat(e.status()).hasValue(503);
            assertNotDrained();
        }
    }

    @Test
    void aResponseHeaderThatNeverEndsFailsAtTheHeadLineLimit() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII));
            generate(out, "", (byte) 'p', TWO_GIB);
            return false;
        })) {
            LlmException e = catchThrowableOfType(LlmException.class,
                    () -> client(SMALL).postJson(URI.create(server.baseUrl() + "/c"), Map.of(), HELLO));

            assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("answer too large").contains("head line over 64KiB");
            assertNotDrained();
        }
    }

    @Test
    void aResponseWithEndlessHeaderFieldsFailsAtTheHeaderCountLimit() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] field = "X-Again: yes\r\n".getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(field);
                written.addAndGet(field.length);
            }
        })) {
            LlmException e = catchThrowableOfType(LlmException.class, () -> client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream"));

            assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
            assertThat(e.getMessage()).contains("more than 256 header fields");
            assertNotDrained();
        }
    }

    @Test
    void aChunkSizeLineThatNeverEndsFailsTheStream() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            ScriptedHttpServer.writeChunk(out, "data: {\"n\":1}\n\n");
            generate(out, "1", (byte) '0', TWO_GIB); // a chunk size with endless leading digits
            return false;
        })) {
            try (StreamingResponse response = client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                SseReader sse = new SseReader(response.body());
                assertThat(sse.next()).isTrue();

                IOException cut = catchThrowableOfType(IOException.class, sse::next);

                LlmException e = response.failure(cut);
                assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
                assertThat(e.getMessage()).contains("answer too large");
            }
            assertNotDrained();
        }
    }

    // --- streamed bodies -------------------------------------------------------------------------------------

    @Test
    void anSseLinePastMaxLineBytesFailsTheStreamAfterTheEventsBeforeIt() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            endlessLine(out, "text/event-stream", "data: {\"n\":1}\n\ndata: ", (byte) 'a');
            return false;
        })) {
            try (StreamingResponse response = client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                SseReader sse = new SseReader(response.body());
                assertThat(sse.next()).isTrue();
                assertThat(sse.data()).isEqualTo("{\"n\":1}");

                IOException cut = catchThrowableOfType(IOException.class, sse::next);

                assertNamesTheLimit(response.failure(cut), "max-line-bytes", "8KiB");
            }
            assertNotDrained();
        }
    }

    @Test
    void anNdjsonLinePastMaxLineBytesFailsTheStream() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            endlessLine(out, "application/x-ndjson", "{\"n\":1}\r\n{\"n\":\"", (byte) '2');
            return false;
        })) {
            try (StreamingResponse response = client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "application/x-ndjson")) {
                NdjsonReader lines = new NdjsonReader(response.body());
                assertThat(lines.next()).isTrue();
                assertThat(lines.line()).isEqualTo("{\"n\":1}");

                IOException cut = catchThrowableOfType(IOException.class, lines::next);

                assertNamesTheLimit(response.failure(cut), "max-line-bytes", "8KiB");
            }
            assertNotDrained();
        }
    }

    @Test
    void theLineLimitHoldsHoweverAProviderWrapsOrReadsTheBody() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            endlessLine(out, "text/event-stream", "data: ", (byte) 'a');
            return false;
        })) {
            try (StreamingResponse response = client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                InputStream wrapped = new BufferedInputStream(response.body(), 1000);

                IOException cut = catchThrowableOfType(IOException.class, () -> {
                    while (wrapped.read() >= 0) {
                        // a provider's own byte-at-a-time parser
                    }
                });

                assertNamesTheLimit(response.failure(cut), "max-line-bytes", "8KiB");
            }
            assertNotDrained();
        }
    }

    @Test
    void manyShortLinesAddingUpToMoreThanTheLineLimitAreRead() throws Exception {
        String event = "data: {\"text\":\"" + "b".repeat(100) + "\"}\r\n\r\n";
        int events = 200; // 24 KiB in all: three times the line limit, under the stream limit
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            ScriptedHttpServer.writeChunk(out, event.repeat(events) + "data: [DONE]\n\n");
            ScriptedHttpServer.writeLastChunk(out);
            return true;
        })) {
            try (StreamingResponse response = client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                SseReader sse = new SseReader(response.body());
                int read = 0;
                while (sse.next() && !sse.data().equals("[DONE]")) {
                    read++;
                }

                assertThat(read).isEqualTo(events);
            }
        }
    }

    @Test
    void aStreamThatNeverEndsFailsAtMaxStreamBytes() throws Exception {
        try (ScriptedHttpServer server = new ScriptedHttpServer((line, out, self) -> {
            ScriptedHttpServer.writeChunkedHead(out, "text/event-stream");
            endlessEvents(out, "data: {\"text\":\"more\"}\n\n");
            return false;
        })) {
            int read = 0;
            try (StreamingResponse response = client(SMALL)
                    .openPost(URI.create(server.baseUrl() + "/s"), Map.of(), HELLO, "text/event-stream")) {
                SseReader sse = new SseReader(response.body());

                IOException cut = catchThrowableOfType(IOException.class, () -> {
                    while (sse.next()) {
                        // every event is fine; there are just too many
                    }
                });

                assertNamesTheLimit(response.failure(cut), "max-stream-bytes", "256KiB");
                assertThat(response.failure(cut).getMessage()).contains("the streamed body exceeds");
            }
            assertNotDrained();
        }
    }
}
