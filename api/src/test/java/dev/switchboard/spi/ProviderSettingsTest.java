package dev.switchboard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {

    private static final String KEY = "test-key-not-real";

    @Test
    void showsNoSecretInToStringButEnoughToRecogniseTheSettings() {
        // given: the key, a header carrying it, and a config block that repeats it
        ProviderSettings settings = ProviderSettings.builder("groq-fast", "groq")
                .baseUrl("https://api.example.test/v1")
                .apiKey(KEY)
                .apiKeyEnv("GROQ_API_KEY")
                .model("llama")
                .headers(Map.of("Authorization", "Bearer " + KEY, "X-Title", "demo"))
                .options(Map.of("api-key", KEY, "organization", "org-1"))
                .build();

        // when
        String text = settings.toString();

        // then
        assertThat(text).doesNotContain(KEY).doesNotContain("Bearer").doesNotContain("org-1")
                .contains("groq-fast", "groq", "https://api.example.test/v1", "GROQ_API_KEY", "llama",
                        "Authorization", "X-Title", "api-key", "organization", "Secret[****]");
    }

    @Test
    void namesWhereToSetTheKey() {
        assertThat(ProviderSettings.builder("oa", "openai").apiKeyEnv("OPENAI_API_KEY").build().apiKeyHint())
                .isEqualTo("set OPENAI_API_KEY or switchboard.providers.oa.api-key");
        assertThat(ProviderSettings.builder("oa", "openai").build().apiKeyHint())
                .isEqualTo("set switchboard.providers.oa.api-key");
    }

    @Test
    void copiesTheHeaders() {
        java.util.HashMap<String, String> headers = new java.util.HashMap<>(Map.of("A", "1"));
        ProviderSettings settings = ProviderSettings.builder("p", "t").headers(headers).build();

        headers.put("B", "2");

        assertThat(settings.headers()).containsOnlyKeys("A");
    }

    @Test
    void keepsTheSecretOutOfItsToStringAndStripsIt() {
        Secret secret = Secret.of("  " + KEY + "\n");

        assertThat(secret.toString()).isEqualTo("Secret[****]");
        assertThat(secret.reveal()).isEqualTo(KEY);
        assertThat(secret).isEqualTo(Secret.of(KEY));
        assertThatThrownBy(() -> Secret.of("  ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTimeoutsThatAreNotPositive() {
        assertThatThrownBy(() -> new Timeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect");
        assertThatThrownBy(() -> new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle");
    }
}
