package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an error answer tells a client beyond its status: the gateway's headers on every endpoint, no provider named
 * when none was asked, Retry-After when the route waits for its targets to come back, the request id the logs use,
 * and no Java class names in a stream's error event.
 */
@Timeout(60)
class ErrorAnswersTest {

    private static final String SERVER = "fixtures/openai/errors/500-server-error.json";
    private static final String CHAT = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private GatewayHarness h;
    private RawUpstream raw;

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    private void failWith500(String target) {
        h.upstream.stubFor(post("/" + target + "/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.load(SERVER))));
    }

    @Test
    void responsesErrorsCarryTheGatewayHeadersAsChatErrorsDo() throws Exception {
        h = GatewayHarness.start();
        failWith500("primary");
        failWith500("backup");

        GatewayHarness.Reply r = h.http("POST", "/v1/responses", "{\"model\":\"default\",\"input\":\"Hi\"}");

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        assertThat(r.header("x-switchboard-attempts")).hasValue("4"); // each target and its one retry
        assertThat(r.header("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("req_[0-9a-z]+"));
    }

    @Test
    void everyTargetCoolingDownIs503WithRetryAfterWhenTheFirstComesBackAndNamesNoProvider() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        h = GatewayHarness.start("routes.default.cooldown { failure-threshold = 1, duration = 30s }", clock);
        failWith500("primary");
        failWith500("backup");
        GatewayHarness.Reply first = h.http("POST", "/v1/chat/completions", CHAT); // both fail and cool down

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", CHAT);

        assertThat(first.statusCode()).isEqualTo(502);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"code\":\"overloaded\"").contains("cooling down");
        assertThat(r.header("retry-after")).hasValue("30");
        assertThat(r.header("x-switchboard-attempts")).hasValue("0");
        assertThat(r.header("x-switchboard-provider")).isEmpty(); // nobody was asked: no route name posing as one
    }

    @Test
    void everyAnswerCarriesTheRequestIdAndAStreamErrorEventNamesItWithoutJavaClasses() throws Exception {
        raw = new RawUpstream(c -> {
            c.sseHead();
            c.event(FaultToleranceTest.chunk("Hel"));
            c.reset();
        });
        h = GatewayHarness.start("providers.primary.base-url = \"" + raw.baseUrl() + "\"\n"
                + "routes.strict { targets = [ primary ], stream-failover = fail }");

        GatewayHarness.Reply models = h.http("GET", "/v1/models", null);
        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"strict\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(models.header("x-request-id")).isPresent();
        String id = r.header("x-request-id").orElseThrow();
        assertThat(id).matches("req_[0-9a-z]+").isNotEqualTo(models.header("x-request-id").orElseThrow());
        assertThat(r.body()).contains("\"content\":\"Hel\"").contains("the upstream connection closed mid-stream")
                .contains("request id " + id).doesNotContain("Exception");
    }

    @Test
    void aMessagesCallWithoutAKeyIsToldAboutXApiKey() throws Exception {
        h = GatewayHarness.start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\" } ]");

        GatewayHarness.Reply r = h.http("POST", "/v1/messages",
                "{\"model\":\"default\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("authentication_error").contains("'x-api-key: <key>'");
        assertThat(r.header("x-request-id")).isPresent();
    }
}
