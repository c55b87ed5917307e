package dev.switchboard.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that answers every request with an error whose JSON body echoes every request header (the careless
 * proxy of a leak test): each {@code Name: value} raw, with every character JSON-escaped as &#92;uXXXX in the
 * body text (raw again once decoded), JSON-escaped twice (still escaped once decoded), URL-encoded, and base64
 * encoded. The echo is both in {@code error.message} (which error mappers quote) and in fields of its own. Loopback
 * only; close it after the test.
 */
public final class HeaderEchoServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final int status;
    private final AtomicInteger requests = new AtomicInteger();

    private HeaderEchoServer(int status) {
        this.status = status;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "header-echo");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::echo);
        server.start();
    }

    /** Starts a server that answers {@code status} (e.g. 401, or 500 for an error a route falls back on). */
    public static HeaderEchoServer start(int status) {
        return new HeaderEchoServer(status);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:12345} (any path is answered). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many requests it has answered. */
    public int requests() {
        return requests.get();
    }

    private void echo(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                for (String v : h.getValue()) {
                    lines.add(h.getKey() + ": " + v);
                }
            }
            String raw = String.join("; ", lines);
            String url = URLEncoder.encode(raw, StandardCharsets.UTF_8);
            StringBuilder base64 = new StringBuilder();
            for (String line : lines) {
                base64.append(Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8))).append(' ');
                String value = line.substring(line.indexOf(": ") + 2);
                base64.append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).append(' ');
            }
            String message = "request headers: " + jsonString(raw)
                    + " | escaped: " + escapeEvery(raw)
                    + " | double: " + escapeEvery(raw).replace("\\", "\\\\")
                    + " | url: " + url
                    + " | base64: " + base64.toString().strip();
            String body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\","
                    + "\"code\":\"echo\",\"headers\":\"" + escapeEvery(raw) + "\",\"url\":\"" + url
                    + "\",\"base64\":\"" + base64.toString().strip() + "\"}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            requests.incrementAndGet();
        }
    }

    /** The text as JSON string content, escaping only what JSON requires. */
    private static String jsonString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Every character as a JSON &#92;uXXXX escape. */
    private static String escapeEvery(String s) {
        StringBuilder sb = new StringBuilder(s.length() * 6);
        for (char c : s.toCharArray()) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
