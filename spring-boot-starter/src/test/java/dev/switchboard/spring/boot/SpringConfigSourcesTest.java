package dev.switchboard.spring.boot;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

/**
 * The {@code switchboard.*} tree read from Spring properties: both documented ways to write a price work, and a
 * problem in a properties file (YAML gives the same origins) names the file and line once, for a leaf and for a block alike.
 * Fixtures: fixtures/openai/README.md.
 */
@Timeout(60)
class SpringConfigSourcesTest {

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void start() {
        upstream.start();
        // the answer names gpt-4o-2024-08-06, priced as gpt-4o; 1117 input and 46 output tokens
        upstream.stubFor(post("/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues(
                        "switchboard.providers.openai.type=openai",
                        "switchboard.providers.openai.base-url=http://127.0.0.1:" + upstream.port() + "/v1",
                        "switchboard.providers.openai.api-key=test-key-not-real",
                        "switchboard.providers.openai.model=gpt-4o",
                        "switchboard.routes.default.targets[0]=openai");
    }

    @ParameterizedTest
    @ValueSource(strings = {"switchboard.pricing.openai[gpt-4o]", "switchboard.pricing[openai/gpt-4o]"})
    void aPriceWrittenEitherWayPricesTheCall(String entry) {
        runner().withPropertyValues(entry + ".input=1000", entry + ".output=2000").run(context -> {
            assertThat(context).hasNotFailed();
            var answer = context.getBean(LlmProvider.class).chat(ChatRequest.of("Hello!"));
            // (1117 * 1000 + 46 * 2000) / 1,000,000
            assertThat(answer.cost().usd()).hasValueSatisfying(
                    usd -> assertThat(usd).isEqualByComparingTo(new BigDecimal("1.209")));
        });
    }

    @Test
    void anUnknownBlockInAFileNamesItsFileAndLine() {
        yaml("config/retyr.properties").run(context -> {
            assertThat(context).hasFailed();
            String message = context.getStartupFailure().getMessage();
            assertThat(message).contains("class path resource [config/retyr.properties] - 5: switchboard.routes.default.retyr: "
                    + "unknown key").doesNotContain("hardcoded value");
        });
    }

    @Test
    void anUnknownLeafInAFileNamesItsPathOnce() {
        yaml("config/max-retires.properties").run(context -> {
            assertThat(context).hasFailed();
            String message = context.getStartupFailure().getMessage();
            assertThat(message).contains("class path resource [config/max-retires.properties] - 5: "
                    + "switchboard.routes.default.retry.max-retires: unknown key");
            assertThat(message.split("retry.max-retires", -1)).as("the path once in: " + message).hasSize(2);
        });
    }

    @Test
    void bootReportsAConfigProblemAsOneLineUnderDescription() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
                .contains(SwitchboardConfigFailureAnalyzer.class.getName());
        yaml("config/retyr.properties").run(context -> {
            FailureAnalysis analysis = new SwitchboardConfigFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription().lines().toList()).containsExactly(
                    "The Switchboard configuration has a problem:",
                    "    class path resource [config/retyr.properties] - 5: switchboard.routes.default.retyr: unknown key; "
                            + "did you mean 'retry'? (known keys: budget, cache, cooldown, resume-prefix-chars, retry, "
                            + "stream-failover, targets)");
            assertThat(analysis.getAction()).contains("switchboard.*");
        });
    }

    private ApplicationContextRunner yaml(String resource) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withInitializer(context -> {
                    try {
                        new PropertiesPropertySourceLoader().load(resource, new ClassPathResource(resource))
                                .forEach(context.getEnvironment().getPropertySources()::addFirst);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
