package dev.switchboard.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code providers}, {@code models} and {@code embed}, against a stubbed OpenAI provider on the class path. */
class ListingCommandsTest {

    private static OpenAiStub stub;

    @TempDir
    Path dir;

    private CliHarness cli;

    @BeforeAll
    static void startStub() {
        stub = new OpenAiStub();
    }

    @AfterAll
    static void stopStub() {
        stub.close();
    }

    @BeforeEach
    void writeConfig() {
        stub.reset();
        cli = new CliHarness(dir);
        cli.file("switchboard.conf",
                "switchboard {",
                "  providers {",
                "    keyed { type = openai, base-url = \"" + stub.baseUrl("keyed") + "\" }",
                "    unkeyed { type = openai, base-url = \"" + stub.baseUrl("unkeyed") + "\", api-key-env = UNSET_TEST_KEY }",
                "  }",
                "  routes.default { targets = [unkeyed, keyed], retry.max-retries = 0 }",
                "}");
    }

    @Test
    void providersJsonListsTypesWithTheirSourceAndProvidersWithTheirKeyState() {
        // when
        CliHarness.Result r = cli.run("providers", "--json");

        // then
        assertThat(r.exitCode()).isZero();
        JsonNode json = r.json();
        JsonNode openai = null;
        for (JsonNode t : json.path("types")) {
            if (t.path("type").asText().equals("openai")) {
                openai = t;
            }
        }
        assertThat(openai).as("type openai in %s", json.path("types")).isNotNull();
        assertThat(openai.path("origin").asText()).isEqualTo("classpath");
        assertThat(openai.path("source").asText()).isNotBlank();
        assertThat(openai.has("version")).isTrue();
        assertThat(json.path("providers")).hasSize(2);
        JsonNode keyed = json.path("providers").get(0);
        assertThat(keyed.path("name").asText()).isEqualTo("keyed");
        assertThat(keyed.path("type").asText()).isEqualTo("openai");
        assertThat(keyed.path("baseUrl").asText()).isEqualTo(stub.baseUrl("keyed"));
        assertThat(keyed.path("keySet").asBoolean()).isTrue();
        JsonNode unkeyed = json.path("providers").get(1);
        assertThat(unkeyed.path("keySet").asBoolean()).isFalse();
        assertThat(unkeyed.path("keyHint").asText()).contains("UNSET_TEST_KEY");
        assertThat(json.path("routes").get(0).path("targets").toString()).isEqualTo("[\"unkeyed\",\"keyed\"]");
        assertThat(r.out()).doesNotContain(CliHarness.KEY);
    }

    @Test
    void providersTextShowsAMissingKeyAsStateNotAsError() {
        // when
        CliHarness.Result r = cli.run("providers");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("openai", "class path")
                .containsPattern("keyed +openai +" + java.util.regex.Pattern.quote(stub.baseUrl("keyed")) + " +set")
                .contains("not set (set UNSET_TEST_KEY or switchboard.providers.unkeyed.api-key)")
                .contains("default (default): unkeyed -> keyed");
    }

    @Test
    void modelsJsonListsEachProvidersModelsAndWhyOneCouldNot() {
        // given
        stub.answering("keyed");

        // when
        CliHarness.Result r = cli.run("models", "--json");

        // then some listing succeeded, so the command did
        assertThat(r.exitCode()).isZero();
        JsonNode providers = r.json().path("providers");
        assertThat(providers.get(0).path("name").asText()).isEqualTo("keyed");
        List<String> ids = new ArrayList<>();
        providers.get(0).path("models").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).containsExactly("model-id-0", "model-id-1", "model-id-2");
        assertThat(providers.get(0).path("models").get(2).path("ownedBy").asText()).isEqualTo("openai");
        assertThat(providers.get(1).path("error").asText()).contains("UNSET_TEST_KEY");
        assertThat(r.err()).startsWith("switchboard: unkeyed: ").hasLineCount(1);
    }

    @Test
    void modelsOfOneProviderAsText() {
        // given
        stub.answering("keyed");

        // when
        CliHarness.Result r = cli.run("models", "--provider", "keyed");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("keyed (openai), 3 models:\n").contains("model-id-1", "organization-owner");
    }

    @Test
    void modelsFailsWhenTheNamedProviderCannotList() {
        // when
        CliHarness.Result r = cli.run("models", "--provider", "unkeyed");

        // then
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("switchboard: unkeyed: ").contains("UNSET_TEST_KEY");
    }

    @Test
    void embedPrintsOneJsonArrayOfVectorsFromTheRoute() {
        // given unkeyed (first) fails for want of a key; keyed embeds
        stub.answering("keyed");

        // when
        CliHarness.Result r = cli.run("embed", "The food was delicious and the waiter...");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("[[0.0023064255,-0.009327292,-0.0028842222]]\n");
        assertThat(r.err()).contains("fallback: unkeyed failed: AUTHENTICATION", "answered by keyed (text-embedding-ada-002)");
    }

    @Test
    void embedWithAProviderAndModel() {
        // given
        stub.answering("keyed");

        // when
        CliHarness.Result r = cli.run("embed", "--provider", "keyed", "--model", "custom-embedding", "one", "two");

        // then
        assertThat(r.exitCode()).isZero();
        stub.server.verify(postRequestedFor(urlPathEqualTo("/keyed/v1/embeddings"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("custom-embedding")))
                .withRequestBody(matchingJsonPath("$.input[1]", equalTo("two"))));
    }
}
