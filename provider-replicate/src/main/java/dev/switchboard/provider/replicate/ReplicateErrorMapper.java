package dev.switchboard.provider.replicate;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.Redactor;
import dev.switchboard.http.StandardErrorMapper;

/**
 * Replicate answers errors as problem details ({@code {"title", "detail", "status"}}), which the standard mapping
 * reads ({@code detail} is the message; a 429's "Expected available in N seconds" is the retry hint). A prediction
 * that failed is not an HTTP error: its {@code error} text is mapped here, by what it says, else as a server failure
 * another try may not repeat.
 */
final class ReplicateErrorMapper extends StandardErrorMapper {

    static final ReplicateErrorMapper INSTANCE = new ReplicateErrorMapper();

    /** A prediction whose status is {@code failed}. */
    LlmException predictionFailed(String provider, String id, String error) {
        String text = error == null || error.isBlank() ? "no error given" : error;
        ErrorKind kind = kindForMessage(text, 0);
        return LlmException.builder(kind == null ? ErrorKind.SERVER : kind, provider)
                .code("failed")
                .message(Redactor.patternsOnly().redact("prediction " + id + " failed: " + text))
                .build();
    }
}
