package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cooldowns are kept per provider and model, not per route: a provider and model that keeps failing is skipped by
 * every route that uses it (and by calls naming it directly) once one route has put it in cooldown, while the same
 * provider with another model is still asked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedCooldownTest {

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";
    private static final String ROUTES = String.join("\n",
            "routes.alpha.targets = [ primary, backup ]",
            "routes.beta.targets = [ primary, backup ]",
            "routes.gamma.targets = [ \"primary/gpt-4o\", backup ]",
            "route-defaults.retry.max-retries = 0",
            "route-defaults.cooldown { failure-threshold = 1, duration = 10m }");

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start(ROUTES);
        h.upstream.stubFor(post(PRIMARY).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"primary is down\",\"type\":\"server_error\"}}")));
        h.upstream.stubFor(post(BACKUP).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private int primaryCalls() {
        return h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY))).size();
    }

    private GatewayHarness.Reply chat(String model) throws Exception {
        return h.http("POST", "/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    }

    @Test
    void aCooldownOpenedThroughOneRouteIsHonouredByEveryRouteUsingTheSameProviderAndModel() throws Exception {
        GatewayHarness.Reply first = chat("alpha");
        assertThat(first.header(ChatCall.PROVIDER_HEADER)).contains("backup");
        assertThat(primaryCalls()).isEqualTo(1); // failed once: cooling down from now on

        GatewayHarness.Reply other = chat("beta");
        GatewayHarness.Reply direct = chat("primary");

        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.header(ChatCall.PROVIDER_HEADER)).contains("backup");
        assertThat(other.header(ChatCall.ATTEMPTS_HEADER)).contains("1"); // primary skipped without a request
        assertThat(direct.statusCode()).isEqualTo(503); // a call naming the provider finds it cooling down too
        assertThat(primaryCalls()).isEqualTo(1);
    }

    @Test
    void anotherModelOfTheSameProviderKeepsItsOwnCooldown() throws Exception {
        chat("alpha");
        h.upstream.resetRequests();

        chat("gamma");

        h.upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY)).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o\"}", true, true)));
    }
}
