package dev.switchboard.runtime;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.LlmException;
import java.util.List;
import java.util.Objects;

/**
 * A route stopped because a target judged the request itself invalid ({@code INVALID_REQUEST}): no other provider
 * would accept it, so the route tried no further. Kind, provider, status, code, retry hint, details and message are
 * those of the provider's failure (its {@link #getCause() cause}); {@link #attempts()} holds the route's trail, the
 * rejected try last.
 */
public final class RequestRejectedException extends LlmException {

    private static final long serialVersionUID = 1L;

    public RequestRejectedException(LlmException failure, List<Attempt> attempts) {
        super(LlmException.builder(failure.kind(), failure.provider())
                .status(failure.status().orElse(0))
                .code(failure.code().orElse(null))
                .retryAfter(failure.retryAfter().orElse(null))
                .details(failure.details())
                .retryable(failure.isRetryable())
                .message(failure.getMessage())
                .cause(failure)
                .attempts(Objects.requireNonNull(attempts, "attempts")));
    }

    /** The provider's own message, unchanged. */
    @Override
    public String getMessage() {
        return getCause().getMessage();
    }
}
