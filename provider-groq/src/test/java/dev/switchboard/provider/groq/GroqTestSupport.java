package dev.switchboard.provider.groq;

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

/** Settings, fixtures and the stub server shared by the Groq wire tests. */
final class GroqTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "groq-test";
    static final String CHAT = "/openai/v1/chat/completions";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(GroqTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.groq");

    private GroqTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/chat/completions", "schemas/groq-chat-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    /** The stub server standing in for {@code https://api.groq.com/openai/v1}, same path. */
    static String baseUrl(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort() + "/openai/v1";
    }

    static ProviderSettings.Builder settings(String baseUrl) {
        return ProviderSettings.builder(NAME, "groq")
                .baseUrl(baseUrl)
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(DEFAULTS.getString("model"))
                .timeouts(TIMEOUTS);
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return new GroqProviderFactory().create(settings(baseUrl(server)).build(), ProviderContext.of(transport));
    }

    static String fixture(String name) {
        return Fixtures.load("fixtures/groq/" + name);
    }
}
