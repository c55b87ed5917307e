package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mistaken configurations, one per row: each must make both {@code config check} and {@code serve} exit 2 with the
 * same single line {@code <file>:<line>: <key>: <what to fix>}, and {@code serve} must refuse before it binds (its port
 * is held by this test, so a serve that got as far as binding would exit 1 instead).
 */
@Timeout(60)
class ConfigMistakesTest {

    /** The valid configuration each row breaks; a row's lines are inserted at line {@value #FIRST_LINE}. */
    private static final List<String> BASE = List.of(
            "switchboard {",
            "  providers.openai { base-url = \"http://127.0.0.1:9/v1\" }",
            "  routes.default.targets = [ openai ]");
    private static final int FIRST_LINE = 4;

    /** Holds the port every serve is sent to. */
    private static ServerSocket occupied;

    @TempDir
    Path dir;

    /**
     * One mistake.
     *
     * @param name     what is wrong, as the test shows it
     * @param lines    the lines added inside {@code switchboard { }}, the first at line {@value #FIRST_LINE}
     * @param line     the line the problem must name; negative (the line, negated) when {@code lines} are the whole file
     * @param key      the full key path it must name
     * @param fragment text the message must contain (what to fix)
     */
    record Mistake(String name, List<String> lines, int line, String key, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Mistake mistake(String name, String line, String key, String fragment) {
        return new Mistake(name, List.of(line), FIRST_LINE, key, fragment);
    }

    /** A mistake that is a whole file, {@code file} its lines (not inside the valid base). */
    private static Mistake wholeFile(String name, List<String> file, int line, String key, String fragment) {
        return new Mistake(name, file, -line, key, fragment);
    }

    static Stream<Mistake> mistakes() {
        return Stream.of(
                // the gateway block
                mistake("gateway port out of range", "gateway.port = 70000", "switchboard.gateway.port",
                        "must be a TCP port from 0 to 65535"),
                mistake("negative gateway port", "gateway.port = -1", "switchboard.gateway.port", "at least 0"),
                mistake("negative shutdown grace", "gateway.shutdown-grace = -1s", "switchboard.gateway.shutdown-grace",
                        "must be zero or more"),
                mistake("max-body that is no size", "gateway.max-body = lots", "switchboard.gateway.max-body",
                        "is not a size"),
                mistake("zero max-body", "gateway.max-body = 0", "switchboard.gateway.max-body", "at least 1 byte"),
                mistake("zero concurrent requests", "gateway.max-concurrent-requests = 0",
                        "switchboard.gateway.max-concurrent-requests", "at least 1"),
                mistake("empty gateway host", "gateway.host = \"\"", "switchboard.gateway.host", "is empty"),
                mistake("empty gateway key", "gateway.keys = [ \"\" ]", "switchboard.gateway.keys[0]",
                        "is empty; remove it, or set the variable it reads"),
                mistake("key block whose variable is unset", "gateway.keys = [ { key = ${?UNSET_TEAM_KEY}, name = a } ]",
                        "switchboard.gateway.keys[0].key", "missing or unset"),
                mistake("gateway key too short to be safe", "gateway.keys = [ \"abc\" ]", "switchboard.gateway.keys[0]",
                        "is shorter than 16 characters"),
                mistake("key block with a short key", "gateway.keys = [ { key = \"short-key\", name = a } ]",
                        "switchboard.gateway.keys[0].key", "is shorter than 16 characters"),
                mistake("key that is a number", "gateway.keys = [ 42 ]", "switchboard.gateway.keys[0]",
                        "must be a key string or a block"),
                mistake("two keys with one name",
                        "gateway.keys = [ { key = k1-key-not-real-x, name = a }, { key = k2-key-not-real-y, name = a } ]",
                        "switchboard.gateway.keys[1]", "is named 'a' like keys[0]"),
                mistake("the same key twice", "gateway.keys = [ k1-key-not-real-x, k1-key-not-real-x ]",
                        "switchboard.gateway.keys[1]", "is the same key as keys[0]"),
                mistake("zero requests per minute on a key",
                        "gateway.keys = [ { key = k1-key-not-real-x, requests-per-minute = 0 } ]",
                        "switchboard.gateway.keys[0].requests-per-minute", "at least 1"),
                mistake("typo in the gateway block", "gateway.prot = 9000", "switchboard.gateway.prot",
                        "did you mean 'port'?"),
                mistake("typo of shutdown-grace", "gateway.shutdown-grce = 5s", "switchboard.gateway.shutdown-grce",
                        "did you mean 'shutdown-grace'?"),
                mistake("typo in a key block", "gateway.keys = [ { key = k1-key-not-real-x, nmae = a } ]",
                        "switchboard.gateway.keys[0].nmae", "did you mean 'name'?"),
                mistake("typo in a key's budget",
                        "gateway.keys = [ { key = k1-key-not-real-x, budget { amount = 5, perod = 1d } } ]",
                        "switchboard.gateway.keys[0].budget.perod", "did you mean 'period'?"),
                // key roles
                mistake("admin-keys entry that is no configured key",
                        "gateway.keys = [ { key = k1-key-not-real-x, name = a } ], gateway.admin-keys = [ b ]",
                        "switchboard.gateway.admin-keys[0]", "is not one of switchboard.gateway.keys"),
                mistake("admin flag that is no boolean", "gateway.keys = [ { key = k1-key-not-real-x, admin = maybe } ]",
                        "switchboard.gateway.keys[0].admin", "must be true or false"),
                mistake("unknown endpoint in open-endpoints", "gateway.open-endpoints = [ metric ]",
                        "switchboard.gateway.open-endpoints[0]", "'metric' is not an endpoint that can be opened"),
                // the runtime's blocks
                mistake("negative retries", "routes.default.retry.max-retries = -1",
                        "switchboard.routes.default.retry.max-retries", "at least 0"),
                mistake("zero failure threshold", "routes.default.cooldown.failure-threshold = 0",
                        "switchboard.routes.default.cooldown.failure-threshold", "at least 1"),
                mistake("zero connect timeout", "providers.openai.timeouts.connect = 0s",
                        "switchboard.providers.openai.timeouts.connect", "must be positive"),
                mistake("typo in provider limits", "providers.openai.limits.requests-per-minut = 5",
                        "switchboard.providers.openai.limits.requests-per-minut", "did you mean 'requests-per-minute'?"),
                mistake("typo in a route budget", "routes.default.budget { amount = 5, perid = 1d }",
                        "switchboard.routes.default.budget.perid", "did you mean 'period'?"),
                mistake("typo in a price", "pricing { \"openai/gpt-4o\" { inptu = 1.0 } }",
                        "switchboard.pricing.\"openai/gpt-4o\".inptu", "did you mean 'input'?"),
                mistake("zero pool size", "http.max-connections = 0", "switchboard.http.max-connections", "at least 1"),
                mistake("default route that is not configured", "default-route = nope", "switchboard.default-route",
                        "names no configured route 'nope'"),
                mistake("route target that is not configured", "routes.other.targets = [ opnai ]",
                        "switchboard.routes.other.targets", "opnai"),
                mistake("unknown provider type", "providers.x.type = opnai", "switchboard.providers.x.type",
                        "unknown provider type 'opnai'"),
                mistake("negative max-wait", "providers.openai.limits.max-wait = -1s",
                        "switchboard.providers.openai.limits.max-wait", "must be zero or more"),
                mistake("negative price", "pricing { \"openai/gpt-4o\" { input = -1 } }",
                        "switchboard.pricing.\"openai/gpt-4o\".input", "must be zero or more"),
                mistake("zero budget on a key", "gateway.keys = [ { key = k1-key-not-real-x, budget { amount = 0, period = 1d } } ]",
                        "switchboard.gateway.keys[0].budget.amount", "must be more than zero"),
                mistake("backoff that shrinks", "routes.default.retry.multiplier = 0.5",
                        "switchboard.routes.default.retry.multiplier", "at least 1"),
                // typos in every block
                mistake("typo of a top-level key", "rotues.other.targets = [ openai ]", "switchboard.rotues",
                        "did you mean 'routes'?"),
                mistake("typo of retry in a route", "routes.default.retyr { max-retries = 1 }",
                        "switchboard.routes.default.retyr", "did you mean 'retry'?"),
                mistake("typo inside retry", "routes.default.retry.max-retires = 1",
                        "switchboard.routes.default.retry.max-retires", "did you mean 'max-retries'?"),
                mistake("typo inside cooldown", "route-defaults.cooldown.duraton = 5s",
                        "switchboard.route-defaults.cooldown.duraton", "did you mean 'duration'?"),
                mistake("typo in route-defaults", "route-defaults.stream-failovr = fail",
                        "switchboard.route-defaults.stream-failovr", "did you mean 'stream-failover'?"),
                mistake("typo of api-key", "providers.openai.api-kye = \"sk-not-real\"",
                        "switchboard.providers.openai.api-kye", "did you mean 'api-key'?"),
                mistake("typo of a timeout", "providers.openai.timeouts.frist-byte = 5s",
                        "switchboard.providers.openai.timeouts.frist-byte", "did you mean 'first-byte'?"),
                mistake("another type's key on a provider", "providers.openai.num-ctx = 4096",
                        "switchboard.providers.openai.num-ctx", "unknown key; known keys: api-key,"),
                mistake("typo in the pool block", "http.max-conections = 5", "switchboard.http.max-conections",
                        "did you mean 'max-connections'?"),
                mistake("typo in provider-defaults-common", "provider-defaults-common.timeouts.conect = 5s",
                        "switchboard.provider-defaults-common.timeouts.conect", "did you mean 'connect'?"),
                mistake("typo in a type's defaults", "provider-defaults.openai.modle = gpt-4o",
                        "switchboard.provider-defaults.openai.modle", "did you mean 'model'?"),
                // entries an unset variable would drop
                mistake("plain gateway key whose variable is unset", "gateway.keys = [ ${?UNSET_GATEWAY_KEY} ]",
                        "switchboard.gateway.keys[0]", "reads ${?UNSET_GATEWAY_KEY}, which is not set"),
                mistake("route target whose variable is unset", "routes.other.targets = [ openai, ${?UNSET_BACKUP} ]",
                        "switchboard.routes.other.targets[1]", "set UNSET_BACKUP or remove the entry"),
                // nothing to serve
                wholeFile("empty file", List.of(""), 1, "switchboard.routes", "the configuration is empty: no route"
                        + " is configured"),
                wholeFile("providers without a route", List.of("switchboard {", "  providers.openai {}", "}"), 1,
                        "switchboard.routes", "add one over your providers, e.g. routes.default.targets = [ openai ]"));
    }

    @BeforeAll
    static void holdAPort() throws IOException {
        occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void releaseThePort() throws IOException {
        occupied.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void checkAndServeRefuseWithTheSameLine(Mistake m) {
        // given
        CliHarness cli = new CliHarness(dir);
        Path file = write(cli, m);

        // when
        CliHarness.Result check = cli.run("--config", file.toString(), "config", "check");
        CliHarness.Result serve = serve(cli, file);

        // then
        String expected = file + ":" + Math.abs(m.line()) + ": " + m.key() + ": ";
        assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(2);
        assertThat(check.out().lines().toList()).singleElement().asString().startsWith(expected).contains(m.fragment());
        assertThat(serve.exitCode()).as(serve.err()).isEqualTo(2);
        assertThat(serve.err()).isEqualTo("switchboard: " + check.out());
    }

    @Test
    void aValidConfigPassesTheCheckAndServeGetsAsFarAsBinding() {
        // given
        CliHarness cli = new CliHarness(dir);
        Path file = write(cli, List.of("gateway.keys = [ { key = k1-key-not-real-x, name = a } ]"));

        // when
        CliHarness.Result check = cli.run("--config", file.toString(), "config", "check");
        CliHarness.Result serve = serve(cli, file);

        // then the check passes, and serve fails only at the port this test holds
        assertThat(check.exitCode()).as(check.out()).isZero();
        assertThat(serve.exitCode()).as(serve.err()).isEqualTo(1);
        assertThat(serve.err()).contains("cannot listen on 127.0.0.1:" + occupied.getLocalPort());
    }

    private static CliHarness.Result serve(CliHarness cli, Path file) {
        return cli.run("--config", file.toString(), "serve", "--host", "127.0.0.1", "--port",
                Integer.toString(occupied.getLocalPort()));
    }

    private static Path write(CliHarness cli, Mistake m) {
        return m.line() < 0 ? cli.file("mistake.conf", m.lines().toArray(String[]::new)) : write(cli, m.lines());
    }

    private static Path write(CliHarness cli, List<String> lines) {
        List<String> all = new java.util.ArrayList<>(BASE);
        lines.forEach(l -> all.add("  " + l));
        all.add("}");
        return cli.file("mistake.conf", all.toArray(String[]::new));
    }
}
