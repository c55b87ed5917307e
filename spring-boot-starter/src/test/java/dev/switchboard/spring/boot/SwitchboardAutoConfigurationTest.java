package dev.switchboard.spring.boot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration in a real application context, over two OpenAI-type providers on a local stub.
 * Fixtures: fixtures/openai/README.md.
 */
@Timeout(60)
class SwitchboardAutoConfigurationTest {

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void start() {
        upstream.start();
        upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The engine is currently overloaded\",\"type\":\"server_error\"}}")));
        upstream.stubFor(post("/backup/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    private ApplicationContextRunner runner() {
        String base = "http://127.0.0.1:" + upstream.port();
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues(
                        "switchboard.providers.primary.type=openai",
                        "switchboard.providers.primary.base-url=" + base + "/primary/v1",
                        "switchboard.providers.primary.api-key=test-key-not-real",
                        "switchboard.providers.primary.model=gpt-4o-mini",
                        "switchboard.providers.backup.type=openai",
                        "switchboard.providers.backup.base-url=" + base + "/backup/v1",
                        "switchboard.providers.backup.api-key=test-key-not-real",
                        "switchboard.providers.backup.model=gpt-4o",
                        "switchboard.providers.nokey.type=openai",
                        "switchboard.providers.nokey.api-key-env=SWITCHBOARD_TEST_KEY_THAT_IS_NEVER_SET",
                        "switchboard.routes.default.targets[0]=primary",
                        "switchboard.routes.default.targets[1]=backup",
                        "switchboard.routes.default.cooldown.failure-threshold=1",
                        "switchboard.routes.direct.targets[0]=backup",
                        "switchboard.route-defaults.retry.max-retries=0",
                        "switchboard.enabled=true");
    }

    @Test
    void theRouteBeanFallsBackAndHealthAndMetersShowWhatHappened() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Switchboard.class);
            LlmProvider route = context.getBean(LlmProvider.class); // the default route is primary

            ChatResponse r = route.chat(ChatRequest.of("Hello!"));

            assertThat(route.name()).isEqualTo("default");
            assertThat(r.provider()).isEqualTo("backup");
            Health health = context.getBean(SwitchboardHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            @SuppressWarnings("unchecked")
            Map<String, String> providers = (Map<String, String>) health.getDetails().get("providers");
            assertThat(providers.get("backup")).isEqualTo("ok");
            assertThat(providers.get("primary")).startsWith("cooling down until ");
            assertThat(providers.get("nokey")).startsWith("key missing").contains("SWITCHBOARD_TEST_KEY_THAT_IS_NEVER_SET");

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(SwitchboardMeters.class).bindTo(registry);
            assertThat(registry.get("switchboard.requests").tag("provider", "backup").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("switchboard.tokens").tag("provider", "backup").tag("type", "input")
                    .functionCounter().count()).isEqualTo(r.usage().inputTokens());
            assertThat(registry.get("switchboard.requests").tag("provider", "primary").functionCounter().count()).isZero();
            assertThat(registry.get("switchboard.provider.available").tag("provider", "backup").gauge().value()).isEqualTo(1);
            assertThat(registry.get("switchboard.provider.available").tag("provider", "primary").gauge().value()).isZero();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UsesANamedRoute {
        @Bean
        String directRouteName(@Qualifier("direct") LlmProvider direct) {
            return direct.name();
        }
    }

    @Test
    void eachRouteIsABeanQualifiedByItsName() {
        runner().withUserConfiguration(UsesANamedRoute.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("directRouteName", String.class)).isEqualTo("direct");
            assertThat(context.getBeansOfType(LlmProvider.class)).containsOnlyKeys(
                    "switchboardRoute.default", "switchboardRoute.direct");
        });
    }

    @Test
    void theSwitchboardIsClosedWithTheContext() {
        Switchboard[] kept = new Switchboard[1];
        runner().run(context -> kept[0] = context.getBean(Switchboard.class));

        assertThatThrownBy(() -> kept[0].route("default")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aHoconFileNamedBySwitchboardConfigIsUsedInsteadOfProperties(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("switchboard.conf");
        Files.writeString(file, String.join("\n",
                "switchboard {",
                "  providers.backup { type = openai, base-url = \"http://127.0.0.1:" + upstream.port() + "/backup/v1\", api-key = k, model = gpt-4o }",
                "  routes.fromfile.targets = [ backup ]",
                "  default-route = fromfile",
                "}"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues("switchboard.config=" + file).run(context -> {
                    assertThat(context).hasNotFailed();
                    LlmProvider route = context.getBean(LlmProvider.class);
                    assertThat(route.name()).isEqualTo("fromfile");
                    assertThat(route.chat(ChatRequest.of("Hello!")).provider()).isEqualTo("backup");
                });
    }

    @Test
    void aMistypedKeyStopsTheStartNamingTheKeyAndItsClosestMatch() {
        runner().withPropertyValues("switchboard.routes.default.retyr.max-retries=1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("switchboard.routes.default.retyr")
                    .hasMessageContaining("did you mean 'retry'");
        });
    }

    @Test
    void switchboardEnabledFalseTurnsItOff() {
        runner().withPropertyValues("switchboard.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(Switchboard.class).doesNotHaveBean(LlmProvider.class));
    }
}
