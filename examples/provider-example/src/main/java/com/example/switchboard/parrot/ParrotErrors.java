package com.example.switchboard.parrot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.HttpFailure;
import dev.switchboard.http.Json;
import dev.switchboard.http.Redactor;
import dev.switchboard.http.RetryHints;
import dev.switchboard.http.StandardErrorMapper;
import java.time.Duration;
import java.util.Optional;

/**
 * Parrot's errors, {@code {"fault": {"reason": ..., "detail": ..., "retry_in_seconds": ...}}}, as an HTTP error body
 * or as the data of a {@code fault} event mid-stream. The reason decides the {@link ErrorKind} (routes fall back or
 * retry on it), else the status does; the retry hint is {@code Retry-After} when sent, else
 * {@code retry_in_seconds}. Stateless.
 */
final class ParrotErrors implements ErrorMapper {

    @Override
    public LlmException map(HttpFailure failure) {
        JsonNode fault = failure.body() == null ? MissingNode.getInstance() : failure.body().path("fault");
        String reason = Json.text(fault, "reason");
        String detail = Json.text(fault, "detail");
        return LlmException.builder(kind(reason).orElse(StandardErrorMapper.kindForStatus(failure.status())), failure.provider())
                .status(failure.status())
                .code(reason)
                .message(detail != null ? detail : StandardErrorMapper.message(failure.body(), failure.bodyText()))
                .retryAfter(RetryHints.fromHeaders(failure.headers(), failure.clock()).or(() -> retryIn(fault)).orElse(null))
                .build();
    }

    /** A fault mid-stream: the answer broke off, so an unknown reason is an interrupted stream another try may finish. */
    @Override
    public LlmException mapStreamError(String provider, JsonNode fault) {
        String reason = Json.text(fault, "reason");
        return LlmException.builder(kind(reason).orElse(ErrorKind.STREAM_INTERRUPTED), provider)
                .code(reason)
                // a stream's body does not pass the client's redactor, so mask anything shaped like a credential
                .message(Redactor.patternsOnly().redact("fault in stream: " + Json.text(fault, "detail")))
                .retryAfter(retryIn(fault).orElse(null))
                .build();
    }

    /** The reasons the Parrot API documents. */
    private static Optional<ErrorKind> kind(String reason) {
        if (reason == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (reason) {
            case "bad_key", "key_revoked" -> ErrorKind.AUTHENTICATION;
            case "slow_down" -> ErrorKind.RATE_LIMIT;
            case "out_of_credit" -> ErrorKind.QUOTA;
            case "no_such_model" -> ErrorKind.MODEL_NOT_FOUND;
            case "too_many_tokens" -> ErrorKind.CONTEXT_LENGTH;
            case "blocked" -> ErrorKind.CONTENT_FILTER;
            case "bad_request" -> ErrorKind.INVALID_REQUEST;
            case "overloaded" -> ErrorKind.OVERLOADED;
            case "internal" -> ErrorKind.SERVER;
            default -> null;
        });
    }

    private static Optional<Duration> retryIn(JsonNode fault) {
        JsonNode seconds = fault.path("retry_in_seconds");
        return seconds.isNumber() && seconds.asDouble() >= 0
                ? Optional.of(Duration.ofMillis(Math.round(seconds.asDouble() * 1000))) : Optional.empty();
    }
}
