package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.state.CooldownPermit;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.state.embedded.EmbeddedStateBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard routes}: strategies, members, weights and what is known of each member. */
class RoutesCommandTest {

    @TempDir
    Path dir;

    private CliHarness cli;

    @BeforeEach
    void writeConfig() {
        cli = new CliHarness(dir);
        cli.file("switchboard.conf",
                "switchboard {",
                "  providers {",
                "    azure-eu { type = openai, base-url = \"http://127.0.0.1:9/eu\", api-key = not-a-real-key }",
                "    azure-us { type = openai, base-url = \"http://127.0.0.1:9/us\", api-key = not-a-real-key }",
                "    openai { type = openai, base-url = \"http://127.0.0.1:9/openai\", api-key = not-a-real-key }",
                "  }",
                "  routes.default.targets = [",
                "    { strategy = weighted, targets = [ { target = azure-eu, weight = 3 }, azure-us ] }",
                "    \"openai/gpt-4o-mini\"",
                "  ]",
                "}");
    }

    @Test
    void showsEachRoutesStrategyMembersAndWeights() {
        CliHarness.Result r = cli.run("routes");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("default (default):")
                .containsPattern("1\\s+weighted\\s+azure-eu\\s+3\\s+ok\\s+0\\s+-")
                .containsPattern("1\\s+weighted\\s+azure-us\\s+1\\s+ok\\s+0\\s+-")
                .containsPattern("2\\s+single\\s+openai/gpt-4o-mini\\s+-\\s+ok\\s+0\\s+-");
    }

    @Test
    void printsTheSameAsJson() {
        CliHarness.Result r = cli.run("routes", "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode elements = r.json().path("routes").get(0).path("elements");
        assertThat(elements.get(0).path("strategy").asText()).isEqualTo("weighted");
        assertThat(elements.get(0).path("members").get(0).path("target").asText()).isEqualTo("azure-eu");
        assertThat(elements.get(0).path("members").get(0).path("weight").asInt()).isEqualTo(3);
        assertThat(elements.get(0).path("members").get(0).path("state").asText()).isEqualTo("ok"); // as the table says
        assertThat(elements.get(1).path("strategy").asText()).isEqualTo("single");
    }

    @Test
    void besideAGatewayHoldingTheDataDirItShowsThatGatewaysCooldownsAndConfigCheckPasses() {
        Path data = dir.resolve("data");
        cli.file("state.conf", "include \"switchboard.conf\"",
                "switchboard.state { backend = embedded, data-dir = \"" + data.toString().replace("\\", "/") + "\" }");
        try (StateStore gateway = EmbeddedStateBackend.open(data)) {
            // given: the running gateway saw azure-us fail and cools it down for an hour
            gateway.cooldownFailed("target:azure-us", CooldownPermit.CALL, ErrorKind.SERVER, 1,
                    Duration.ofHours(1), Instant.now());

            // when: the one-off commands run beside it with the same data dir
            CliHarness.Result routes = cli.run("--config", "state.conf", "routes");
            CliHarness.Result check = cli.run("--config", "state.conf", "config", "check");
            CliHarness.Result json = cli.run("--config", "state.conf", "routes", "--json");

            // then: neither is refused the data dir, and routes shows the gateway's cooldown
            assertThat(routes.exitCode()).as(routes.err()).isZero();
            assertThat(routes.out()).containsPattern("azure-us\\s+1\\s+cooling down until")
                    .containsPattern("azure-eu\\s+3\\s+ok");
            assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
            JsonNode usMember = json.json().path("routes").get(0).path("elements").get(0).path("members").get(1);
            assertThat(usMember.path("target").asText()).isEqualTo("azure-us");
            assertThat(usMember.path("state").asText()).isEqualTo("cooling down"); // the table's words
            assertThat(usMember.path("openUntil").asText()).isNotEmpty();
        }
    }

    @Test
    void onlyAWeightedGroupShowsWeights() {
        cli.file("groups.conf",
                "switchboard {",
                "  providers {",
                "    a { type = openai, base-url = \"http://127.0.0.1:9/a\", api-key = not-a-real-key }",
                "    b { type = openai, base-url = \"http://127.0.0.1:9/b\", api-key = not-a-real-key }",
                "  }",
                "  routes.busy.targets = [ { strategy = least-busy, targets = [ a, b ] } ]",
                "  routes.fast.targets = [ { strategy = latency, targets = [ a, b ] } ]",
                "  routes.default.targets = [ a ]",
                "}");

        CliHarness.Result table = cli.run("--config", "groups.conf", "routes");
        CliHarness.Result json = cli.run("--config", "groups.conf", "routes", "--json");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).containsPattern("1\\s+least-busy\\s+a\\s+-\\s+ok")
                .containsPattern("1\\s+latency\\s+b\\s+-\\s+ok")
                .containsPattern("1\\s+single\\s+a\\s+-\\s+ok");
        for (JsonNode route : json.json().path("routes")) {
            for (JsonNode member : route.path("elements").get(0).path("members")) {
                assertThat(member.has("weight")).as(route.path("name") + " " + member).isFalse();
            }
        }
    }

    @Test
    void saysWhichStateItReadAndWarnsWhenAnEmbeddedDataDirHoldsNone() {
        Path empty = dir.resolve("not-the-gateways");
        cli.file("elsewhere.conf", "include \"switchboard.conf\"",
                "switchboard.state { backend = embedded, data-dir = \"" + empty.toString().replace("\\", "/") + "\" }");

        CliHarness.Result r = cli.run("--config", "elsewhere.conf", "routes");
        CliHarness.Result json = cli.run("--config", "elsewhere.conf", "routes", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("State: embedded in " + empty.toAbsolutePath().normalize());
        assertThat(r.err()).contains("no state in " + empty.toAbsolutePath().normalize())
                .contains("SWITCHBOARD_DATA_DIR").doesNotContain("\n\n");
        assertThat(json.json().path("state").asText()).startsWith("embedded in ");
    }

    @Test
    void theDatabaseFileNameIsTheEmbeddedBackends() {
        assertThat(RoutesCommand.EMBEDDED_DATABASE).isEqualTo(EmbeddedStateBackend.DATABASE);
    }
}
