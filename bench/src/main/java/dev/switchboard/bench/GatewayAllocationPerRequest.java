package dev.switchboard.bench;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.GatewayConfig;
import dev.switchboard.runtime.Switchboard;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * Bytes the gateway allocates per non-streamed {@code POST /v1/chat/completions}, exactly: an in-process gateway in
 * front of the loopback {@link LocalOpenAiServer}, one client thread sending the request {@code bench/gateway/chat.lua}
 * sends, and the JVM's per-thread allocation counters of every thread but the client's and the upstream server's,
 * read before and after the measured requests, by thread (worker, I/O, timers). Unlike a rate, and unlike the JFR
 * figure of {@code bench/gateway/run.sh}, whose JVM also serves other requests while it records, it does not depend
 * on the machine's load, so a change to the gateway's request path can be judged by it on a busy machine. The state
 * backend is the in-memory one; with the argument {@code embedded} it is the launcher's default, the embedded store
 * (SQLite) in a temporary data dir, whose journal writer thread counts too. It also prints the CPU time of the same
 * threads per request, which does depend on the machine and its load: compare it only between runs made side by
 * side. Run with the shaded jar:
 *
 * <pre>java -cp bench/target/switchboard-bench.jar dev.switchboard.bench.GatewayAllocationPerRequest [embedded]</pre>
 */
public final class GatewayAllocationPerRequest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 10_000;
    private static final byte[] REQUEST = ("{\"model\":\"default\",\"stream\":false,\"messages\":[{\"role\":\"system\","
            + "\"content\":\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello!\"}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private GatewayAllocationPerRequest() {}

    public static void main(String[] args) throws Exception {
        boolean embedded = args.length > 0 && args[0].equals("embedded");
        if (args.length > 1 || (args.length == 1 && !embedded)) {
            throw new IllegalArgumentException("usage: GatewayAllocationPerRequest [embedded]");
        }
        if (!embedded) {
            measure("", REQUEST, "");
            return;
        }
        Path dataDir = Files.createTempDirectory("switchboard-bench-state");
        try {
            measure("switchboard.state { backend = embedded, data-dir = \"" + dataDir.toString().replace("\\", "\\\\")
                    + "\" }\n", REQUEST, " with the embedded state store");
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * Sends {@code request} {@code WARM_UP} and then {@code MEASURED} times to a gateway configured with
     * {@code routeConfig} on its default route (or any other config added after the route's), and prints the bytes
     * allocated per measured request, by thread.
     */
    static void measure(String routeConfig, byte[] request, String what) throws Exception {
        measure(routeConfig, request, what, null);
    }

    /** As above; a non-null {@code cacheResult} is the {@code x-switchboard-cache} header every measured answer has. */
    static void measure(String routeConfig, byte[] request, String what, String cacheResult) throws Exception {
        try (LocalOpenAiServer upstream = new LocalOpenAiServer(10);
             CloseableHttpClient client = HttpClients.custom()
                     .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().build()).build()) {
            Switchboard switchboard = Switchboard.builder().env(Map.of()).config(""
                    + "switchboard.providers.upstream { type = openai, base-url = \"" + upstream.baseUrl() + "\","
                    + " api-key = \"bench-key-not-real\", model = \"gpt-4o-mini\" }\n"
                    + "switchboard.routes.default.targets = [ upstream ]\n" + routeConfig).build();
            try (Gateway gateway = Gateway.start(switchboard, GatewayConfig.from(switchboard.config()).withPort(0))) {
                String url = gateway.baseUrl() + "/chat/completions";
                for (int i = 0; i < WARM_UP; i++) {
                    post(client, url, request);
                }
                Map<Long, Long> before = allocated();
                Map<Long, Long> cpuBefore = cpu();
                for (int i = 0; i < MEASURED; i++) {
                    String result = post(client, url, request);
                    if (cacheResult != null && !cacheResult.equals(result)) {
                        throw new IllegalStateException("a measured answer was a cache " + result);
                    }
                }
                Map<Long, Long> after = allocated();
                Map<Long, Long> cpuAfter = cpu();
                Map<String, Long> byThread = new TreeMap<>();
                Map<String, Long> cpuByThread = new TreeMap<>();
                long total = 0;
                long cpuTotal = 0;
                for (Map.Entry<Long, Long> t : after.entrySet()) {
                    java.lang.management.ThreadInfo info = THREADS.getThreadInfo(t.getKey());
                    if (info == null || t.getKey() == Thread.currentThread().getId()
                            || info.getThreadName().startsWith("HTTP-")) { // the upstream server's threads
                        continue;
                    }
                    long bytes = t.getValue() - before.getOrDefault(t.getKey(), 0L);
                    total += bytes;
                    String name = info.getThreadName().replaceAll("[0-9]+", "N");
                    byThread.merge(name, bytes, Long::sum);
                    long nanos = cpuAfter.getOrDefault(t.getKey(), 0L) - cpuBefore.getOrDefault(t.getKey(), 0L);
                    cpuTotal += nanos;
                    cpuByThread.merge(name, nanos, Long::sum);
                }
                System.out.println("bytes the gateway allocated per request" + what + " (" + MEASURED + " requests after " + WARM_UP
                        + " to warm up, one connection), by thread:");
                for (Map.Entry<String, Long> e : byThread.entrySet()) {
                    if (e.getValue() / MEASURED > 0) {
                        System.out.printf("%8d  %s%n", e.getValue() / MEASURED, e.getKey());
                    }
                }
                System.out.printf("%8d  in all%n", total / MEASURED);
                // CPU depends on the machine and what else runs on it, unlike the bytes: compare runs made side by side
                System.out.println("CPU time of the gateway's threads per request, microseconds:");
                for (Map.Entry<String, Long> e : cpuByThread.entrySet()) {
                    if (e.getValue() / MEASURED >= 100) {
                        System.out.printf("%8.1f  %s%n", e.getValue() / 1000.0 / MEASURED, e.getKey());
                    }
                }
                System.out.printf("%8.1f  in all%n", cpuTotal / 1000.0 / MEASURED);
            }
            switchboard.close();
        }
    }

    /** Sends one request; returns its answer's {@code x-switchboard-cache} header, or null. */
    private static String post(CloseableHttpClient client, String url, byte[] request) throws Exception {
        HttpPost post = new HttpPost(url);
        post.setEntity(new ByteArrayEntity(request, ContentType.APPLICATION_JSON));
        return client.execute(post, response -> {
            if (response.getCode() != 200) {
                throw new IllegalStateException("the gateway answered " + response.getCode());
            }
            try (InputStream body = response.getEntity().getContent()) {
                body.readAllBytes();
            }
            org.apache.hc.core5.http.Header cache = response.getFirstHeader("x-switchboard-cache");
            return cache == null ? null : cache.getValue();
        });
    }

    /** CPU time so far of every live thread, by id (threads that report none are left out). */
    private static Map<Long, Long> cpu() {
        Map<Long, Long> byId = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                byId.put(id, nanos);
            }
        }
        return byId;
    }

    private static Map<Long, Long> allocated() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byId = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byId.put(ids[i], bytes[i]);
            }
        }
        return byId;
    }
}
