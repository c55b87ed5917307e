package dev.switchboard.runtime;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.Fixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routes call their targets through the builder's {@link TargetDecorator}: once per try, retries included. */
@Timeout(30)
class TargetDecoratorTest {

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private Switchboard sb;

    @BeforeEach
    void start() {
        upstream.start();
    }

    @AfterEach
    void stop() {
        if (sb != null) {
            sb.close();
        }
        upstream.stop();
    }

    private Switchboard switchboard() {
        String base = "http://127.0.0.1:" + upstream.port();
        String hocon = String.join("\n",
                "switchboard {",
                "  providers {",
                "    primary { type = openai, base-url = \"" + base + "/primary/v1\", api-key = \"test-key-not-real\", model = gpt-4o-mini }",
                "    backup { type = openai, base-url = \"" + base + "/backup/v1\", api-key = \"test-key-not-real\", model = gpt-4o }",
                "  }",
                "  routes.default { targets = [ primary, backup ], retry { max-retries = 1, initial-delay = 1ms } }",
                "}");
        ManualClock clock = new ManualClock();
        sb = Switchboard.builder().config(hocon).env(Map.of()).clock(clock).sleeper(new RecordingSleeper(clock))
                .targetDecorator((route, provider) -> new Recording(route, provider)).build();
        return sb;
    }

    @Test
    void everyTryOfARouteGoesThroughTheDecoratorInTrailOrder() {
        upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(503)));
        upstream.stubFor(post("/backup/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatResponse r = switchboard().defaultRoute().chat(ChatRequest.of("Hello!"));

        assertThat(r.provider()).isEqualTo("backup");
        assertThat(r.attempts()).hasSize(3);
        assertThat(calls).containsExactly("default:primary", "default:primary", "default:backup");
    }

    @Test
    void theOneTargetRouteOfAProviderIsDecoratedUnderTheProvidersNameAndTheProviderItselfIsNot() {
        upstream.stubFor(post("/backup/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        switchboard().providerRoute("backup").chat(ChatRequest.of("Hello!"));
        sb.provider("backup").chat(ChatRequest.of("Hello!"));

        assertThat(calls).containsExactly("backup:backup");
        assertThat(sb.provider("backup")).isNotInstanceOf(Recording.class);
    }

    @Test
    void aDecoratorReturningNullIsRefusedNamingTheRouteAndProvider() {
        String hocon = "switchboard { providers.solo { type = openai, api-key = x, model = m }, routes.main.targets = [ solo ], default-route = main }";

        assertThatThrownBy(() -> Switchboard.builder().config(hocon).env(Map.of())
                .targetDecorator((route, provider) -> null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("solo").hasMessageContaining("main");
    }

    /** Passes every call on, noting route and provider. */
    private final class Recording implements LlmProvider {
        private final String route;
        private final LlmProvider delegate;

        Recording(String route, LlmProvider delegate) {
            this.route = route;
            this.delegate = delegate;
        }

        @Override public String name() { return delegate.name(); }
        @Override public String type() { return delegate.type(); }
        @Override public Set<Capability> capabilities() { return delegate.capabilities(); }

        @Override
        public ChatResponse chat(ChatRequest request) {
            calls.add(route + ":" + delegate.name());
            return delegate.chat(request);
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            calls.add(route + ":" + delegate.name());
            return delegate.stream(request);
        }

        @Override public void close() {}
    }
}
