package dev.switchboard.provider.openai;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.RequestSchemas;
import dev.switchboard.testkit.SpecCheckedWireMock;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;

/** Settings, fixtures and the stub server shared by the OpenAI wire tests. */
final class OpenAiTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "openai-test";
    static final String MODEL = "gpt-4o-mini";
    static final String EMBEDDING_MODEL = "text-embedding-3-small";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(OpenAiTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.openai");

    private OpenAiTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/chat/completions", "schemas/openai-chat-request.json")
            .schema("POST", ".*/embeddings", "schemas/openai-embeddings-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    static String baseUrl(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort() + "/v1";
    }

    /** Settings as the runtime builds them for {@code type = openai}, pointed at {@code baseUrl}. */
    static ProviderSettings.Builder settings(String baseUrl) {
        return ProviderSettings.builder(NAME, "openai")
                .baseUrl(baseUrl)
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(MODEL)
                .embeddingModel(EMBEDDING_MODEL)
                .timeouts(TIMEOUTS);
    }

    static LlmProvider provider(ProviderSettings settings, HttpTransport transport) {
        return new OpenAiProviderFactory().create(settings, ProviderContext.of(transport));
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return provider(settings(baseUrl(server)).build(), transport);
    }

    /** A documented body from {@code src/test/resources/fixtures/openai}. */
    static String fixture(String name) {
        return Fixtures.load("fixtures/openai/" + name);
    }

    /** A documented JSON body as a tree, to vary one value of it. */
    static ObjectNode fixtureTree(String name) {
        JsonNode node = Json.parse(fixture(name), name);
        return (ObjectNode) node;
    }
}
