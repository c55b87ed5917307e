package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import java.util.List;

/** Settings, fixtures and the stub server shared by the Gemini wire tests. */
final class GeminiTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "gemini-test";
    static final String MODEL = "gemini-2.5-flash";
    static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(GeminiTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.gemini");

    private GeminiTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/models/[^/]+:(generateContent|streamGenerateContent)", "schemas/gemini-generate-content-request.json")
            .schema("POST", ".*/models/[^/]+:embedContent", "schemas/gemini-embed-content-request.json")
            .schema("POST", ".*/models/[^/]+:batchEmbedContents", "schemas/gemini-batch-embed-contents-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    /** Settings as the runtime builds them for {@code type = gemini}, pointed at the stub server. */
    static ProviderSettings.Builder settings(WireMockExtension server) {
        return ProviderSettings.builder(NAME, "gemini")
                .baseUrl("http://127.0.0.1:" + server.getPort() + "/v1beta")
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(DEFAULTS.getString("model"))
                .embeddingModel(DEFAULTS.getString("embedding-model"))
                .timeouts(TIMEOUTS)
                .options(DEFAULTS.root().unwrapped());
    }

    static LlmProvider provider(ProviderSettings settings, HttpTransport transport) {
        return new GeminiProviderFactory().create(settings, ProviderContext.of(transport));
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return provider(settings(server).build(), transport);
    }

    static String fixture(String name) {
        return Fixtures.load("fixtures/gemini/" + name);
    }

    /** The JSON body of the only request the server received. */
    static JsonNode onlyRequestBody(WireMockExtension server) {
        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests.size());
        }
        return Json.parse(requests.get(0).getBodyAsString(), "request body");
    }
}
