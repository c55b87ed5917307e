package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard over plain HTTP (its browser tests are in {@link DashboardBrowserTest}): the page loads without a
 * key under a strict Content-Security-Policy, its JSON needs an admin key, and the JSON holds what the pages show:
 * a provider cooling down with the failure behind it, route figures, and a fallback's attempt trail.
 */
@Timeout(60) // a guard against hangs, not a speed check
class DashboardEndpointsTest {

    private static final String ADMIN = "Bearer admin-key-not-real";
    private static final String TEAM_A = "Bearer team-a-key-not-real";
    private static final String ASK = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start() {
        h = GatewayHarness.start("gateway.keys = [ { key = \"admin-key-not-real\", name = ops, admin = true },"
                + " { key = \"team-a-key-not-real\", name = team-a } ]\n"
                + "route-defaults.cooldown { failure-threshold = 1, duration = 10m }\n"
                + "route-defaults.retry.max-retries = 0");
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no '" + name + "' in " + list);
    }

    /**
     * The recent calls once the one made is among them (or after 5 s, for the assertions to report): a call is
     * recorded when its connection has released it, which may be just after its client has the whole answer.
     */
    private JsonNode recorded() throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        JsonNode requests = Json.read(h.http("GET", "/ui/api/requests", null, "Authorization", ADMIN).body());
        while (requests.path("data").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            requests = Json.read(h.http("GET", "/ui/api/requests", null, "Authorization", ADMIN).body());
        }
        return requests;
    }

    @Test
    void theTextOfACallIsKeptOnlyWhenCaptureContentIsOn() throws Exception {
        h = GatewayHarness.start("gateway.keys = [ { key = \"admin-key-not-real\", name = ops, admin = true } ]\n"
                + "telemetry.capture-content = true");
        h.upstream.stubFor(post("/primary/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        String answer = Json.read(Fixtures.load("fixtures/openai/chat-completion.json"))
                .at("/choices/0/message/content").asText();

        h.http("POST", "/v1/chat/completions", ASK, "Authorization", ADMIN);
        JsonNode call = recorded().at("/data/0");

        assertThat(call.path("prompt").asText()).isEqualTo("Hi");
        assertThat(call.path("answer").asText()).isEqualTo(answer);
    }

    @Test
    void thePageLoadsWithoutAKeyUnderAStrictPolicyAndItsDataNeedsAnAdminKey() throws Exception {
        start();

        GatewayHarness.Reply page = h.http("GET", "/ui", null);
        GatewayHarness.Reply script = h.http("GET", "/ui/app.js", null);
        GatewayHarness.Reply anonymous = h.http("GET", "/ui/api/overview", null);
        GatewayHarness.Reply plain = h.http("GET", "/ui/api/overview", null, "Authorization", TEAM_A);
        GatewayHarness.Reply admin = h.http("GET", "/ui/api/overview", null, "Authorization", ADMIN);
        GatewayHarness.Reply missing = h.http("GET", "/ui/nothing.js", null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.body()).contains("<script src=\"/ui/app.js\" defer>").doesNotContain("<script>");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.header("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(Json.read(plain.body()).at("/error/message").asText()).contains("only an admin key");
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.header("Cache-Control")).hasValue("no-store");
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void theOverviewAndRequestsShowACooldownItsCauseAndTheFallbacksTrail() throws Exception {
        start();
        h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")));
        h.upstream.stubFor(post("/backup/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply answer = h.http("POST", "/v1/chat/completions", ASK, "Authorization", TEAM_A);
        JsonNode requests = recorded();
        JsonNode overview = Json.read(h.http("GET", "/ui/api/overview", null, "Authorization", ADMIN).body());

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode primary = named(overview.path("providers"), "primary");
        assertThat(primary.path("state").asText()).isEqualTo("cooling down");
        assertThat(primary.path("until").asText()).isNotEmpty();
        assertThat(primary.at("/last_failure/kind").asText()).isIn("server", "overloaded");
        JsonNode route = named(overview.path("routes"), "default");
        assertThat(route.at("/targets/0/state").asText()).isEqualTo("cooling down");
        assertThat(route.at("/last_5m/requests").asLong()).isEqualTo(1);
        assertThat(route.at("/last_5m/error_rate").asDouble()).isZero();
        assertThat(route.at("/last_60m/latency_p95_ms").isNumber()).isTrue();
        JsonNode call = requests.at("/data/0");
        assertThat(call.path("key").asText()).isEqualTo("team-a");
        assertThat(call.path("provider").asText()).isEqualTo("backup");
        assertThat(call.path("status").asInt()).isEqualTo(200);
        assertThat(call.at("/attempts/0/provider").asText()).isEqualTo("primary");
        assertThat(call.at("/attempts/0/outcome").asText()).isEqualTo("failed");
        assertThat(call.at("/attempts/1/provider").asText()).isEqualTo("backup");
        assertThat(call.at("/attempts/1/outcome").asText()).isEqualTo("answered");
        assertThat(call.has("prompt")).isFalse(); // capture-content is off
        assertThat(call.has("answer")).isFalse();
    }

    @Test
    void aRefusedCallIsListedWithTheErrorItGotAndTheRequestIdItsAnswerCarries() throws Exception {
        h = GatewayHarness.start("gateway.keys = [ { key = \"admin-key-not-real\", name = ops, admin = true },"
                + " { key = \"team-b-key-not-real\", name = team-b, budget { amount = 0.000001, period = 1d } } ]");
        h.upstream.stubFor(post("/primary/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        String teamB = "Bearer team-b-key-not-real";
        // the first call may exceed a budget with nothing spent; it spends it all
        assertThat(h.http("POST", "/v1/chat/completions", ASK, "Authorization", teamB).statusCode()).isEqualTo(200);

        GatewayHarness.Reply refused = h.http("POST", "/v1/chat/completions", ASK, "Authorization", teamB);
        GatewayHarness.Reply unknown = h.http("POST", "/v1/chat/completions",
                ASK.replace("\"default\"", "\"no-such-model\""), "Authorization", teamB);
        JsonNode calls = recordedAtLeast(3).path("data");
        JsonNode usage = Json.read(h.http("GET", "/v1/usage", null, "Authorization", ADMIN).body());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(unknown.statusCode()).isEqualTo(404);
        JsonNode budgetRow = byId(calls, refused.header("x-request-id").orElseThrow());
        assertThat(budgetRow.at("/error/type").asText()).isEqualTo("insufficient_quota");
        assertThat(budgetRow.at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(budgetRow.at("/error/message").asText()).contains("team-b").doesNotContain("team-b-key-not-real");
        JsonNode unknownRow = byId(calls, unknown.header("x-request-id").orElseThrow());
        assertThat(unknownRow.at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(unknownRow.at("/error/message").asText()).contains("no-such-model");
        assertThat(byId(calls, calls.get(2).path("id").asText()).has("error")).isFalse(); // the answered call
        // the period as configured, and a budget that refuses calls says so
        assertThat(usage.at("/budgets/keys/team-b/period").asText()).isEqualTo("1d");
        assertThat(usage.at("/budgets/keys/team-b/exceeded").asBoolean()).isTrue();
        assertThat(usage.at("/budgets/keys/team-b/last_refused_at").asText()).isNotEmpty();
        assertThat(h.http("GET", "/health", null).header("x-request-id")).isPresent();
    }

    @Test
    void aProviderWhoseTargetIsProbingIsProbingToo() throws Exception {
        h = GatewayHarness.start("gateway.keys = [ { key = \"admin-key-not-real\", name = ops, admin = true } ]\n"
                + "route-defaults.cooldown { failure-threshold = 1, duration = 1s }\n"
                + "route-defaults.retry.max-retries = 0", java.time.Clock.systemUTC());
        h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"boom\"}}")));
        h.upstream.stubFor(post("/backup/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.http("POST", "/v1/chat/completions", ASK, "Authorization", ADMIN);

        JsonNode overview = Json.read(h.http("GET", "/ui/api/overview", null, "Authorization", ADMIN).body());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!named(overview.path("routes"), "default").at("/targets/0/state").asText().equals("probing")
                && System.nanoTime() < deadline) { // the 1 s cooldown ends
            Thread.sleep(50);
            overview = Json.read(h.http("GET", "/ui/api/overview", null, "Authorization", ADMIN).body());
        }

        assertThat(named(overview.path("routes"), "default").at("/targets/0/state").asText()).isEqualTo("probing");
        assertThat(named(overview.path("providers"), "primary").path("state").asText()).isEqualTo("probing");
    }

    @Test
    void aCooldownFromBeforeARestartStillSaysWhatKindOfFailureStartedIt(@org.junit.jupiter.api.io.TempDir
                                                                         java.nio.file.Path data) throws Exception {
        String config = "gateway.keys = [ { key = \"admin-key-not-real\", name = ops, admin = true } ]\n"
                + "state { backend = embedded, data-dir = \"" + data.toString().replace("\\", "/") + "\" }\n"
                + "route-defaults.cooldown { failure-threshold = 1, duration = 10m }\n"
                + "route-defaults.retry.max-retries = 0";
        h = GatewayHarness.start(config);
        h.upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"boom\"}}")));
        h.upstream.stubFor(post("/backup/v1/chat/completions")
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.http("POST", "/v1/chat/completions", ASK, "Authorization", ADMIN);

        h.close();
        h = GatewayHarness.start(config);
        JsonNode primary = named(Json.read(h.http("GET", "/ui/api/overview", null, "Authorization", ADMIN).body())
                .path("providers"), "primary");

        assertThat(primary.path("state").asText()).isEqualTo("cooling down");
        assertThat(primary.has("last_failure")).isFalse(); // this process saw no call fail
        assertThat(primary.path("cooldown_cause").asText()).isEqualTo("server failures (1 in a row)");
    }

    private JsonNode recordedAtLeast(int calls) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        JsonNode requests = Json.read(h.http("GET", "/ui/api/requests", null, "Authorization", ADMIN).body());
        while (requests.path("data").size() < calls && System.nanoTime() < deadline) {
            Thread.sleep(10);
            requests = Json.read(h.http("GET", "/ui/api/requests", null, "Authorization", ADMIN).body());
        }
        return requests;
    }

    private static JsonNode byId(JsonNode calls, String id) {
        for (JsonNode c : calls) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no call " + id + " in " + calls);
    }
}
