package dev.switchboard.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClosestKeyTest {

    private static final Set<String> KNOWN = Set.of("host", "port", "max-body", "shutdown-grace", "keys",
            "requests-per-minute", "tokens-per-minute", "retry", "first-byte");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "prot, port", // two letters swapped
            "shutdown-grce, shutdown-grace", // one left out
            "retyr, retry",
            "frist-byte, first-byte",
            "hosts, host", // one too many
            "requests-per-min, requests-per-minute", // cut short
            "PORT, port", // case
    })
    void suggestsTheKeyATypoMeant(String typo, String meant) {
        assertThat(ClosestKey.to(typo, KNOWN)).hasValue(meant);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rpm", "timeout", "region", "max", "per"})
    void suggestsNothingForAnotherWord(String word) {
        assertThat(ClosestKey.to(word, KNOWN)).isEmpty();
    }
}
