package dev.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A plain HTTP exchange with a gateway on loopback, for what an SDK hides: the status, the headers and the body as
 * sent, error answers included. Thread-safe (each call opens its own connection).
 */
public final class GatewayHttp {

    private GatewayHttp() {}

    /**
     * An answer: its status, its headers and its body's text.
     *
     * @param headers as {@link HttpURLConnection#getHeaderFields()} gives them (the status line under a null name)
     */
    public record Reply(int statusCode, Map<@Nullable String, List<String>> headers, String body) {

        /** The first value of header {@code name}, whatever its case. */
        public Optional<String> header(String name) {
            for (Map.Entry<@Nullable String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Sends {@code method path} to the gateway listening on {@code 127.0.0.1:port}, with {@code body} as JSON when
     * given and {@code headers} as name, value pairs; waits up to 30 s for the answer.
     */
    public static Reply send(int port, String method, String path, @Nullable String body, String... headers)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(30_000);
        c.setRequestMethod(method);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            c.setRequestProperty(headers[i], headers[i + 1]);
        }
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return new Reply(status, c.getHeaderFields(),
                    in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** {@code Authorization: Bearer key} as a header pair for {@link #send}; none when {@code key} is null. */
    public static String[] bearer(@Nullable String key) {
        return key == null ? new String[0] : new String[] {"Authorization", "Bearer " + key};
    }
}
