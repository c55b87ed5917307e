package dev.switchboard.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SecretRegistryTest {

    /** Built at run time so that no key-shaped literal is committed. */
    private static final String KEY = "sk-test-" + "Zq9/x+Y7\"w\\e 4é" + "tail";

    private final SecretRegistry secrets = SecretRegistry.create();

    @Test
    void masksTheRawValue() {
        secrets.register(KEY);

        assertThat(secrets.mask("Authorization: Bearer " + KEY + ".")).isEqualTo("Authorization: Bearer ****.");
    }

    @Test
    void masksTheValueInHexInEitherCase() {
        secrets.register(KEY);
        String hex = java.util.HexFormat.of().formatHex(KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(secrets.mask("token=" + hex + ";")).isEqualTo("token=****;");
        assertThat(secrets.mask("token=" + hex.toUpperCase(java.util.Locale.ROOT) + ";")).isEqualTo("token=****;");
    }

    @Test
    void masksTheValueWithEveryCharacterJsonEscaped() {
        secrets.register(KEY);
        StringBuilder escaped = new StringBuilder();
        for (char c : KEY.toCharArray()) {
            escaped.append(String.format("\\u%04X", (int) c));
        }

        assertThat(secrets.mask("{\"h\":\"Bearer " + escaped + "\"}")).isEqualTo("{\"h\":\"Bearer ****\"}");
        assertThat(secrets.mask(escaped.toString().toLowerCase())).isEqualTo("****");
    }

    @Test
    void masksTheValueEscapedTwice() {
        secrets.register(KEY);
        StringBuilder twice = new StringBuilder();
        for (char c : KEY.toCharArray()) {
            twice.append(String.format("\\\\u%04x", (int) c)); // backslash, backslash, u, four hex digits
        }

        assertThat(secrets.mask("{\"m\":\"" + twice + "\"}")).isEqualTo("{\"m\":\"****\"}");
    }

    @Test
    void masksTheValueWithShortJsonEscapesAsAJsonWriterProducesThem() {
        secrets.register(KEY);
        String jsonEscaped = KEY.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/");

        assertThat(secrets.mask("echo " + jsonEscaped)).isEqualTo("echo ****");
    }

    @Test
    void masksTheValueUrlEncoded() {
        secrets.register(KEY);

        assertThat(secrets.mask("?h=" + URLEncoder.encode(KEY, StandardCharsets.UTF_8) + "&x=1")).isEqualTo("?h=****&x=1");
        String lowerHex = java.util.regex.Pattern.compile("%[0-9A-F]{2}").matcher(
                URLEncoder.encode(KEY, StandardCharsets.UTF_8)).replaceAll(m -> m.group().toLowerCase());
        assertThat(secrets.mask(lowerHex)).isEqualTo("****");
    }

    @Test
    void masksTheValueInsideLongerBase64TextAtEveryAlignment() {
        secrets.register(KEY);
        for (String prefix : List.of("", "B", "Be", "Bearer ")) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = encoder.encodeToString((prefix + KEY + " and more").getBytes(StandardCharsets.UTF_8));

                String masked = secrets.mask("header=" + encoded);

                assertThat(masked).as(prefix).contains("****");
                assertThat(masked).as(prefix).doesNotContain(encoded.substring(encoded.length() / 2 - 4,
                        encoded.length() / 2 + 4).replace("****", ""));
            }
        }
    }

    @Test
    void ignoresValuesTooShortToBeCredentialsSoWordsStay() {
        assertThat(secrets.register("key")).isFalse();
        assertThat(secrets.register("Invalid")).isFalse();
        assertThat(secrets.register((String) null)).isFalse();

        assertThat(secrets.mask("Invalid key")).isEqualTo("Invalid key");
        assertThat(secrets.size()).isZero();
    }

    @Test
    void masksALongerValueWholeWhenItContainsAShorterOne() {
        secrets.register("abcdefgh12");
        secrets.register("abcdefgh12345678");

        assertThat(secrets.mask("x abcdefgh12345678 y abcdefgh12 z")).isEqualTo("x **** y **** z");
    }

    @Test
    void registersCredentialHeadersAndTheirTokenButNotOtherHeaders() {
        String token = "tok-" + "0123456789abcdef";
        secrets.registerHeader("Authorization", "Bearer " + token);
        secrets.registerHeader("X-Custom-Token", "custom-value-123");
        secrets.registerHeader("Helicone-Auth", "Bearer helicone-value-1");
        secrets.registerHeader("X-Goog-Api-Key", "goog-value-1234");
        secrets.registerHeader("Content-Type", "application/json");

        assertThat(secrets.mask("token " + token)).isEqualTo("token ****");
        assertThat(secrets.mask("custom-value-123 helicone-value-1 goog-value-1234"))
                .isEqualTo("**** **** ****");
        assertThat(secrets.mask("application/json")).isEqualTo("application/json");
    }

    @Test
    void registersTheUserAndPasswordOfBasicCredentials() {
        String basic = Base64.getEncoder().encodeToString("alice:correct-horse-battery".getBytes(StandardCharsets.UTF_8));
        secrets.registerHeader("Proxy-Authorization", "Basic " + basic);

        assertThat(secrets.mask("password correct-horse-battery rejected")).isEqualTo("password **** rejected");
        assertThat(secrets.mask(basic)).isEqualTo("****");
    }

    @Test
    void takesExtraSensitiveHeaderNames() {
        assertThat(secrets.isSensitiveHeader("X-Tenant")).isFalse();

        secrets.addSensitiveHeaderNames(List.of("x-tenant"));
        secrets.registerHeader("X-TENANT", "tenant-secret-value");

        assertThat(secrets.isSensitiveHeader("X-Tenant")).isTrue();
        assertThat(secrets.mask("t=tenant-secret-value")).isEqualTo("t=****");
    }

    @Test
    void copiesAnotherRegistrysValues() {
        SecretRegistry other = SecretRegistry.create();
        other.register("other-secret-1");

        secrets.registerAll(other);

        assertThat(secrets.mask("other-secret-1")).isEqualTo("****");
        assertThat(secrets.containsSecret("x other-secret-1")).isTrue();
        assertThat(secrets.containsSecret("nothing here")).isFalse();
    }

    @Test
    void anEmptyRegistryLeavesTextAlone() {
        assertThat(secrets.mask("Bearer whatever-it-is")).isEqualTo("Bearer whatever-it-is");
        assertThat(secrets.mask(null)).isNull();
    }

    @Test
    void theSensitiveHeaderRuleCoversCredentialNamesOnly() {
        for (String name : List.of("Authorization", "proxy-authorization", "Cookie", "api-key", "X-Api-Key",
                "x-goog-api-key", "X-Custom-Token", "Helicone-Auth", "x-client-secret")) {
            assertThat(SensitiveHeaders.isSensitive(name)).as(name).isTrue();
        }
        for (String name : List.of("Content-Type", "Accept", "OpenAI-Organization", "anthropic-version",
                "x-request-id", "keyword", "x-monkey-business")) {
            assertThat(SensitiveHeaders.isSensitive(name)).as(name).isFalse();
        }
    }
}
