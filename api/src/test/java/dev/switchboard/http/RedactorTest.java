package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.spi.Secret;
import dev.switchboard.spi.SecretRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String OWN_KEY = "test-key-not-real";

    /** Key-shaped strings are built at run time so that none is committed as a literal. */
    private static String keyShaped(String prefix, int length) {
        char[] body = new char[length];
        for (int i = 0; i < length; i++) {
            body[i] = "AbCdEfGhJkMnPqRsTuVwXyZ23456789".charAt(i % 31);
        }
        return prefix + new String(body);
    }

    private final Redactor redactor = Redactor.of(List.of(Secret.of(OWN_KEY)));

    @Test
    void removesTheProvidersOwnKeyWhereverItAppears() {
        String text = "key " + OWN_KEY + " was rejected; x" + OWN_KEY + "y";

        String redacted = redactor.redact(text);

        assertThat(redacted).doesNotContain(OWN_KEY).contains("key **** was rejected");
    }

    @Test
    void removesBearerTokens() {
        String token = keyShaped("", 40);

        assertThat(Redactor.patternsOnly().redact("Authorization header was Bearer " + token + ", refused"))
                .doesNotContain(token).contains("Bearer ****");
        assertThat(Redactor.patternsOnly().redact("bearer\t" + token)).doesNotContain(token);
    }

    @Test
    void removesAuthorizationHeaderValuesIncludingTheirBearerToken() {
        String token = keyShaped("", 40);

        assertThat(Redactor.patternsOnly().redact("Authorization: Bearer " + token)).doesNotContain(token);
        assertThat(Redactor.patternsOnly().redact("{\"authorization\": \"Bearer " + token + "\"}")).doesNotContain(token);
    }

    @Test
    void removesWellKnownKeyShapes() {
        List<String> keys = Arrays.asList(
                keyShaped("sk-", 48), keyShaped("sk-proj-", 40), keyShaped("sk-ant-api03-", 40),
                keyShaped("gsk_", 52), keyShaped("hf_", 34), keyShaped("r8_", 37), keyShaped("AIza", 35));
        for (String key : keys) {
            String redacted = Redactor.patternsOnly().redact("Incorrect API key provided: " + key + ".");
            assertThat(redacted).as(key.substring(0, 4)).doesNotContain(key).contains("Incorrect API key provided: ");
        }
    }

    @Test
    void removesApiKeyValuesInJsonAndHeaders() {
        String key = keyShaped("", 32);

        assertThat(Redactor.patternsOnly().redact("{\"api-key\": \"" + key + "\", \"model\": \"gpt\"}"))
                .doesNotContain(key).contains("\"model\": \"gpt\"");
        assertThat(Redactor.patternsOnly().redact("{\"api_key\":\"" + key + "\"}")).doesNotContain(key);
        assertThat(Redactor.patternsOnly().redact("x-api-key: " + key)).doesNotContain(key);
        assertThat(Redactor.patternsOnly().redact("x-goog-api-key=" + key)).doesNotContain(key);
    }

    @Test
    void keepsTheJsonValidWhenItRedactsAValue() {
        String key = keyShaped("", 32);

        String redacted = Redactor.patternsOnly().redact("{\"error\":{\"message\":\"bad\",\"api-key\":\"" + key + "\"}}");

        assertThat(Json.parse(redacted, "redacted").path("error").path("message").asText()).isEqualTo("bad");
    }

    @Test
    void removesAKeyPassedAsAQueryParameter() {
        String key = keyShaped("", 39);

        assertThat(Redactor.patternsOnly().redact("GET /v1beta/models?alt=sse&key=" + key + " failed")).doesNotContain(key);
    }

    @Test
    void removesAJsonWebTokenEvenWithoutItsBearerScheme() {
        // an Entra ID access token is a JWT; a server may echo it bare, e.g. in an "invalid token" message
        String jwt = "eyJ" + keyShaped("", 20) + "." + "eyJ" + keyShaped("", 30) + "." + keyShaped("", 43);

        String out = Redactor.patternsOnly().redact("{\"error\":{\"message\":\"token " + jwt + " is expired\"}}");

        assertThat(out).doesNotContain(jwt).contains("token **** is expired");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String text = "The model `gpt-4o` does not exist or you do not have access to it. Ask a skeptic, token count 12.";

        assertThat(redactor.redact(text)).isEqualTo(text);
        assertThat(redactor.redact("")).isEmpty();
        assertThat(redactor.redact(null)).isNull();
    }
    @Test
    void doesNotMaskTheWordsAroundACredentialMessage() {
        // upstream wording such as "Invalid key" must survive: no short value is taken for a secret
        SecretRegistry secrets = SecretRegistry.create();
        secrets.register("key");
        secrets.register("Invalid");
        Redactor withShortValues = Redactor.of(secrets);

        for (String text : List.of("HTTP 401: Invalid key", "401 invalid_api_key: Invalid key provided",
                "Invalid API key. Check your key.", "api-key missing", "Incorrect API key provided",
                "Bearer authentication required", "authorization: Unauthenticated")) {
            assertThat(withShortValues.redact(text)).isEqualTo(text);
            assertThat(redactor.redact(text)).isEqualTo(text);
        }
    }

    @Test
    void masksTheRegistrysValuesAlsoThoseRegisteredLater() {
        SecretRegistry secrets = SecretRegistry.create();
        Redactor r = Redactor.of(secrets);
        String later = "helicone-" + keyShaped("", 20);

        secrets.register(later);

        assertThat(r.redact("echo: " + later)).isEqualTo("echo: ****");
    }

    @Test
    void masksSecretsInADecodedJsonTree() {
        SecretRegistry secrets = SecretRegistry.create();
        String key = "custom-" + keyShaped("", 20);
        secrets.register(key);
        JsonNode tree = Json.parse("{\"error\":{\"message\":\"header was " + escapeAll(key)
                + "\",\"list\":[\"" + escapeAll(key) + "\", 3]}}", "test");

        JsonNode clean = Redactor.of(secrets).redactTree(tree);

        assertThat(clean.toString()).doesNotContain(key);
        assertThat(clean.path("error").path("message").asText()).isEqualTo("header was ****");
        assertThat(clean.path("error").path("list").get(0).asText()).isEqualTo("****");
        assertThat(clean.path("error").path("list").get(1).asInt()).isEqualTo(3);
        assertThat(tree.path("error").path("message").asText()).contains(key); // the input is left as it was
    }

    @Test
    void masksKeyShapesThatOnlyShowAfterJsonDecoding() {
        String key = keyShaped("sk-", 40);
        JsonNode tree = Json.parse("{\"message\":\"Authorization: Bearer " + escapeAll(key) + "\"}", "test");

        assertThat(Redactor.patternsOnly().redactTree(tree).toString()).doesNotContain(key);
    }

    /** Every character as a JSON escape (backslash, u, four hex digits), as some servers echo headers. */
    private static String escapeAll(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }
}
