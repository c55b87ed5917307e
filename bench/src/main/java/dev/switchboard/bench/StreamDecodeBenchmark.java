package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.http.SseReader;
import dev.switchboard.openai.OpenAiWire;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Stream decoding alone, no network: SSE framing, JSON parsing and chunk-to-event mapping of an OpenAI stream held
 * in memory. The score is chunks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StreamDecodeBenchmark {

    private static final int CHUNKS = 1000;
    private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final OpenAiWire.Dialect DIALECT = new OpenAiWire.Dialect() {
        @Override
        public FinishReason finishReason(String raw) {
            return OpenAiWire.finishReason(raw);
        }

        @Override
        public Usage usage(JsonNode chunk) {
            return OpenAiWire.usage(chunk.get("usage"));
        }
    };

    private byte[] body;

    @Setup
    public void setUp() {
        body = LocalOpenAiServer.sseBody(CHUNKS);
    }

    @Benchmark
    @OperationsPerInvocation(CHUNKS + 3)
    public void decodeOpenAiSse(Blackhole bh) throws IOException {
        SseReader sse = new SseReader(new ByteArrayInputStream(body));
        boolean first = true;
        while (sse.next()) {
            if (sse.dataEquals(DONE)) {
                break;
            }
            JsonNode chunk = Json.read(sse.dataBuffer(), 0, sse.dataLength());
            OpenAiWire.readChunk(chunk, first, DIALECT, (ChatEvent e) -> bh.consume(e));
            first = false;
        }
    }
}
