package dev.switchboard.provider.ollama;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.RequestSchemas;
import dev.switchboard.testkit.SpecCheckedWireMock;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;

/** Settings, fixtures and the stub server shared by the Ollama wire tests. */
final class OllamaTestSupport {

    static final String NAME = "ollama-test";
    static final String CHAT = "/api/chat";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(OllamaTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.ollama");

    private OllamaTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/api/chat", "schemas/ollama-chat-request.json")
            .schema("POST", ".*/api/embed", "schemas/ollama-embed-request.json")
            .schema("POST", ".*/api/show", "schemas/ollama-show-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    static String baseUrl(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** Settings as the runtime builds them for {@code type = ollama} (no key), with the block's own keys ({@code extraConfig}). */
    static ProviderSettings.Builder settings(String baseUrl, String extraConfig) {
        return ProviderSettings.builder(NAME, "ollama")
                .baseUrl(baseUrl)
                .model(DEFAULTS.getString("model"))
                .embeddingModel(DEFAULTS.getString("embedding-model"))
                .timeouts(TIMEOUTS)
                .options((ConfigFactory.parseString(extraConfig).withFallback(DEFAULTS)).root().unwrapped());
    }

    static OllamaProvider provider(ProviderSettings settings, HttpTransport transport) {
        LlmProvider provider = new OllamaProviderFactory().create(settings, ProviderContext.of(transport));
        return (OllamaProvider) provider;
    }

    static OllamaProvider provider(WireMockExtension server, HttpTransport transport) {
        return provider(settings(baseUrl(server), "").build(), transport);
    }

    static String fixture(String name) {
        return Fixtures.load("fixtures/ollama/" + name);
    }
}
