package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.HttpFailure;
import dev.switchboard.http.RetryHints;
import dev.switchboard.http.StandardErrorMapper;
import java.util.Locale;

/**
 * Gemini's errors are Google API errors: {@code {"error": {"code", "message", "status", "details": [...]}}} with a
 * gRPC status name. Beyond the standard mapping: a bad key comes as 400 {@code INVALID_ARGUMENT} with an
 * {@code ErrorInfo} reason {@code API_KEY_INVALID} (authentication, not the caller's request); a 429
 * {@code RESOURCE_EXHAUSTED} whose quota is {@code limit: 0} (the model is not in the key's plan) is a quota, which
 * waiting does not fix; {@code FAILED_PRECONDITION} (e.g. the free tier is not offered in the caller's region) is an
 * access problem another provider may not have; the retry hint comes from {@code RetryInfo.retryDelay}.
 */
final class GeminiErrorMapper extends StandardErrorMapper {

    static final GeminiErrorMapper INSTANCE = new GeminiErrorMapper();

    @Override
    public LlmException map(HttpFailure f) {
        String reason = errorInfoReason(f.body());
        ErrorKind kind = null;
        if (reason != null && reason.startsWith("API_KEY_")) {
            kind = ErrorKind.AUTHENTICATION;
        } else if (f.status() == 429 && StandardErrorMapper.message(f.body(), f.bodyText()).contains("limit: 0")) {
            kind = ErrorKind.QUOTA;
        }
        if (kind == null) {
            return super.map(f);
        }
        return LlmException.builder(kind, f.provider())
                .status(f.status())
                .code(reason != null ? reason : StandardErrorMapper.code(f.body()))
                .message(StandardErrorMapper.message(f.body(), f.bodyText()))
                .retryAfter(RetryHints.find(f.headers(), f.body(), f.bodyText(), f.clock()).orElse(null))
                .build();
    }

    @Override
    protected ErrorKind kindForCode(String code, int status) {
        if (code == null) {
            return null;
        }
        return switch (code.toUpperCase(Locale.ROOT)) {
            case "NOT_FOUND" -> ErrorKind.MODEL_NOT_FOUND;
            case "FAILED_PRECONDITION" -> ErrorKind.AUTHENTICATION;
            case "INTERNAL", "UNKNOWN" -> ErrorKind.SERVER;
            case "CANCELLED" -> ErrorKind.STREAM_INTERRUPTED;
            default -> super.kindForCode(code, status);
        };
    }

    @Override
    protected ErrorKind kindForMessage(String message, int status) {
        if (message != null && status < 500 && status != 429
                && message.toLowerCase(Locale.ROOT).contains("exceeds the maximum number of tokens")) {
            return ErrorKind.CONTEXT_LENGTH;
        }
        return super.kindForMessage(message, status);
    }

    /** The {@code reason} of a {@code google.rpc.ErrorInfo} detail, e.g. {@code API_KEY_INVALID}. */
    private static String errorInfoReason(JsonNode body) {
        if (body == null) {
            return null;
        }
        for (JsonNode detail : body.path("error").path("details")) {
            if (detail.path("@type").asText("").endsWith("google.rpc.ErrorInfo") && detail.hasNonNull("reason")) {
                return detail.get("reason").asText();
            }
        }
        return null;
    }
}
