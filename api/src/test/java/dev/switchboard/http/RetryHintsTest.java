package dev.switchboard.http;

import static dev.switchboard.http.TestResources.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryHintsTest {

    /** 2015-10-21T07:28:00Z, the example date of RFC 9110's Retry-After. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);

    private static ResponseHeaders headers(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return ResponseHeaders.of(map);
    }

    private static Optional<Duration> fromBodyFixture(String name) {
        String text = fixture("errors/" + name);
        JsonNode json = text.startsWith("{") ? Json.parse(text, name) : null;
        return RetryHints.fromBody(json, text);
    }

    @Test
    void readsRetryAfterMs() {
        assertThat(RetryHints.fromHeaders(headers("retry-after-ms", "1500"), CLOCK)).contains(Duration.ofMillis(1500));
        assertThat(RetryHints.fromHeaders(headers("Retry-After-Ms", "12.5"), CLOCK)).contains(Duration.ofNanos(12_500_000));
    }

    @Test
    void readsAzureXMsRetryAfterMs() {
        assertThat(RetryHints.fromHeaders(headers("x-ms-retry-after-ms", "6000"), CLOCK)).contains(Duration.ofSeconds(6));
    }

    @Test
    void readsRetryAfterInSeconds() {
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "20"), CLOCK)).contains(Duration.ofSeconds(20));
        assertThat(RetryHints.fromHeaders(headers("retry-after", " 0.5 "), CLOCK)).contains(Duration.ofMillis(500));
    }

    @Test
    void readsRetryAfterAsAnHttpDateRelativeToTheClock() {
        ResponseHeaders h = headers("Retry-After", "Wed, 21 Oct 2015 07:28:42 GMT");

        assertThat(RetryHints.fromHeaders(h, CLOCK)).contains(Duration.ofSeconds(42));
    }

    @Test
    void readsAnHttpDateInThePastAsNoWait() {
        ResponseHeaders h = headers("Retry-After", "Wed, 21 Oct 2015 07:00:00 GMT");

        assertThat(RetryHints.fromHeaders(h, CLOCK)).contains(Duration.ZERO);
    }

    @Test
    void ignoresRetryAfterValuesThatAreNeitherSecondsNorDates() {
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "soon"), CLOCK)).isEmpty();
        assertThat(RetryHints.fromHeaders(headers("Retry-After", "-5"), CLOCK)).isEmpty();
        assertThat(RetryHints.fromHeaders(headers("retry-after-ms", "abc"), CLOCK)).isEmpty();
        assertThat(RetryHints.fromHeaders(ResponseHeaders.NONE, CLOCK)).isEmpty();
    }

    @Test
    void prefersMillisecondHeadersToRetryAfter() {
        ResponseHeaders h = headers("retry-after", "30", "retry-after-ms", "250");

        assertThat(RetryHints.fromHeaders(h, CLOCK)).contains(Duration.ofMillis(250));
    }

    @Test
    void fallsBackToRetryAfterWhenTheMillisecondHeaderIsUnreadable() {
        ResponseHeaders h = headers("retry-after-ms", "n/a", "retry-after", "3");

        assertThat(RetryHints.fromHeaders(h, CLOCK)).contains(Duration.ofSeconds(3));
    }

    @Test
    void prefersHeadersToTheBody() {
        String text = fixture("errors/azure-429-retry-after.json");

        Optional<Duration> hint = RetryHints.find(headers("retry-after", "2"), Json.parse(text, "body"), text, CLOCK);

        assertThat(hint).contains(Duration.ofSeconds(2));
    }

    @Test
    void usesTheBodyWhenNoHeaderSaysAnything() {
        String text = fixture("errors/azure-429-retry-after.json");

        Optional<Duration> hint = RetryHints.find(headers("x-request-id", "abc"), Json.parse(text, "body"), text, CLOCK);

        assertThat(hint).contains(Duration.ofSeconds(6));
    }

    @Test
    void readsGeminiRetryInfoFromTheErrorDetails() {
        assertThat(fromBodyFixture("gemini-429-resource-exhausted.json")).contains(Duration.ofSeconds(22));
    }

    @Test
    void prefersGeminiRetryInfoToTheMessageText() {
        String text = "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"Please retry in 58.217843437s.\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"58s\"}]}}";

        assertThat(RetryHints.fromBody(Json.parse(text, "body"), text)).contains(Duration.ofSeconds(58));
    }

    @Test
    void readsGeminiRetryInTextWhenThereIsNoRetryInfo() {
        String text = "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"You exceeded your current quota."
                + " Please retry in 10h17m5.5s.\"}}";

        assertThat(RetryHints.fromBody(Json.parse(text, "body"), text))
                .contains(Duration.ofHours(10).plusMinutes(17).plusMillis(5500));
    }

    @Test
    void readsAzurePleaseRetryAfterSeconds() {
        assertThat(fromBodyFixture("azure-429-retry-after.json")).contains(Duration.ofSeconds(6));
    }

    @Test
    void readsReplicateExpectedAvailableIn() {
        assertThat(fromBodyFixture("replicate-429-throttled.json")).contains(Duration.ofSeconds(1));
    }

    @Test
    void readsOpenAiTryAgainInGoDurations() {
        assertThat(fromBodyFixture("openai-429-rate-limit.json")).contains(Duration.ofMillis(1500));
        assertThat(fromBodyFixture("openai-429-rate-limit-minutes.json")).contains(Duration.ofMinutes(6));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Please try again in 20ms.                  | PT0.02S",
            "Rate limit is exceeded. Try again in 35 seconds. | PT35S",
            "Please retry after 1 second               | PT1S",
            "Please try again in 2 minutes.             | PT2M",
            "Please retry after 1 minute.               | PT1M",
            "Please try again in 1 hour.                | PT1H",
            "Expected available in 250 milliseconds.    | PT0.25S",
            "Please try again in 2m13.5s.               | PT2M13.5S"})
    void readsUnitsSpelledOutInMessages(String message, Duration expected) {
        assertThat(RetryHints.fromBody(null, message)).contains(expected);
    }

    @Test
    void findsNoHintInABodyThatGivesNone() {
        assertThat(fromBodyFixture("openai-429-insufficient-quota.json")).isEmpty();
        assertThat(fromBodyFixture("nginx-502.html")).isEmpty();
        assertThat(RetryHints.fromBody(null, null)).isEmpty();
    }

    @Test
    void readsOpenAiXShouldRetry() {
        assertThat(RetryHints.shouldRetry(headers("x-should-retry", "true"))).contains(true);
        assertThat(RetryHints.shouldRetry(headers("X-Should-Retry", "false"))).contains(false);
        assertThat(RetryHints.shouldRetry(headers("x-should-retry", "maybe"))).isEmpty();
        assertThat(RetryHints.shouldRetry(ResponseHeaders.NONE)).isEmpty();
    }
}
