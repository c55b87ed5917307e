package dev.switchboard.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.openai.OpenAiCompatible;
import dev.switchboard.openai.OpenAiCompatibleProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.Secret;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider remembers built request URLs, but not without bound: model names come from callers. */
class OpenAiUrlCacheTest {

    @RegisterExtension
    static final WireMockExtension server = OpenAiTestSupport.wireMock();

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    /** OpenAI's adapter behaviour, counting how often a URL is built per model. */
    private static final class CountingAdapter implements OpenAiCompatible {
        final Map<String, Integer> builds = new HashMap<>();

        @Override
        public String baseUrl() {
            return OpenAiTestSupport.baseUrl(server);
        }

        @Override
        public Optional<Secret> apiKey() {
            return Optional.of(Secret.of(OpenAiTestSupport.KEY));
        }

        @Override
        public URI buildUrl(String endpoint, String model) {
            builds.merge(model, 1, Integer::sum);
            return OpenAiCompatible.super.buildUrl(endpoint, model);
        }
    }

    @Test
    void urlsOfAFewModelsAreBuiltOnceButManyModelNamesDoNotGrowTheCache() {
        server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(OpenAiTestSupport.fixture("chat-completion.json"))));
        CountingAdapter adapter = new CountingAdapter();
        OpenAiCompatibleProvider<CountingAdapter> provider = new OpenAiCompatibleProvider<>(
                adapter, OpenAiTestSupport.settings(adapter.baseUrl()).build(), ProviderContext.of(transport));

        for (int i = 0; i < 300; i++) {
            provider.chat(ChatRequest.builder().model("model-" + i).user("Hi").build());
        }
        provider.chat(ChatRequest.builder().model("model-0").user("Hi").build());
        provider.chat(ChatRequest.builder().model("model-299").user("Hi").build());

        assertThat(adapter.builds.get("model-0")).as("builds of an early model's URL").isEqualTo(1);
        assertThat(adapter.builds.get("model-299")).as("builds of a URL past the cache's bound").isEqualTo(2);
    }
}
