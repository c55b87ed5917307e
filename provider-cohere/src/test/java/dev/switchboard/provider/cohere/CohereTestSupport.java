package dev.switchboard.provider.cohere;

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

/** Settings, fixtures and the stub server shared by the Cohere wire tests. */
final class CohereTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "cohere-test";
    static final String CHAT = "/v2/chat";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));
    static final Config DEFAULTS = ConfigFactory.parseResources(CohereTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.cohere");

    private CohereTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/chat", "schemas/cohere-chat-request.json")
            .schema("POST", ".*/embed", "schemas/cohere-embed-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    static ProviderSettings.Builder settings(WireMockExtension server) {
        return ProviderSettings.builder(NAME, "cohere")
                .baseUrl("http://127.0.0.1:" + server.getPort() + "/v2")
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(DEFAULTS.getString("model"))
                .embeddingModel(DEFAULTS.getString("embedding-model"))
                .timeouts(TIMEOUTS)
                .options(DEFAULTS.root().unwrapped());
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return new CohereProviderFactory().create(settings(server).build(), ProviderContext.of(transport));
    }

    static String fixture(String name) {
        return Fixtures.load("fixtures/cohere/" + name);
    }

    static JsonNode onlyRequestBody(WireMockExtension server) {
        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests.size());
        }
        return Json.parse(requests.get(0).getBodyAsString(), "request body");
    }
}
