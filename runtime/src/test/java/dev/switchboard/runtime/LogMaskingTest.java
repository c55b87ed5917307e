package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.spi.SecretRegistry;
import dev.switchboard.testkit.LogCapture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every log record passes masking, whichever logger it comes from and whichever handler writes it. */
@Timeout(10)
class LogMaskingTest {

    private static final String SECRET = "log-secret-not-real-1";
    private static final SecretRegistry SECRETS = SecretRegistry.create();

    static {
        SECRETS.register(SECRET);
    }

    /** Held: java.util.logging keeps loggers weakly. */
    private final Logger library = Logger.getLogger("dev.switchboard.test.library");
    private final Logger foreign = Logger.getLogger("org.example.foreign.client");

    @Test
    void masksMessagesParametersAndExceptionsOfEveryLoggerAtEveryLevel() {
        try (LogCapture logs = LogCapture.open()) {
            // given
            LogMasking.install(SECRETS);

            // when
            library.log(Level.FINEST, "header Authorization: Bearer {0}", SECRET);
            foreign.log(Level.SEVERE, "failed", new IOException("echo " + SECRET,
                    new IllegalStateException("cause " + SECRET)));
            System.getLogger("dev.switchboard.test.system").log(System.Logger.Level.DEBUG, "key {0}", SECRET);

            // then
            assertThat(logs.text()).doesNotContain(SECRET)
                    .contains("Authorization: Bearer ****", "java.io.IOException: echo ****",
                            "java.lang.IllegalStateException: cause ****", "key ****");
            assertThat(logs.records()).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void masksForAHandlerAddedAfterInstalling() {
        // given
        LogMasking.install(SECRETS);
        List<LogRecord> seen = new ArrayList<>();
        Handler late = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    seen.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        foreign.addHandler(late);
        foreign.setLevel(Level.ALL);
        try {
            // when
            foreign.log(Level.FINE, "token " + SECRET);

            // then
            assertThat(seen).singleElement().satisfies(r -> assertThat(r.getMessage()).isEqualTo("token ****"));
        } finally {
            foreign.removeHandler(late);
            foreign.setLevel(null);
        }
    }

    @Test
    void leavesRecordsWithoutSecretsAsTheyWereAndWordsUnmasked() {
        LogRecord plain = new LogRecord(Level.INFO, "provider {0} answered HTTP 401: Invalid key");
        plain.setParameters(new Object[] {"openai"});
        LogMasking.install(SECRETS);

        assertThat(LogMasking.mask(plain)).isFalse();
        assertThat(plain.getMessage()).isEqualTo("provider {0} answered HTTP 401: Invalid key");
        assertThat(plain.getParameters()).containsExactly("openai");
    }

    @Test
    void aMaskedExceptionPrintsLikeTheOriginal() {
        LogRecord r = new LogRecord(Level.WARNING, "failed");
        IOException original = new IOException("body " + SECRET);
        r.setThrown(original);
        LogMasking.install(SECRETS);

        assertThat(LogMasking.mask(r)).isTrue();

        assertThat(r.getThrown().toString()).isEqualTo("java.io.IOException: body ****");
        assertThat(r.getThrown().getStackTrace()).isEqualTo(original.getStackTrace());
    }
}
