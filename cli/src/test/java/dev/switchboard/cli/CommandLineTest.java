package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument handling and exit codes that need no provider. */
class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void printsTheVersion() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("--version");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("switchboard " + Version.current() + "\n");
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void printsHelpWithEveryCommandAndExitsZero() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("--help");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("providers", "chat", "embed", "models", "config", "serve", "--config", "--verbose");
    }

    @Test
    void withoutACommandSaysWhichThereAreAndExitsTwo() {
        // when
        CliHarness.Result r = new CliHarness(dir).run();

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("switchboard: name a command: providers, routes, chat, embed, models, config, serve or usage "
                + "(see 'switchboard --help')\n");
    }

    @Test
    void anUnknownOptionIsOneUsageLine() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("chat", "--temperature", "2", "Hi");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: Unknown option: '--temperature'")
                .endsWith("(see 'switchboard chat --help')\n").hasLineCount(1);
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("frobnicate");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("switchboard: unknown command 'frobnicate'; the commands are providers, routes, chat,"
                + " embed, models, config, serve, usage (see 'switchboard --help')\n");
    }

    @Test
    void eachCommandHasItsHelp() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("chat", "--help");

        // then
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: switchboard chat").contains("--route", "--provider", "--model",
                "--system", "--no-stream", "--json", "PROMPT").doesNotContain("--version");
    }

    @Test
    void embedNeedsAtLeastOneText() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("embed");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: Missing required parameter").contains("TEXT");
    }

    @Test
    void aConfigFileThatDoesNotExistIsAConfigError() {
        // when
        CliHarness.Result r = new CliHarness(dir).run("--config", "missing.conf", "providers");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: " + dir.resolve("missing.conf"))
                .contains("does not exist").hasLineCount(1);
    }

    @Test
    void everyProblemOfABrokenConfigIsItsOwnPrefixedLine() {
        // given
        CliHarness cli = new CliHarness(dir);
        cli.file("switchboard.conf",
                "switchboard.providers.a { type = nosuch-type }",
                "switchboard.routes.r { targets = [nobody] }");

        // when
        CliHarness.Result r = cli.run("chat", "Hi");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines()).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(l -> assertThat(l).startsWith("switchboard: ").containsPattern("\\.conf:\\d+: switchboard\\."))
                .anySatisfy(l -> assertThat(l).startsWith("switchboard: " + dir.resolve("switchboard.conf") + ":1: "))
                .anySatisfy(l -> assertThat(l).startsWith("switchboard: " + dir.resolve("switchboard.conf") + ":2: "));
    }
}
