package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A broken plugin jar is named once per command, as not a readable jar, however many times the command reads the config. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginWarningTest {

    @TempDir
    Path dir;

    @Test
    void configCheckWarnsAboutACorruptPluginJarOnce() throws IOException {
        // given an installation whose plugins/ holds a zero-byte jar, and a valid config
        CliHarness cli = installationWithCorruptPlugin();
        Path file = cli.file("ok.conf",
                "switchboard.providers.openai {}",
                "switchboard.routes.default.targets = [openai]");

        // when
        CliHarness.Result r = cli.run("--config", file.toString(), "config", "check");

        // then
        Path jar = dir.resolve("home/plugins/acme.jar");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains(jar.toString())))
                .containsExactly("switchboard: warning: skipping a provider plugin: " + jar
                        + ": not a readable jar (zip file is empty)");
    }

    @Test
    void configCheckOfABrokenConfigStillWarnsOnce() throws IOException {
        // given the same installation and a config with a problem (check then reports, and does not build)
        CliHarness cli = installationWithCorruptPlugin();
        Path file = cli.file("broken.conf",
                "switchboard.providers.openai {}",
                "switchboard.routes.default { targets = [openai], retry.max-retries = -1 }");

        // when
        CliHarness.Result r = cli.run("--config", file.toString(), "config", "check");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> l.contains("acme.jar"))).hasSize(1);
    }

    private CliHarness installationWithCorruptPlugin() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home/plugins"));
        Files.createFile(home.resolve("acme.jar"));
        CliHarness cli = new CliHarness(dir);
        cli.home = Optional.of(dir.resolve("home"));
        return cli;
    }
}
