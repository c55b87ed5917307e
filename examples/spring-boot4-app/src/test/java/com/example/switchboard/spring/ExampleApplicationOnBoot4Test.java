package com.example.switchboard.spring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * examples/spring-boot-app's application on Spring Boot 4, started as a user starts it, with the providers' base
 * URLs pointed at a local stub: the primary fails, the route falls back, and Boot 4's health and the meters say so.
 */
@Timeout(120)
class ExampleApplicationOnBoot4Test {

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private ConfigurableApplicationContext app;

    @BeforeEach
    void start() throws IOException {
        upstream.start();
        upstream.stubFor(post("/openai/v1/chat/completions").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")));
        upstream.stubFor(post("/backup/v1/chat/completions").willReturn(okJson(fixture("chat-completion.json"))));
        String base = "http://127.0.0.1:" + upstream.port();
        app = new SpringApplicationBuilder(ExampleApplication.class).properties(
                "switchboard.providers.openai.base-url=" + base + "/openai/v1",
                "switchboard.providers.openai.api-key=test-key-not-real",
                "switchboard.providers.backup.base-url=" + base + "/backup/v1",
                "switchboard.providers.backup.api-key=test-key-not-real").run();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        upstream.stop();
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = ExampleApplicationOnBoot4Test.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void onSpringBoot4TheInjectedRouteAnswersAndHealthAndMetersShowTheFallback() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");

        String answer = app.getBean(Greeter.class).greet("Ada");

        assertThat(answer).isEqualTo("Hello! How can I assist you today?");
        Health health = app.getBean("switchboardHealthIndicator", HealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        @SuppressWarnings("unchecked")
        Map<String, String> providers = (Map<String, String>) health.getDetails().get("providers");
        assertThat(providers).containsEntry("backup", "ok").containsKey("openai");

        MeterRegistry meters = app.getBean(MeterRegistry.class);
        assertThat(meters.get("switchboard.requests").tag("provider", "backup").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("switchboard.requests").tag("provider", "openai").functionCounter().count()).isZero();
        assertThat(meters.get("switchboard.tokens").tag("provider", "backup").tag("type", "output").functionCounter().count())
                .isEqualTo(10);
    }
}
