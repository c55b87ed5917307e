package dev.switchboard.http;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.spi.ResponseLimits;
import java.io.IOException;

/**
 * Thrown by a response body that went past one of the provider's {@link ResponseLimits}. An {@link IOException} so it
 * travels through parsers and stream readers unchanged, to be turned into the provider's {@link LlmException} by
 * {@link StreamingResponse#failure} or {@link HttpProviderClient}.
 */
final class ResponseLimitExceededException extends IOException {

    private final String what;
    private final String key;
    private final long limit;

    /**
     * @param what  what went past the limit, e.g. "the response body"
     * @param key   the limit's key under {@code limits}, e.g. {@code max-response-bytes}
     * @param limit the limit in bytes
     */
    ResponseLimitExceededException(String what, String key, long limit) {
        super(what + " exceeds " + key + " (" + ResponseLimits.describe(limit) + ")");
        this.what = what;
        this.key = key;
        this.limit = limit;
    }

    /**
     * A {@code SERVER} failure of the provider, naming the config key to raise. Not retried on the same target (it
     * would most likely send the same again) but fallback-worthy, so a route moves on or resumes.
     */
    LlmException toLlmException(String provider) {
        return LlmException.builder(ErrorKind.SERVER, provider)
                .message("answer too large: " + what + " exceeds switchboard.providers." + provider + ".limits." + key
                        + " (" + ResponseLimits.describe(limit) + "); the rest was not read")
                .retryable(false)
                .build();
    }
}
