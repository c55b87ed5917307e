package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * A non-2xx response, handed to an {@link ErrorMapper}.
 *
 * @param provider the configured provider name
 * @param status   the HTTP status
 * @param headers  the response headers
 * @param bodyText the body as text, already redacted (may be empty)
 * @param body     the body as JSON, or null when it is not JSON
 * @param clock    for HTTP-date retry hints
 */
public record HttpFailure(String provider, int status, ResponseHeaders headers, String bodyText, @Nullable JsonNode body,
        Clock clock) {}
