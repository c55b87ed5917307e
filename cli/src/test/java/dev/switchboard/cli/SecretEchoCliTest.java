package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.spi.SecretRegistry;
import dev.switchboard.testkit.HeaderEchoServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upstream that echoes every request header, in every form, in its error body: no configured secret appears in
 * the command's output, its error lines or its log lines, HttpClient's header log included.
 */
@Timeout(60)
class SecretEchoCliTest {

    // Built at run time: no key-shaped literal is committed.
    private static final String INLINE_KEY = "sk-inline-" + "not-real-cli-1";
    private static final String CUSTOM_TOKEN = "custom-" + "token-not-real-cli";
    private static final String GOOG_KEY = "goog-" + "key-not-real-cli";
    private static final String HELICONE = "helicone-" + "not-real-cli";
    private static final String TENANT = "tenant-" + "signature-not-real-cli";
    private static final String HEADER_LOGGER = "org.apache.hc.client5.http.headers";
    private static final List<String> FORMS = List.of("raw", "json", "double", "url", "base64", "all");

    private static HeaderEchoServer echo;
    /** Held: java.util.logging keeps loggers weakly, and a collected one would lose its level. */
    private static final Logger HEADERS = Logger.getLogger(HEADER_LOGGER);

    @TempDir
    Path dir;

    private final SecretRegistry detector = SecretRegistry.create();
    private CliHarness cli;

    @BeforeAll
    static void startEcho() {
        echo = HeaderEchoServer.start(500);
    }

    @AfterAll
    static void stopEcho() {
        echo.close();
        HEADERS.setLevel(null);
    }

    @BeforeEach
    void writeConfig() {
        cli = new CliHarness(dir);
        List.of(INLINE_KEY, CliHarness.KEY, CUSTOM_TOKEN, GOOG_KEY, HELICONE, TENANT).forEach(detector::register);
        List<String> lines = new ArrayList<>(List.of("switchboard {",
                "  sensitive-headers = [ \"X-Tenant-Signature\" ]",
                "  route-defaults.retry.max-retries = 0"));
        for (String form : FORMS) {
            String headers = "headers { X-Custom-Token = \"" + CUSTOM_TOKEN + "\", X-Goog-Api-Key = \"" + GOOG_KEY
                    + "\", Helicone-Auth = \"Bearer " + HELICONE + "\", X-Tenant-Signature = \"" + TENANT + "\" }";
            lines.add("  providers.inline-" + form + " { type = openai, base-url = \"" + echo.baseUrl() + "/" + form
                    + "/v1\", api-key = \"" + INLINE_KEY + "\", model = m, " + headers + " }");
            // the key of this one comes from OPENAI_API_KEY, which the harness sets
            lines.add("  providers.env-" + form + " { type = openai, base-url = \"" + echo.baseUrl() + "/" + form
                    + "/v1\", model = m }");
            lines.add("  routes." + form + ".targets = [ inline-" + form + ", env-" + form + " ]");
        }
        lines.add("  default-route = all");
        lines.add("}");
        cli.file("switchboard.conf", lines.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "json", "double", "url", "base64", "all"})
    void chatShowsTheEchoMaskedInEveryForm(String form) {
        // when
        CliHarness.Result r = cli.run("chat", "--route", form, "--no-stream", "Hi");

        // then
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("****");
        assertNoSecret(r.out() + r.err());
    }

    @Test
    void modelsJsonShowsEachProvidersErrorMasked() {
        // when
        CliHarness.Result r = cli.run("models", "--json");

        // then
        assertThat(r.out()).contains("error", "****");
        assertNoSecret(r.out() + r.err());
    }

    @Test
    void verboseLogsAndHttpClientHeaderLogsAreMasked() {
        // given HttpClient's header logging turned on, as a user debugging would
        HEADERS.setLevel(Level.ALL);

        // when
        CliHarness.Result r = cli.run("--verbose", "chat", "--route", "all", "Hi");

        // then
        assertThat(r.err()).contains(">> Authorization: ****", ">> X-Custom-Token: ****");
        assertNoSecret(r.out() + r.err());
    }

    private void assertNoSecret(String text) {
        assertThat(detector.containsSecret(text)).as("a secret leaked in:\n" + text).isFalse();
    }
}
