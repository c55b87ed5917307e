package dev.switchboard.provider.azure;

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

/** Settings, fixtures and the stub server shared by the Azure OpenAI wire tests. */
final class AzureTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "azure-test";
    static final String MODEL = "gpt-4o";
    static final String DEPLOYMENT = "gpt-4o-prod";
    static final String API_VERSION = "2024-10-21";
    /** The classic route of {@link #MODEL}'s deployment, without the query. */
    static final String CHAT = "/openai/deployments/" + DEPLOYMENT + "/chat/completions";
    static final String CHAT_URL = CHAT + "?api-version=" + API_VERSION;
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(AzureTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.azure-openai");

    private AzureTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/openai/deployments/[^/]+/chat/completions\\?api-version=(2023-.*|2024-0.*|2024-10-21)", "schemas/azure-2024-10-21-chat-request.json")
            .schema("POST", ".*/openai/deployments/[^/]+/chat/completions\\?api-version=.*", "schemas/azure-later-chat-request.json")
            .schema("POST", ".*/openai/v1/chat/completions", "schemas/openai-chat-request.json")
            .schema("POST", ".*/openai/deployments/[^/]+/embeddings(\\?.*)?", "schemas/azure-2024-10-21-embeddings-request.json")
            .schema("POST", ".*/openai/v1/embeddings", "schemas/openai-embeddings-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    /** The stub server standing in for {@code https://my-resource.openai.azure.com}. */
    static String endpoint(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    /**
     * Settings as the runtime builds them for {@code type = azure-openai}: the block's own keys ({@code extraConfig},
     * HOCON) over this jar's defaults, {@code MODEL} mapped to {@code DEPLOYMENT}.
     */
    static ProviderSettings.Builder settings(WireMockExtension server, String extraConfig) {
        Config block = ConfigFactory.parseString("endpoint = \"" + endpoint(server) + "\"\n"
                + "deployments { \"" + MODEL + "\" = " + DEPLOYMENT + " }\n" + extraConfig).withFallback(DEFAULTS);
        return ProviderSettings.builder(NAME, "azure-openai")
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(MODEL)
                .embeddingModel("text-embedding-3-small")
                .timeouts(TIMEOUTS)
                .options(block.root().unwrapped());
    }

    static LlmProvider provider(ProviderSettings settings, HttpTransport transport) {
        return new AzureOpenAiProviderFactory().create(settings, ProviderContext.of(transport));
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return provider(settings(server, "").build(), transport);
    }

    static String fixture(String name) {
        return Fixtures.load("fixtures/azure/" + name);
    }
}
