package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.HttpFailure;
import dev.switchboard.http.StandardErrorMapper;
import java.util.Locale;

/**
 * Anthropic's errors ({@code {"type": "error", "error": {"type", "message", "details"?}}}) on top of the standard
 * mapping, which already reads {@code error.type}: 529 and {@code overloaded_error} are
 * {@link ErrorKind#OVERLOADED}, {@code rate_limit_error} a rate limit, {@code not_found_error} on 404 an unknown
 * model. Added here: a monthly spend cap ({@code details.error_code = enforced_spend_limit_reached}, sent as a 429
 * {@code rate_limit_error} with no retry-after) and the 400 "reached your specified API usage limits" are
 * {@link ErrorKind#QUOTA}, not retryable, since waiting does not help; {@code billing_error} is a quota too;
 * {@code timeout_error} is a timeout.
 */
final class AnthropicErrorMapper extends StandardErrorMapper {

    static final AnthropicErrorMapper INSTANCE = new AnthropicErrorMapper();

    private static final String SPEND_LIMIT = "enforced_spend_limit_reached";

    @Override
    public LlmException map(HttpFailure f) {
        LlmException e = super.map(f);
        if (isSpendLimit(f.body(), e.getMessage())) {
            return LlmException.builder(ErrorKind.QUOTA, f.provider())
                    .status(f.status())
                    .code(spendLimitCode(f.body(), e))
                    .message(StandardErrorMapper.message(f.body(), f.bodyText()))
                    .build();
        }
        return e;
    }

    @Override
    protected ErrorKind kindForCode(String code, int status) {
        if (code != null) {
            switch (code.toLowerCase(Locale.ROOT)) {
                case "billing_error":
                    return ErrorKind.QUOTA;
                case "timeout_error":
                    return ErrorKind.TIMEOUT;
                default:
                    break;
            }
        }
        return super.kindForCode(code, status);
    }

    private static boolean isSpendLimit(JsonNode body, String message) {
        if (body != null && SPEND_LIMIT.equals(body.path("error").path("details").path("error_code").asText(""))) {
            return true;
        }
        // A spend limit the organisation or workspace set itself comes as a 400 invalid_request_error with this text.
        return message != null && message.toLowerCase(Locale.ROOT).contains("reached your specified")
                && message.toLowerCase(Locale.ROOT).contains("usage limits");
    }

    private static String spendLimitCode(JsonNode body, LlmException mapped) {
        String detail = body == null ? "" : body.path("error").path("details").path("error_code").asText("");
        return detail.isEmpty() ? mapped.code().orElse(null) : detail;
    }
}
