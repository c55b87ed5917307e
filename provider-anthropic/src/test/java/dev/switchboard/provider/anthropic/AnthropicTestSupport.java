package dev.switchboard.provider.anthropic;

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

/** Settings, fixtures and the stub server shared by the Anthropic wire tests. */
final class AnthropicTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "anthropic-test";
    static final String MODEL = "claude-haiku-4-5";
    static final String MESSAGES = "/v1/messages";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(AnthropicTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.anthropic");

    private AnthropicTestSupport() {}

    /** Request bodies are checked against these schemas of the provider's published spec (see each file's $comment). */
    static final RequestSchemas SCHEMAS = RequestSchemas.builder()
            .schema("POST", ".*/messages", "schemas/anthropic-messages-request.json")
            .build();

    static WireMockExtension wireMock() {
        return SpecCheckedWireMock.of(SCHEMAS);
    }

    static String baseUrl(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort() + "/v1";
    }

    /** Settings as the runtime builds them for {@code type = anthropic}, pointed at {@code baseUrl}. */
    static ProviderSettings.Builder settings(String baseUrl) {
        return ProviderSettings.builder(NAME, "anthropic")
                .baseUrl(baseUrl)
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(MODEL)
                .timeouts(TIMEOUTS)
                .options(DEFAULTS.root().unwrapped());
    }

    static LlmProvider provider(ProviderSettings settings, HttpTransport transport) {
        return new AnthropicProviderFactory().create(settings, ProviderContext.of(transport));
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return provider(settings(baseUrl(server)).build(), transport);
    }

    /** A documented body from {@code src/test/resources/fixtures/anthropic}. */
    static String fixture(String name) {
        return Fixtures.load("fixtures/anthropic/" + name);
    }
}
