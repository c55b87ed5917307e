package dev.switchboard.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What the starter says at startup: which configuration is ignored, and which route beans exist. */
@Timeout(60)
class StartupLogTest {

    private final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger starterLogs = logback.getLogger("dev.switchboard.spring.boot");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void capture() {
        captured.setContext(logback);
        captured.start();
        starterLogs.setLevel(Level.INFO);
        starterLogs.addAppender(captured);
    }

    @AfterEach
    void release() {
        starterLogs.detachAppender(captured);
        starterLogs.setLevel(null);
    }

    private List<String> lines(Level level) {
        return captured.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aFileAndAPropertiesTreeWarnThatThePropertiesAreIgnored(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("switchboard.conf"), String.join("\n",
                "switchboard.providers.backup { type = openai, base-url = \"http://127.0.0.1:9/v1\", api-key = k, model = gpt-4o }",
                "switchboard.routes.fromfile.targets = [ backup ]",
                "switchboard.default-route = fromfile"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues("switchboard.config=" + file, "switchboard.providers.openai.model=gpt-4o-mini")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(dev.switchboard.runtime.Switchboard.class);
                });

        assertThat(lines(Level.WARN)).singleElement().asString()
                .contains("switchboard.config = " + file)
                .contains("switchboard.providers.openai.model")
                .contains("ignored");
        assertThat(lines(Level.INFO)).contains("Switchboard route beans (LlmProvider): @Qualifier(\"fromfile\") (primary)");
    }

    @Test
    void theRouteBeansAreListedWithThePrimaryOne() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues(
                        "switchboard.providers.openai.type=openai",
                        "switchboard.providers.openai.api-key=test-key-not-real",
                        "switchboard.providers.openai.base-url=http://127.0.0.1:9/v1",
                        "switchboard.routes.assistant.targets[0]=openai",
                        "switchboard.routes.cheap.targets[0]=openai",
                        "switchboard.default-route=assistant")
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(lines(Level.INFO)).contains(
                "Switchboard route beans (LlmProvider): @Qualifier(\"assistant\") (primary), @Qualifier(\"cheap\")");
    }
}
