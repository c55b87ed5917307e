package dev.switchboard.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny Parrot API on 127.0.0.1, the made-up API the example plugin speaks: {@code POST /v2/generate} streams a
 * fixed answer as Parrot's named events, flushed one by one. Requests are recorded.
 */
final class ParrotStub implements AutoCloseable {

    static final String ANSWER = "Polly wants a cracker.";

    /** A recorded request: its path and X-Parrot-Key header. */
    record Request(String path, String key) {}

    private static final List<String> EVENTS = List.of(
            "event: begin\ndata: {\"generation_id\":\"gen_dist\",\"model\":\"parrot-small\"}",
            "event: text\ndata: {\"text\":\"Polly wants \"}",
            "event: text\ndata: {\"text\":\"a cracker.\"}",
            "event: done\ndata: {\"stop\":\"complete\",\"tokens\":{\"in\":5,\"out\":6}}");

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    ParrotStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v2/generate", this::generate);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void generate(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        requests.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("X-Parrot-Key")));
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : EVENTS) {
                out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
