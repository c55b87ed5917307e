package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a provider asked us to wait, read in this order: {@code retry-after-ms} and {@code x-ms-retry-after-ms};
 * {@code retry-after} as seconds or an HTTP date; then hints in the error body (Gemini's {@code RetryInfo.retryDelay},
 * "retry after N seconds", "Expected available in N seconds", "try again in 1.5s", "retry in 22.4s"; units from
 * milliseconds to hours).
 */
public final class RetryHints {

    private static final Pattern BODY_NUMBER_AND_UNIT = Pattern.compile(
            "(?i)(?:retry after|retry in|available in|try again in)\\s+(\\d+(?:\\.\\d+)?)\\s*"
                    + "(milliseconds?|millis\\b|ms\\b|seconds?|secs?\\b|s\\b|minutes?|mins?\\b|m\\b|hours?|hrs?\\b|h\\b)?");
    /** Go-style durations ({@code 1.5s}, {@code 6m0s}) in OpenAI's and Groq's "try again in", Gemini's "retry in". */
    private static final Pattern BODY_GO_DURATION =
            Pattern.compile("(?i)(?:try again|retry) in\\s+((?:\\d+(?:\\.\\d+)?(?:ms|h|m|s))+)");

    private RetryHints() {}

    /** The hint from headers and body, headers first. */
    public static Optional<Duration> find(ResponseHeaders headers, JsonNode body, String bodyText, Clock clock) {
        Optional<Duration> fromHeaders = fromHeaders(headers, clock);
        return fromHeaders.isPresent() ? fromHeaders : fromBody(body, bodyText);
    }

    public static Optional<Duration> fromHeaders(ResponseHeaders headers, Clock clock) {
        for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            Optional<String> ms = headers.get(name);
            if (ms.isPresent() && DurationText.isNumber(ms.get().strip())) {
                return Optional.of(DurationText.fromMillis(Double.parseDouble(ms.get().strip())));
            }
        }
        return headers.get("retry-after").flatMap(v -> retryAfterValue(v, clock));
    }

    /** A {@code Retry-After} value: delta-seconds or an HTTP date (RFC 9110), relative to the clock's now. */
    public static Optional<Duration> retryAfterValue(String value, Clock clock) {
        String v = value.strip();
        if (DurationText.isNumber(v)) {
            return Optional.of(DurationText.fromSeconds(Double.parseDouble(v)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Hints inside an error body: the JSON (may be null) and its text (may be null). */
    public static Optional<Duration> fromBody(JsonNode body, String bodyText) {
        if (body != null) {
            for (JsonNode detail : body.path("error").path("details")) {
                String delay = Json.text(detail, "retryDelay");
                if (delay != null) {
                    Optional<Duration> d = DurationText.parse(delay);
                    if (d.isPresent()) {
                        return d;
                    }
                }
            }
        }
        if (bodyText == null) {
            return Optional.empty();
        }
        Matcher go = BODY_GO_DURATION.matcher(bodyText);
        if (go.find()) {
            Optional<Duration> d = DurationText.parse(go.group(1));
            if (d.isPresent()) {
                return d;
            }
        }
        Matcher m = BODY_NUMBER_AND_UNIT.matcher(bodyText);
        if (m.find()) {
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(java.util.Locale.ROOT);
            return Optional.of(DurationText.fromSeconds(n * secondsPer(unit)));
        }
        return Optional.empty();
    }

    /** Seconds in one of a spelled-out unit: ms, millisecond(s), s, sec(s), second(s), m, min(s), minute(s), h, ... */
    private static double secondsPer(String unit) {
        if (unit.equals("ms") || unit.startsWith("milli")) {
            return 0.001;
        }
        if (unit.startsWith("m")) {
            return 60;
        }
        if (unit.startsWith("h")) {
            return 3600;
        }
        return 1;
    }

    /** OpenAI's {@code x-should-retry}: true or false overrides our own judgement; empty when absent. */
    public static Optional<Boolean> shouldRetry(ResponseHeaders headers) {
        return headers.get("x-should-retry").map(String::strip).filter(v -> v.equals("true") || v.equals("false"))
                .map(Boolean::parseBoolean);
    }
}
