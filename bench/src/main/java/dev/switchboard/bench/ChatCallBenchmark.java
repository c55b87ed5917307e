package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.provider.openai.OpenAiProviderFactory;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Calls per second on one thread against a loopback OpenAI-shaped server: Switchboard's OpenAI provider, its answer
 * parsed into a {@code ChatResponse}, versus a bare HttpClient 5 POST of the same body bytes whose answer Jackson
 * parses into a tree, so that both sides do the same work. The ratio is the provider's own cost (request building,
 * the typed answer, error and timeout handling, usage and cost).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ChatCallBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Param({"100"})
    int streamChunks;

    private LocalOpenAiServer server;
    private HttpTransport transport;
    private LlmProvider provider;
    private CloseableHttpClient bare;
    private ChatRequest request;
    private byte[] requestBytes;
    private String url;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = new LocalOpenAiServer(streamChunks);
        transport = HttpTransport.create();
        provider = new OpenAiProviderFactory().create(
                ProviderSettings.builder("openai", "openai").baseUrl(server.baseUrl()).apiKey("bench-key-not-real")
                        .model("gpt-4o-mini").build(),
                ProviderContext.of(transport));
        request = ChatRequest.builder().system("You are a helpful assistant.").user("Hello!").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = dev.switchboard.http.Json.writer(out)) {
            OpenAiWire.writeChatRequest(g, request, "gpt-4o-mini", false, OpenAiWire.RequestOptions.OPENAI);
        }
        requestBytes = out.toByteArray();
        url = server.baseUrl() + "/chat/completions";
        bare = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(64).setMaxConnPerRoute(64).build())
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        bare.close();
        provider.close();
        transport.close();
        server.close();
    }

    /** The baseline: POST prepared bytes, parse the answer with Jackson. */
    @Benchmark
    public JsonNode bareHttpClientPost() throws IOException {
        HttpPost post = new HttpPost(url);
        post.setHeader("Authorization", "Bearer bench-key-not-real");
        post.setEntity(new ByteArrayEntity(requestBytes, ContentType.APPLICATION_JSON));
        return bare.execute(post, response -> {
            if (response.getCode() != 200) {
                throw new IllegalStateException("baseline got HTTP " + response.getCode());
            }
            try (InputStream body = response.getEntity().getContent()) {
                return MAPPER.readTree(body);
            }
        });
    }

    /** A full provider call: build the JSON body, send, parse into a ChatResponse. */
    @Benchmark
    public ChatResponse switchboardChat() {
        return provider.chat(request);
    }

    /** A streamed call of {@code streamChunks} chunks, pulled event by event. */
    @Benchmark
    public void switchboardStream(Blackhole bh) {
        try (ChatStream s = provider.stream(request)) {
            while (s.hasNext()) {
                bh.consume(s.next());
            }
        }
    }
}
