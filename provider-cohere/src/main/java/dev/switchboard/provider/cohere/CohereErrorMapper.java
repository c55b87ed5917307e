package dev.switchboard.provider.cohere;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.http.HttpFailure;
import dev.switchboard.http.StandardErrorMapper;
import dev.switchboard.api.LlmException;

/**
 * Cohere's errors are {@code {"id": "...", "message": "..."}} with the HTTP status saying what kind; beyond the
 * common statuses its SDK names 498 (invalid token: authentication) and 499 (the request was closed before it
 * finished: a timeout another try may beat); 501 means the model does not offer the feature.
 */
final class CohereErrorMapper extends StandardErrorMapper {

    static final CohereErrorMapper INSTANCE = new CohereErrorMapper();

    @Override
    public LlmException map(HttpFailure f) {
        ErrorKind kind = switch (f.status()) {
            case 498 -> ErrorKind.AUTHENTICATION;
            case 499 -> ErrorKind.TIMEOUT;
            case 501 -> ErrorKind.UNSUPPORTED;
            default -> null;
        };
        if (kind == null) {
            return super.map(f);
        }
        return LlmException.builder(kind, f.provider()).status(f.status())
                .message(StandardErrorMapper.message(f.body(), f.bodyText())).build();
    }
}
