package dev.switchboard.runtime;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.time.Duration;
import java.util.Locale;

/** Provider failures for scripts. */
final class Errors {

    private Errors() {}

    static LlmException error(ErrorKind kind, String provider) {
        return LlmException.builder(kind, provider).message(kind.name().toLowerCase(Locale.ROOT) + " from " + provider).build();
    }

    static LlmException rateLimit(String provider, Duration hint) {
        return LlmException.builder(ErrorKind.RATE_LIMIT, provider).status(429).retryAfter(hint)
                .message("slow down").build();
    }
}
