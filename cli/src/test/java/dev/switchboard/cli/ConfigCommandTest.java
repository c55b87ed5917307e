package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void showMasksEveryKindOfSecret(String format) {
        // given one secret of every kind: provider keys (inline and from the environment), credential headers, a
        // header named in sensitive-headers, gateway keys (plain, in a block, from a variable) and admin keys
        CliHarness cli = new CliHarness(dir);
        cli.env.put("TEAM_B_KEY", "test-team-b-key-not-real");
        List<String> secrets = List.of("test-key-not-real-in-file", CliHarness.KEY, "test-goog-not-real",
                "test-custom-token-not-real", "test-helicone-not-real", "test-cookie-not-real", "test-tenant-not-real",
                "test-gateway-plain-not-real", "test-team-a-key-not-real", "test-team-b-key-not-real",
                "test-admin-key-not-real");
        cli.file("switchboard.conf",
                "switchboard {",
                "  sensitive-headers = [ \"X-Tenant\" ]",
                "  providers.openai {",
                "    api-key = \"test-key-not-real-in-file\"",
                "    headers { X-Goog-Api-Key = \"test-goog-not-real\", X-Custom-Token = \"test-custom-token-not-real\",",
                "              Helicone-Auth = \"Bearer test-helicone-not-real\", Cookie = \"s=test-cookie-not-real\",",
                "              X-Tenant = \"test-tenant-not-real\", X-Team = \"visible-team\" }",
                "  }",
                "  providers.other { type = openai }",
                "  gateway {",
                "    keys = [ \"test-gateway-plain-not-real\", { key = \"test-team-a-key-not-real\", name = team-a },",
                "             { key = ${?TEAM_B_KEY}, name = team-b } ]",
                "    admin-keys = [ \"test-admin-key-not-real\" ]",
                "  }",
                "}");

        // when
        CliHarness.Result r = format.equals("json") ? cli.run("config", "show", "--json") : cli.run("config", "show");

        // then
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain(secrets).contains("****", "visible-team", "team-a", "team-b");
        if (format.equals("json")) {
            assertThat(r.json().path("switchboard").path("gateway").path("keys").get(0).asText()).isEqualTo("****");
            assertThat(r.json().path("switchboard").path("gateway").path("keys").get(2).path("key").asText())
                    .isEqualTo("****");
            assertThat(r.json().path("switchboard").path("providers").path("openai").path("headers")
                    .path("X-Tenant").asText()).isEqualTo("****");
        }
    }
}
