package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps error responses of the common shapes (OpenAI {@code error{message,type,code}}, Anthropic
 * {@code error{type,message}}, Gemini {@code error{code,message,status}}, Ollama {@code {"error": "..."}},
 * {@code {"detail": ...}}, {@code {"message": ...}}) by status, then refines the kind by the provider's code and
 * message. Subclass it for a provider's extra facts ({@link #details}) or codes ({@link #kindForCode}).
 */
public class StandardErrorMapper implements ErrorMapper {

    public static final StandardErrorMapper INSTANCE = new StandardErrorMapper();

    @Override
    public LlmException map(HttpFailure f) {
        if (f.status() >= 300 && f.status() < 400) {
            return redirect(f);
        }
        JsonNode body = f.body();
        String message = message(body, f.bodyText());
        String code = code(body);
        ErrorKind kind = kindForCode(code, f.status());
        if (kind == null) {
            kind = kindForMessage(message, f.status());
        }
        if (kind == null) {
            kind = kindForStatus(f.status());
        }
        return LlmException.builder(kind, f.provider())
                .status(f.status())
                .code(code)
                .message(message)
                .retryAfter(RetryHints.find(f.headers(), body, f.bodyText(), f.clock()).orElse(null))
                .retryable(RetryHints.shouldRetry(f.headers()).orElse(null))
                .details(details(f))
                .build();
    }

    /**
     * Providers' APIs do not redirect; one that does is almost always a wrong base URL (http instead of https, a
     * missing path prefix). Another provider may well answer, so this is not the caller's error, and retrying the
     * same URL cannot help.
     */
    private static LlmException redirect(HttpFailure f) {
        String location = f.headers().get("location").map(l -> " to " + l).orElse("");
        return LlmException.builder(ErrorKind.SERVER, f.provider())
                .status(f.status())
                .message("redirected" + location + ": check the provider's base-url")
                .retryable(false)
                .build();
    }

    /**
     * An error sent inside a stream: the kind its code names, else {@link ErrorKind#STREAM_INTERRUPTED} (the
     * answer broke off; another try or provider may finish it).
     */
    @Override
    public LlmException mapStreamError(String provider, JsonNode error) {
        String code = null;
        String message;
        if (error.isObject()) {
            code = code(Json.object().set("error", error));
            message = Json.text(error, "message");
        } else {
            message = error.asText();
        }
        ErrorKind kind = kindForCode(code, 0);
        if (kind == null) {
            kind = kindForMessage(message, 0);
        }
        // a stream's body does not pass the client's redactor: mask anything shaped like a credential here
        return LlmException.builder(kind == null ? ErrorKind.STREAM_INTERRUPTED : kind, provider)
                .code(code)
                .message(Redactor.patternsOnly().redact("error in stream: " + (message == null ? error.toString() : message)))
                .build();
    }

    /** The kind an HTTP status means when the body says nothing more precise. */
    public static ErrorKind kindForStatus(int status) {
        return switch (status) {
            case 400, 422 -> ErrorKind.INVALID_REQUEST;
            case 401, 403 -> ErrorKind.AUTHENTICATION;
            case 402 -> ErrorKind.QUOTA;
            case 404 -> ErrorKind.MODEL_NOT_FOUND;
            case 408 -> ErrorKind.TIMEOUT;
            case 413 -> ErrorKind.CONTEXT_LENGTH;
            case 429 -> ErrorKind.RATE_LIMIT;
            case 503, 529 -> ErrorKind.OVERLOADED;
            default -> status >= 500 || status == 409 ? ErrorKind.SERVER : ErrorKind.INVALID_REQUEST;
        };
    }

