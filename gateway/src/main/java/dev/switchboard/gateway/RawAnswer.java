package dev.switchboard.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A whole HTTP/1.1 answer as bytes, for a connection refused before any exchange exists (its request head broke a
 * limit, or it is one connection too many): status line, a few headers and an OpenAI-shaped error body, with
 * {@code connection: close}.
 */
final class RawAnswer {

    private RawAnswer() {}

    static byte[] of(HeadScanner.Refusal refusal) {
        boolean unavailable = refusal.status() == 503;
        byte[] body = new ErrorReply(refusal.status(), unavailable ? "server_error" : "invalid_request_error",
                refusal.code(), null, refusal.message(), null, refusal.code()).body();
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(refusal.status()).append(' ').append(reason(refusal.status())).append("\r\n")
                .append("content-type: application/json\r\n")
                .append("content-length: ").append(body.length).append("\r\n");
        if (unavailable) {
            head.append("retry-after: 1\r\n");
        }
        head.append("connection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    /** A duration as people write it in the config: {@code 30s}, {@code 250ms}. */
    static String text(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
