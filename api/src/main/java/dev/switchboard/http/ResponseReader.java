package dev.switchboard.http;

import java.io.IOException;

/**
 * Reads a successful JSON answer as it arrives, straight into what the caller wants, with no intermediate tree (see
 * {@link HttpProviderClient#postJson(java.net.URI, java.util.Map, BodyWriter, ResponseReader)}). The reader is on the
 * answer's first token; the client has already refused empty and oversized bodies and maps what the reader throws:
 * invalid JSON (Jackson's parse errors) is a {@code SERVER} failure with a redacted message, an
 * {@link dev.switchboard.api.LlmException} passes through as it is.
 */
@FunctionalInterface
public interface ResponseReader<T> {
    T read(JsonReader body, ResponseHeaders headers) throws IOException;
}
