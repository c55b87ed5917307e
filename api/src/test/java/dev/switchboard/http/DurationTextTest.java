package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    static Stream<Arguments> spellings() {
        return Stream.of(
                // Go durations in OpenAI's x-ratelimit-reset-* headers and "try again in" texts
                Arguments.of("6m0s", Duration.ofMinutes(6)),
                Arguments.of("2m59.56s", Duration.ofMillis(179_560)),
                Arguments.of("1h2m3s", Duration.ofSeconds(3723)),
                Arguments.of("1h2m", Duration.ofMinutes(62)),
                Arguments.of("120ms", Duration.ofMillis(120)),
                Arguments.of("2.256s", Duration.ofMillis(2256)),
                Arguments.of("7.66s", Duration.ofMillis(7660)),
                Arguments.of("1.5us", Duration.ofNanos(1500)),
                Arguments.of("250µs", Duration.ofNanos(250_000)),
                Arguments.of("10ns", Duration.ofNanos(10)),
                // protobuf Duration, as Gemini's RetryInfo.retryDelay
                Arguments.of("22s", Duration.ofSeconds(22)),
                Arguments.of("58.217843437s", Duration.ofNanos(58_217_843_437L)),
                // plain seconds
                Arguments.of("1.5", Duration.ofMillis(1500)),
                Arguments.of("0", Duration.ZERO),
                Arguments.of(" 30 ", Duration.ofSeconds(30)),
                Arguments.of("0.001", Duration.ofMillis(1)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("spellings")
    void readsTheSpellingsProvidersUse(String text, Duration expected) {
        assertThat(DurationText.parse(text)).contains(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "abc", "s", "ms", "5x", "1h 2m", "-1s", "1.2.3", ".", "1s junk", "junk 1s",
            "1e3", "Infinity", "NaN", "5 seconds"})
    void readsNothingFromTextThatIsNotADuration(String text) {
        assertThat(DurationText.parse(text)).isEmpty();
    }

    @Test
    void convertsFractionalSecondsAndMillisExactly() {
        assertThat(DurationText.fromSeconds(2.256)).isEqualTo(Duration.ofMillis(2256));
        assertThat(DurationText.fromMillis(1234.5)).isEqualTo(Duration.ofNanos(1_234_500_000L));
        assertThat(DurationText.fromSeconds(-3)).isEqualTo(Duration.ZERO);
    }

    @Test
    void capsAbsurdlyLongDurationsInsteadOfFailing() {
        assertThat(DurationText.parse("99999999999999999999h")).hasValueSatisfying(d -> assertThat(d).isPositive());
        assertThat(DurationText.parse("99999999999999999999")).hasValueSatisfying(d -> assertThat(d).isPositive());
    }
}
