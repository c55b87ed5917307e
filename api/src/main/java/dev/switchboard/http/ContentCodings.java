package dev.switchboard.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.entity.DeflateInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The content codings the non-blocking client accepts, decoded as the blocking client's content-compression step
 * decodes them: gzip (also as x-gzip) and deflate. An answer is gathered as it came and decoded when it is read.
 */
final class ContentCodings {

    /** The Accept-Encoding both clients send. */
    static final String ACCEPTED = "gzip, x-gzip, deflate";

    private ContentCodings() {}

    /** The coding a Content-Encoding header names, in lower case; null for none (absent, empty or identity). */
    static @Nullable String coding(@Nullable String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return null;
        }
        String coding = contentEncoding.strip().toLowerCase(Locale.ROOT);
        return coding.equals("identity") ? null : coding;
    }

    /**
     * A reader of the JSON answer in {@code bytes}, decoded when {@code coding} says so; the decoded answer is held to
     * {@code maxBytes} like a plain one (a small compressed body can hold a large answer).
     */
    static JsonReader answer(@Nullable String coding, byte[] bytes, int length, long maxBytes) throws IOException {
        if (coding == null) {
            return Json.reader(bytes, 0, length);
        }
        InputStream decoded = decode(coding, new ByteArrayInputStream(bytes, 0, length));
        return Json.reader(new LimitedInputStream(decoded, maxBytes, "the response body", "max-response-bytes", 0,
                () -> { })); // nothing to drop: the whole body has been received
    }

    /**
     * Up to {@code maxBytes} of what {@code bytes} decode to: as much as decodes of a cut or broken body, the bytes as
     * they are when the coding is unknown (the start of an error's body, for its message).
     */
    static byte[] decodeStart(String coding, byte[] bytes, int length, int maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try (InputStream in = decode(coding, new ByteArrayInputStream(bytes, 0, length))) {
            int n;
            while (out.size() < maxBytes && (n = in.read(chunk, 0, Math.min(chunk.length, maxBytes - out.size()))) > 0) {
                out.write(chunk, 0, n);
            }
        } catch (ClientProtocolException unknown) {
            return java.util.Arrays.copyOf(bytes, Math.min(length, maxBytes));
        } catch (IOException cutOrBroken) {
            // what was decoded before the break is the message
        }
        return out.toByteArray();
    }

    private static InputStream decode(String coding, InputStream raw) throws IOException {
        return switch (coding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(raw);
            case "deflate" -> new DeflateInputStream(raw);
            default -> throw new ClientProtocolException("Unsupported Content-Encoding: " + coding);
        };
    }
}
