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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that answers every request with an error whose JSON body echoes every request header (the careless
 * proxy of a leak test), credential-looking headers first. The first path segment picks the form of the echo in
 * {@code error.message} (which error mappers quote): {@code /raw/...} the headers as they came; {@code /json/...}
 * every character JSON-escaped as &#92;uXXXX in the body text (raw again once decoded); {@code /double/...} escaped
 * twice (still escaped once decoded); {@code /url/...} URL-encoded; {@code /base64/...} each header line and each
 * value base64-encoded; any other path all of these at once. {@code error.headers} always holds the escaped echo.
 * Loopback only; close it after the test.
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

    /** The root URL, e.g. {@code http://127.0.0.1:12345} (any path is answered; see the forms above). */
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
            // credentials first, so that a client cutting a long message keeps the part a leak test is about
            lines.sort(Comparator.comparing((String l) -> !looksLikeCredential(l)).thenComparing(l -> l));
            String path = exchange.getRequestURI().getPath();
            String form = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
            String message = switch (form) {
                case "raw" -> "raw echo: " + jsonString(String.join("; ", lines));
                case "json" -> "json echo: " + escapeEvery(String.join("; ", lines));
                case "double" -> "double echo: " + escapeEvery(String.join("; ", lines)).replace("\\", "\\\\");
                case "url" -> "url echo: " + URLEncoder.encode(String.join("; ", lines), StandardCharsets.UTF_8);
                case "base64" -> "base64 echo: " + base64(lines);
                default -> "request headers: " + jsonString(String.join("; ", lines))
                        + " | escaped: " + escapeEvery(String.join("; ", lines))
                        + " | url: " + URLEncoder.encode(String.join("; ", lines), StandardCharsets.UTF_8)
                        + " | base64: " + base64(lines);
            };
            String body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\","
                    + "\"code\":\"echo\",\"headers\":\"" + escapeEvery(String.join("; ", lines)) + "\"}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            requests.incrementAndGet();
        }
    }

    private static boolean looksLikeCredential(String line) {
        String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
        return name.contains("auth") || name.contains("key") || name.contains("token") || name.contains("cookie")
                || name.contains("secret") || name.contains("signature");
    }

    /** Each whole line and each value alone, base64-encoded. */
    private static String base64(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            String value = line.substring(line.indexOf(": ") + 2);
            sb.append(Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8))).append(' ')
                    .append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).append(' ');
        }
        return sb.toString().strip();
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
