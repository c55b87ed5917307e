package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {

    @TempDir
    Path dir;

    @Test
    void checkPassesAValidFileAndNotesMissingKeys() {
        // given
        CliHarness cli = new CliHarness(dir);
        cli.env.remove("OPENAI_API_KEY");
        Path file = cli.file("ok.conf",
                "switchboard.providers.openai {}",
                "switchboard.routes.default.targets = [openai]");

        // when
        CliHarness.Result r = cli.run("--config", file.toString(), "config", "check");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith(file + " (from --config): OK, 1 provider, 1 route\n")
                .contains("provider openai has no API key yet: set OPENAI_API_KEY");
    }

    @Test
    void checkNamesTheKeyAndLineOfEachProblemAndExitsTwo() {
        // given
        CliHarness cli = new CliHarness(dir);
        Path file = cli.file("broken.conf",
                "switchboard {",
                "  providers.openai {}",
                "  routes.default {",
                "    targets = [openai]",
                "    retry.max-retries = -1",
                "  }",
                "}");

        // when
        CliHarness.Result r = cli.run("--config", file.toString(), "config", "check");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains(file + ":5: switchboard.routes.default.retry.max-retries");
        assertThat(r.err()).isEqualTo("switchboard: " + file + " (from --config): 1 problem\n");
    }

    @Test
    void checkRunsTheFactoriesChecksToo() {
        // given a provider whose factory refuses its settings (a base URL that is no URL)
        CliHarness cli = new CliHarness(dir);
        Path file = cli.file("switchboard.conf", "switchboard.providers.openai { base-url = \"not a url\" }",
                "switchboard.routes.default.targets = [ openai ]");

        // when
        CliHarness.Result r = cli.run("config", "check");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).startsWith(file + ":1: switchboard.providers.openai");
    }

    @Test
    void showPrintsTheResolvedConfigWithSecretsMasked() {
        // given
        CliHarness cli = new CliHarness(dir);
        cli.file("switchboard.conf",
                "switchboard.providers.openai { api-key = \"test-key-not-real-in-file\" }",
                "switchboard.providers.other { type = openai }");

        // when
        CliHarness.Result r = cli.run("config", "show");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("****", "api-key-env", "OPENAI_API_KEY", "https://api.openai.com/v1")
                .doesNotContain("test-key-not-real-in-file").doesNotContain(CliHarness.KEY);
    }

    @Test
    void showAsJsonIsJson() {
        // given
        CliHarness cli = new CliHarness(dir);
        cli.file("switchboard.conf", "switchboard.providers.openai { api-key = \"test-key-not-real-in-file\" }");

        // when
        CliHarness.Result r = cli.run("config", "show", "--json");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.json().path("switchboard").path("providers").path("openai").path("api-key").asText()).as(r.out()).isEqualTo("****");
    }
}
