package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void masksTheValuesOfCredentialVariablesOnly() {
        // given
        Redaction r = new Redaction(Map.of("GROQ_API_KEY", "test-key-not-real-groq", "AZURE_OPENAI_AD_TOKEN",
                "test-token-not-real", "HOME", "/home/someone-long-enough", "SHORT_KEY", "abc"));

        // then
        assertThat(r.apply("failed with test-key-not-real-groq and test-token-not-real in /home/someone-long-enough abc"))
                .isEqualTo("failed with **** and **** in /home/someone-long-enough abc");
    }
}
