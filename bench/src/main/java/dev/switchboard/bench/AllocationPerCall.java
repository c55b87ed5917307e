package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.RateLimits;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.http.JsonReader;
import dev.switchboard.openai.BasicOpenAiAdapter;
import dev.switchboard.openai.OpenAiWire;
import dev.switchboard.provider.openai.OpenAiProviderFactory;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * Bytes allocated per call on the calling thread, exactly (the JVM's per-thread counter), for the steps of a
 * non-streamed provider call against the loopback {@link LocalOpenAiServer}: unlike a time, this figure does not
 * depend on the machine's load, so a change to the call path can be judged by it on a busy machine. The server's own
 * thread is not counted. Run with the shaded jar on the class path:
 *
 * <pre>java -cp bench/target/switchboard-bench.jar dev.switchboard.bench.AllocationPerCall</pre>
 */
public final class AllocationPerCall {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 5_000;

    @FunctionalInterface
    private interface Call {
        Object run() throws Exception;
    }

    /** Keeps each result reachable so that the JIT cannot drop the work. */
    private static volatile Object sink;

    private AllocationPerCall() {}

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        try (LocalOpenAiServer server = new LocalOpenAiServer(10);
             HttpTransport transport = HttpTransport.create();
             CloseableHttpClient bare = HttpClients.custom()
                     .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().build()).build()) {
            ProviderSettings settings = ProviderSettings.builder("openai", "openai").baseUrl(server.baseUrl())
                    .apiKey("bench-key-not-real").model("gpt-4o-mini").build();
            LlmProvider provider = new OpenAiProviderFactory().create(settings, ProviderContext.of(transport));
            OpenAiWire.Dialect dialect = new BasicOpenAiAdapter(settings, server.baseUrl());
            ChatRequest request = ChatRequest.builder().system("You are a helpful assistant.").user("Hello!").build();
            byte[] requestBytes = requestBody(request);
            byte[] answer = server.completionBody();
            String url = server.baseUrl() + "/chat/completions";

            System.out.println("bytes allocated per call on the calling thread (" + MEASURED + " calls after "
                    + WARM_UP + " to warm up)");
            long bareCall = measure("bare HttpClient 5 POST + Jackson tree of the answer", () -> {
                HttpPost post = new HttpPost(url);
                post.setHeader("Authorization", "Bearer bench-key-not-real");
                post.setEntity(new ByteArrayEntity(requestBytes, ContentType.APPLICATION_JSON));
                return bare.execute(post, response -> {
                    try (InputStream body = response.getEntity().getContent()) {
                        return mapper.readTree(body);
                    }
                });
            });
            long chat = measure("provider chat() (answer read into a ChatResponse)", () -> provider.chat(request));
            measureWithHttpThreads("provider chatWithoutWaiting(), waited for: the calling thread, the HTTP I/O and"
                    + " timeout threads", () -> provider.chatWithoutWaiting(request, Runnable::run).orElseThrow().join());
            measure("  of which: writing the request body (into a new buffer)", () -> requestBody(request));
            measure("  of which: the answer read as it arrives into a ChatResponse", () -> {
                try (JsonReader r = Json.reader(new ByteArrayInputStream(answer))) {
                    return OpenAiWire.readChatResponse(r, "openai", "gpt-4o-mini", dialect, RateLimits.NONE);
                }
            });
            measure("the answer's JSON tree (what chat() read before)", () -> Json.read(new ByteArrayInputStream(answer)));
            JsonNode tree = Json.read(new ByteArrayInputStream(answer));
            measure("the tree read into a ChatResponse (as the gateway's answer cache does)",
                    () -> OpenAiWire.readChatResponse(tree, "openai", "gpt-4o-mini", dialect, RateLimits.NONE));
            System.out.printf("%nchat() allocates %.2fx the bare call's bytes%n", (double) chat / bareCall);
            provider.close();
        }
    }

    private static byte[] requestBody(ChatRequest request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = Json.writer(out)) {
            OpenAiWire.writeChatRequest(g, request, "gpt-4o-mini", false, OpenAiWire.RequestOptions.OPENAI);
        }
        return out.toByteArray();
    }

    private static long measure(String what, Call call) throws Exception {
        return measure(what, call, false);
    }

    /**
     * As {@link #measure(String, Call)}, counting also the threads a call without waiting runs on: the non-blocking
     * client's I/O threads (HttpCore's requester names them {@code requester-dispatch-N}) and the timeout thread.
     */
    private static long measureWithHttpThreads(String what, Call call) throws Exception {
        return measure(what, call, true);
    }

    private static long measure(String what, Call call, boolean httpThreads) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            sink = call.run();
        }
        long[] threads = httpThreads ? callingAndHttpThreads() : new long[] {Thread.currentThread().getId()};
        long before = allocated(threads);
        for (int i = 0; i < MEASURED; i++) {
            sink = call.run();
        }
        long perCall = (allocated(threads) - before) / MEASURED;
        System.out.printf("%8d  %s%n", perCall, what);
        return perCall;
    }

    private static long[] callingAndHttpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("requester-dispatch")
                        || t.getName().equals("switchboard-http-timeouts"))
                .mapToLong(Thread::getId)
                .toArray();
    }

    private static long allocated(long[] threads) {
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(threads)) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }
}
