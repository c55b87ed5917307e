package dev.switchboard.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny OpenAI-compatible server on 127.0.0.1: {@code POST /v1/chat/completions} streams the recorded SSE answer
 * event by event (flushed, as the API sends it), {@code GET /v1/models} lists one model. Requests are recorded.
 */
final class OpenAiSseStub implements AutoCloseable {

    /** A recorded request: method, path, Authorization header and body. */
    record Request(String method, String path, String authorization, String body) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> events;

    OpenAiSseStub() {
        events = events(load("fixtures/openai/chat-stream-text.sse"));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/models", this::models);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The text the recorded answer carries: its content deltas joined. */
    String answerText() {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            if (e.startsWith("data: {")) {
                try {
                    for (JsonNode choice : new ObjectMapper().readTree(e.substring("data: ".length())).path("choices")) {
                        sb.append(choice.path("delta").path("content").asText(""));
                    }
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            }
        }
        return sb.toString();
    }

    private void chat(HttpExchange exchange) throws IOException {
        record(exchange);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : events) {
                out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private void models(HttpExchange exchange) throws IOException {
        record(exchange);
        byte[] body = "{\"object\":\"list\",\"data\":[{\"id\":\"stub-model\",\"object\":\"model\",\"created\":1686935002,\"owned_by\":\"organization-owner\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void record(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    /** The SSE body split into its events (blank-line separated). */
    private static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String e : body.replace("\r\n", "\n").split("\n\n")) {
            if (!e.isBlank()) {
                out.add(e.strip());
            }
        }
        return out;
    }

    private static String load(String resource) {
        try (InputStream in = OpenAiSseStub.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port nothing listens on: bound, then released. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
