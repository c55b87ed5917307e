package dev.switchboard.provider.together;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;

/** Settings, fixtures and the stub server shared by the Together AI wire tests. */
final class TogetherTestSupport {

    static final String KEY = "test-key-not-real";
    static final String NAME = "together-test";
    static final String CHAT = "/v1/chat/completions";
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    /** The provider type's own defaults, as the runtime reads them from this jar's reference.conf. */
    static final Config DEFAULTS = ConfigFactory.parseResources(TogetherTestSupport.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.together");

    private TogetherTestSupport() {}

    static WireMockExtension wireMock() {
        return WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();
    }

    /** The stub server standing in for {@code https://api.together.xyz/v1}, same path. */
    static String baseUrl(WireMockExtension server) {
        return "http://127.0.0.1:" + server.getPort() + "/v1";
    }

    static ProviderSettings.Builder settings(String baseUrl) {
        return ProviderSettings.builder(NAME, "together")
                .baseUrl(baseUrl)
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(DEFAULTS.getString("model"))
                .embeddingModel(DEFAULTS.getString("embedding-model"))
                .timeouts(TIMEOUTS);
    }

    static LlmProvider provider(WireMockExtension server, HttpTransport transport) {
        return new TogetherProviderFactory().create(settings(baseUrl(server)).build(), ProviderContext.of(transport));
    }

    static String fixture(String name) {
        return Fixtures.load("fixtures/together/" + name);
    }
}
