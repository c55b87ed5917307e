package dev.switchboard.gateway;

import dev.switchboard.api.AllTargetsFailedException;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.runtime.BudgetExceededException;
import dev.switchboard.runtime.RequestRejectedException;
import dev.switchboard.spi.SecretRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * An error answer in OpenAI's shape: the HTTP status, {@code error.type}, {@code error.code}, {@code error.param}
 * and the message, plus the seconds for {@code Retry-After} when known. The message and code are masked with
 * {@link SecretRegistry#global()}: whatever an upstream echoed, no secret goes back to the client.
 */
record ErrorReply(int status, String type, String code, String param, String message, Duration retryAfter,
                  String kind) {

    ErrorReply {
        message = SecretRegistry.global().mask(message);
        code = SecretRegistry.global().mask(code);
    }

    static ErrorReply invalidRequest(String param, String message) {
        return new ErrorReply(400, "invalid_request_error", null, param, message, null, "invalid_request");
    }

    static ErrorReply unknownModel(String message) {
        return new ErrorReply(404, "invalid_request_error", "model_not_found", "model", message, null, "model_not_found");
    }

    static ErrorReply notFound(String message) {
        return new ErrorReply(404, "invalid_request_error", "not_found", null, message, null, "not_found");
    }

    static ErrorReply methodNotAllowed(String message) {
        return new ErrorReply(405, "invalid_request_error", "method_not_allowed", null, message, null, "method_not_allowed");
    }

    static ErrorReply tooLarge(long limit) {
        return new ErrorReply(413, "invalid_request_error", "request_too_large", null, "The request body is larger than"
                + " this gateway accepts (" + limit + " bytes; switchboard.gateway.max-body).", null, "request_too_large");
    }

    /** How a client sends the gateway key, as the 401 says it; the Messages API names its own header too. */
    static final String BEARER_HINT = "'Authorization: Bearer <key>'";
    static final String MESSAGES_KEY_HINT = "'x-api-key: <key>' (or " + BEARER_HINT + ")";

    static ErrorReply unauthorized(boolean presented) {
        return new ErrorReply(401, "invalid_request_error", "invalid_api_key", null, presented
                ? "Incorrect API key provided. Send one of the gateway's keys (switchboard.gateway.keys) as "
                        + BEARER_HINT + "."
                : "You didn't provide an API key. Send one of the gateway's keys (switchboard.gateway.keys) as "
                        + BEARER_HINT + ".", null, "unauthorized");
    }

    /** A valid key asking for what its role does not allow (a plain key and {@code /metrics}). */
    static ErrorReply permissionDenied(String message) {
        return new ErrorReply(403, "invalid_request_error", "permission_denied", null, message, null,
                "permission_denied");
    }

    /** How soon a client may retry while the state backend is away: a probe looks for it about this often. */
    static final Duration STATE_RETRY_AFTER = Duration.ofSeconds(1);

    /** 503 {@code state_unavailable}: the state backend cannot be reached now; Retry-After says when to try again. */
    static ErrorReply stateUnavailable(String message, Duration retryAfter) {
        return new ErrorReply(503, "server_error", "state_unavailable", null, message, retryAfter, "state_unavailable");
    }

    static ErrorReply unavailable(String message) {
        return new ErrorReply(503, "server_error", "unavailable", null, message, null, "unavailable");
    }

    /**
     * 503: {@code max-concurrent-requests} are being served; a second is a fair guess at when one has ended (as the
     * refusal of a connection past {@code max-connections} says).
     */
    static ErrorReply busy() {
        return new ErrorReply(503, "server_error", "unavailable", null, "The gateway is serving as many requests as it"
                + " may (switchboard.gateway.max-concurrent-requests); retry shortly.", Duration.ofSeconds(1), "unavailable");
    }

    /**
     * The gateway itself failed. The answer names no Java class or message (they are the operator's, and may say
     * more than a client should know), only the request id under which the gateway's log has the details.
     */
    static ErrorReply internal(String requestId) {
        return new ErrorReply(500, "server_error", "internal_error", null, "The gateway failed to answer this request"
                + " (request id " + requestId + "; its log has the details). Retry, or report the id.", null, "internal");
    }

    /** A request body that arrived slower than switchboard.gateway.min-body-rate. */
    static ErrorReply tooSlow(String message) {
        return new ErrorReply(408, "invalid_request_error", "request_timeout", null, message, null, "request_timeout");
    }

    /** A key over its own requests or tokens per minute: nothing was sent upstream. */
    static ErrorReply keyRateLimited(String key, String reason, Duration retryAfter) {
        return new ErrorReply(429, "rate_limit_error", "rate_limit_exceeded", null, "Rate limit reached for key '" + key
                + "' on this gateway: " + reason + ". Retry after the time in the retry-after header.", retryAfter,
                "rate_limit");
    }

    /** A key's or a route's budget is spent for its period: 429 with code {@value BudgetExceededException#CODE}. */
    static ErrorReply budgetExceeded(BudgetExceededException e) {
        return new ErrorReply(429, "insufficient_quota", BudgetExceededException.CODE, null, oneLine(e.getMessage()),
                e.retryAfter().orElse(null), "budget_exceeded");
    }

    /** Whether a client should not retry this answer on its own (a spent budget does not come back by retrying). */
    boolean noRetry() {
        return BudgetExceededException.CODE.equals(code);
    }

    static ErrorReply of(OpenAiServerCodec.InvalidRequest e) {
        return invalidRequest(e.param(), e.getMessage());
    }

    /**
     * A route's failure: the provider rejected the request (400 with its message); no target can serve the operation
     * (every failure {@code UNSUPPORTED}, e.g. embeddings from chat-only providers: 400 {@code unsupported}, the
     * caller's mistake, not to be retried); or every target failed: 429 when every failure was a rate limit, 503
     * when every failure was a rate limit, an overload or a skip for a cooldown or the gateway's own rate limit, else
     * 502, whatever the last target's failure was; 429 and 503 carry Retry-After, the earliest time a target is
     * available again (the smallest hint among the failures, a cooldown's or local limit's time left included). The
     * message names each provider tried and why. 503 {@code state_unavailable} when the state backend was unreachable
     * and {@code switchboard.state.on-failure = deny}.
     */
    static ErrorReply of(LlmException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT);
        if (e instanceof BudgetExceededException b) {
            return budgetExceeded(b);
        }
        if (e.code().filter("state_unavailable"::equals).isPresent()) { // switchboard.state.on-failure = deny
            String message = oneLine(e.getMessage());
            int said = message.indexOf("state_unavailable: "); // the exception's "switchboard: HTTP 503 ..." prefix
            return stateUnavailable(said >= 0 ? message.substring(said + "state_unavailable: ".length()) : message,
                    e.retryAfter().orElse(STATE_RETRY_AFTER));
        }
        if (e instanceof RequestRejectedException || !e.kind().isFallbackWorthy()) {
            return new ErrorReply(400, "invalid_request_error", e.code().orElse(null), null, oneLine(e.getMessage()),
                    null, kind);
        }
        boolean allUnsupported = e.kind() == ErrorKind.UNSUPPORTED;
        boolean allRateLimits = e.kind() == ErrorKind.RATE_LIMIT;
        boolean allBusy = allRateLimits || e.kind() == ErrorKind.OVERLOADED;
        Duration retryAfter = e.retryAfter().orElse(null);
        if (e instanceof AllTargetsFailedException all) {
            allUnsupported = allRateLimits = allBusy = true;
            java.util.Map<String, Attempt.Outcome> lastOutcome = new java.util.HashMap<>();
            for (Attempt a : all.attempts()) {
                lastOutcome.put(a.provider(), a.outcome());
            }
            for (AllTargetsFailedException.TargetFailure f : all.failures()) {
                ErrorKind k = f.error().kind();
                Attempt.Outcome last = lastOutcome.get(providerOf(f.target()));
                // A target skipped for its cooldown or the gateway's own rate limit is busy for a while, whatever
                // failure opened its cooldown: the route may work again once it is back.
                boolean waiting = last == Attempt.Outcome.SKIPPED_COOLDOWN || last == Attempt.Outcome.SKIPPED_LOCAL_LIMIT;
                allUnsupported &= k == ErrorKind.UNSUPPORTED;
                allRateLimits &= k == ErrorKind.RATE_LIMIT;
                allBusy &= waiting || k == ErrorKind.RATE_LIMIT || k == ErrorKind.OVERLOADED;
                Duration hint = f.error().retryAfter().orElse(null);
                if (hint != null && (retryAfter == null || hint.compareTo(retryAfter) < 0)) {
                    retryAfter = hint; // the earliest time a target is available again
                }
            }
        } else if (!allUnsupported) {
            allRateLimits = allBusy = false; // one provider's own failure: a route of one target answers as below
        }
        if (allUnsupported) {
            return new ErrorReply(400, "invalid_request_error", "unsupported", null, oneLine(e.getMessage()), null,
                    kind);
        }
        if (allRateLimits) {
            return new ErrorReply(429, "rate_limit_error", "rate_limit_exceeded", null, oneLine(e.getMessage()),
                    retryAfter, kind);
        }
        if (allBusy) {
            return new ErrorReply(503, "server_error", "overloaded", null, oneLine(e.getMessage()), retryAfter, kind);
        }
        return new ErrorReply(502, "server_error", "upstream_failed", null, oneLine(e.getMessage()), null, kind);
    }

    /**
     * A stream's failure after its head went out: as {@link #of(LlmException)}, with the request id the gateway's
     * log line names, so a client can report what the operator can find.
     */
    static ErrorReply midStream(LlmException e, String requestId) {
        ErrorReply r = of(e);
        return new ErrorReply(r.status, r.type, r.code, r.param, r.message + " (request id " + requestId + ")",
                r.retryAfter, r.kind);
    }

    /** The error body. */
    byte[] body() {
        return JsonBodies.json(g -> OpenAiServerCodec.writeError(g, message, type, param, code));
    }

    /** The error as an SSE event, for a stream that fails after it started. */
    byte[] event() {
        return JsonBodies.event(g -> OpenAiServerCodec.writeError(g, message, type, param, code));
    }

    /** The provider of a target label ({@code provider} or {@code provider/model}). */
    private static String providerOf(String target) {
        int slash = target.indexOf('/');
        return slash < 0 ? target : target.substring(0, slash);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
