package dev.switchboard.spring.boot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.opentelemetry.SwitchboardTelemetry;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.springframework.boot.test.context.FilteredClassLoader;
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

    @Test
    void withAnOpenTelemetryBeanARouteCallIsAParentSpanWithAChildPerTry() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        InMemoryMetricReader metrics = InMemoryMetricReader.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
        // The context closes the SDK bean, and a closed in-memory exporter forgets its spans: read them before.
        runner().withBean(OpenTelemetry.class, () -> otel).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SwitchboardTelemetry.class);

            ChatResponse r = context.getBean(LlmProvider.class).chat(ChatRequest.of("Hello!"));

            assertThat(r.provider()).isEqualTo("backup");
            assertThat(context.getBean(SwitchboardMeters.class)).isNotNull(); // Micrometer's meters as before
            List<SpanData> ended = spans.getFinishedSpanItems();
            SpanData call = ended.stream().filter(s -> s.getKind() == SpanKind.INTERNAL).findFirst()
                    .orElseThrow(() -> new AssertionError("no route span in " + ended));
            assertThat(call.getName()).isEqualTo("chat");
            assertThat(call.getAttributes().get(AttributeKey.stringKey("switchboard.attempts")))
                    .isEqualTo("primary:failed,backup:answered");
            assertThat(ended.stream().filter(s -> s.getKind() == SpanKind.CLIENT))
                    .extracting(SpanData::getName, s -> s.getParentSpanId(), s -> s.getStatus().getStatusCode())
                    .containsExactly(
                            tuple("chat gpt-4o-mini", call.getSpanId(), StatusCode.ERROR),
                            tuple("chat gpt-4o", call.getSpanId(), StatusCode.UNSET));
            assertThat(metrics.collectAllMetrics()).extracting(MetricData::getName)
                    .contains("gen_ai.client.operation.duration", "gen_ai.client.token.usage");
        });
    }

    @Test
    void withoutAnOpenTelemetryBeanOrWithoutTheModuleNothingIsTraced() {
        runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SwitchboardTelemetry.class)
                .hasSingleBean(Switchboard.class));
        runner().withClassLoader(new FilteredClassLoader(SwitchboardTelemetry.class))
                .withBean(OpenTelemetry.class, OpenTelemetry::noop)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Switchboard.class);
                    assertThat(context.getBeanNamesForType(SwitchboardTelemetry.class)).isEmpty();
                    assertThat(context.getBean(LlmProvider.class).chat(ChatRequest.of("Hello!")).provider()).isEqualTo("backup");
                });
    }

    @Test
    void captureContentIsReadFromTheSameProperties() {
        runner().withBean(OpenTelemetry.class, OpenTelemetry::noop)
                .withPropertyValues("switchboard.telemetry.capture-content=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SwitchboardTelemetry.class).capturesContent()).isTrue();
                });
    }
}