    /** The kind a provider error code or type means, or null to decide by message and status. */
    protected ErrorKind kindForCode(String code, int status) {
        if (code == null) {
            return null;
        }
        return switch (code.toLowerCase(Locale.ROOT)) {
            case "insufficient_quota", "billing_hard_limit_reached", "billing_not_active" -> ErrorKind.QUOTA;
            case "context_length_exceeded", "string_above_max_length", "request_too_large" -> ErrorKind.CONTEXT_LENGTH;
            case "content_filter", "content_policy_violation", "responsibleaipolicyviolation" -> ErrorKind.CONTENT_FILTER;
            case "model_not_found", "deploymentnotfound", "not_found_error" ->
                    status == 404 || code.toLowerCase(Locale.ROOT).contains("model") || code.contains("Deployment")
                            ? ErrorKind.MODEL_NOT_FOUND : null;
            case "invalid_api_key", "authentication_error", "permission_error", "unauthenticated", "permission_denied" ->
                    ErrorKind.AUTHENTICATION;
            case "rate_limit_exceeded", "rate_limit_error", "resource_exhausted" -> ErrorKind.RATE_LIMIT;
            case "overloaded_error", "unavailable" -> ErrorKind.OVERLOADED;
            case "deadline_exceeded" -> ErrorKind.TIMEOUT;
            default -> null;
        };
    }

    /** Refines by message text, for providers whose bodies carry no code. */
    protected ErrorKind kindForMessage(String message, int status) {
        if (message == null || status >= 500 || status == 429) {
            return null;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("context length") || m.contains("context window") || m.contains("maximum context")
                || m.contains("too many tokens") || m.contains("prompt is too long")) {
            return ErrorKind.CONTEXT_LENGTH;
        }
        if (m.contains("model") && (m.contains("not found") || m.contains("does not exist"))) {
            return ErrorKind.MODEL_NOT_FOUND;
        }
        return null;
    }

    /** Extra facts for {@link LlmException#details()}; none by default. */
    protected List<String> details(HttpFailure f) {
        return List.of();
    }

    /** The human message of the common error shapes, else the body text (trimmed). */
    public static String message(@Nullable JsonNode body, String bodyText) {
        if (body != null) {
            JsonNode error = body.get("error");
            if (error != null && error.isTextual()) {
                return error.asText();
            }
            if (error != null && error.isObject() && error.hasNonNull("message")) {
                return error.get("message").asText();
            }
            for (String field : new String[] {"message", "detail", "error_message"}) {
                JsonNode v = body.get(field);
                if (v != null && v.isTextual()) {
                    return v.asText();
                }
            }
        }
        String text = bodyText == null ? "" : looksLikeHtml(bodyText) ? htmlText(bodyText) : bodyText;
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern HTML_SKIPPED = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1>");
    private static final Pattern HTML_TAG = Pattern.compile("(?s)<[^>]*>");

    private static boolean looksLikeHtml(String text) {
        String head = text.stripLeading();
        return head.regionMatches(true, 0, "<!doctype html", 0, 14) || head.regionMatches(true, 0, "<html", 0, 5);
    }

    /** What a person reads of an error page (a proxy's 502, a gateway's 504): its title, else its text. */
    private static String htmlText(String html) {
        Matcher title = HTML_TITLE.matcher(html);
        String text = title.find() ? title.group(1)
                : HTML_TAG.matcher(HTML_SKIPPED.matcher(html).replaceAll(" ")).replaceAll(" ");
        return text.replaceAll("\\s+", " ").strip();
    }

    /**
     * The provider's error code: OpenAI {@code code} (else {@code type}), Anthropic {@code type}, Gemini {@code status};
     * numeric strings are skipped.
     */
    public static @Nullable String code(@Nullable JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode error = body.get("error");
        if (error == null || !error.isObject()) {
            return null;
        }
        for (String field : new String[] {"code", "status", "type"}) {
            JsonNode v = error.get(field);
            if (v != null && v.isTextual() && !v.asText().isBlank() && !isDigits(v.asText())) {
                return v.asText();
            }
        }
        return null;
    }

    /** Azure sends {@code "code": "429"}: a number only repeats the HTTP status, so it is no code. */
    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
