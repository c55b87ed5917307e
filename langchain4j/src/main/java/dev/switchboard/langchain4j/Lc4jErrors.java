package dev.switchboard.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.switchboard.api.LlmException;

/**
 * A Switchboard failure as the LangChain4j exception of the same meaning, so code that catches LangChain4j's types
 * keeps working; the {@link LlmException} (with its kind, status and attempt trail) is the cause.
 */
final class Lc4jErrors {

    private Lc4jErrors() {}

    static RuntimeException map(RuntimeException e) {
        if (!(e instanceof LlmException failure)) {
            return e;
        }
        String message = failure.getMessage();
        return switch (failure.kind()) {
            case AUTHENTICATION -> new AuthenticationException(message, failure);
            case RATE_LIMIT -> new RateLimitException(message, failure);
            case QUOTA -> new NonRetriableException(message, failure);
            case SERVER, OVERLOADED, STREAM_INTERRUPTED -> new InternalServerException(message, failure);
            case TIMEOUT -> new TimeoutException(message, failure);
            case CONNECTION -> new RetriableException(message, failure);
            case INVALID_REQUEST, CONTEXT_LENGTH -> new InvalidRequestException(message, failure);
            case MODEL_NOT_FOUND -> new ModelNotFoundException(message, failure);
            case CONTENT_FILTER -> new ContentFilteredException(message, failure);
            case UNSUPPORTED -> (RuntimeException) new UnsupportedFeatureException(message).initCause(failure);
            default -> new LangChain4jException(message, failure);
        };
    }
}
