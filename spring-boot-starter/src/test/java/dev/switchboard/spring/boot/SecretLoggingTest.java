package dev.switchboard.spring.boot;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.testkit.Fixtures;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * With HttpClient's loggers at DEBUG in Logback (what {@code logging.level.org.apache.hc.client5.http=DEBUG} does in
 * a Boot app), a call through a route bean logs its headers and wire bytes, and no record carries the API key.
 * Fixtures: fixtures/openai/README.md.
 */
@Timeout(60)
class SecretLoggingTest {

    private static final String KEY = "sk-test-SECRET-0123456789abcdef";

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger httpClientLogs = logback.getLogger("org.apache.hc.client5.http");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void start() {
        upstream.start();
        upstream.stubFor(post("/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        captured.setContext(logback);
        captured.start();
        httpClientLogs.setLevel(Level.DEBUG);
        httpClientLogs.addAppender(captured);
    }

    @AfterEach
    void stop() {
        httpClientLogs.detachAppender(captured);
        httpClientLogs.setLevel(null);
        logback.resetTurboFilterList();
        upstream.stop();
    }

    @Test
    void httpClientDebugLogsCarryNoKey() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues(
                        "switchboard.providers.openai.type=openai",
                        "switchboard.providers.openai.base-url=http://127.0.0.1:" + upstream.port() + "/v1",
                        "switchboard.providers.openai.api-key=" + KEY,
                        "switchboard.providers.openai.model=gpt-4o-mini",
                        "switchboard.routes.default.targets[0]=openai")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(LlmProvider.class).chat(ChatRequest.of("Hello!"));
                });

        List<String> lines = captured.list.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).as("the call was logged at DEBUG")
                .anyMatch(l -> l.startsWith("org.apache.hc.client5.http.headers") && l.contains("Authorization: ****"))
                .anyMatch(l -> l.startsWith("org.apache.hc.client5.http.wire") && l.contains("POST /v1/chat/completions"));
        assertThat(lines).noneMatch(l -> l.contains(KEY) || l.contains("0123456789abcdef"));
    }
}
