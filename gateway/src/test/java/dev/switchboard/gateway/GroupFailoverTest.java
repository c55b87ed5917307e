package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
 * A route whose element is a target group: a member that fails with a retryable kind hands the request to a sibling
 * not yet tried before the chain's next element; other failures do not. Real HTTP on both sides; the random source
 * is fixed at 0, so the weighted group picks {@code primary} first, then {@code backup}; {@code third} follows the group.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupFailoverTest {

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";
    private static final String THIRD = "/third/v1/chat/completions";
    private static final String ROUTES = String.join("\n",
            "providers.third { type = openai, base-url = \"{upstream}/third/v1\", api-key = \"" + GatewayHarness.KEY
                    + "\", model = \"gpt-4o\" }",
            "routes.pair.targets = [ { strategy = weighted, targets = [ primary, backup ] } ]",
            "routes.chain.targets = [ { strategy = weighted, targets = [ primary, backup ] }, third ]");

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start(ROUTES, b -> b.random(() -> 0.0).build());
        h.upstream.stubFor(post(BACKUP).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        h.upstream.stubFor(post(THIRD).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private int calls(String path) {
        return h.upstream.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    private GatewayHarness.Reply chat(String route) throws Exception {
        return h.http("POST", "/v1/chat/completions",
                "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    }

    private void primaryAnswers(int status, String type) {
        h.upstream.stubFor(post(PRIMARY).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"primary says " + status + "\",\"type\":\"" + type + "\"}}")));
    }

    @Test
    void aMemberFailingWithA5xxHandsTheRequestToItsSiblingBeforeTheNextElement() throws Exception {
        primaryAnswers(500, "server_error");

        GatewayHarness.Reply reply = chat("chain");

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.header(ChatCall.PROVIDER_HEADER)).contains("backup");
        assertThat(calls(PRIMARY)).isEqualTo(2); // its try and its one retry
        assertThat(calls(BACKUP)).isEqualTo(1);
        assertThat(calls(THIRD)).isZero();
    }

    @Test
    void aRateLimitedMemberHandsTheRequestToItsSibling() throws Exception {
        primaryAnswers(429, "rate_limit_exceeded");

        GatewayHarness.Reply reply = chat("pair");

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.header(ChatCall.PROVIDER_HEADER)).contains("backup");
    }

    @Test
    void whenEveryMemberFailsTheErrorNamesEachMemberAndItsFailure() throws Exception {
        primaryAnswers(500, "server_error");
        h.upstream.stubFor(post(BACKUP).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"backup is down\",\"type\":\"server_error\"}}")));

        GatewayHarness.Reply reply = chat("pair");

        assertThat(reply.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(reply.body()).contains("all targets failed: primary (SERVER: ", "primary says 500",
                "backup (", "backup is down");
        assertThat(calls(BACKUP)).isEqualTo(2);
    }

    @Test
    void anInvalidRequestEndsTheCallWithoutAskingAnotherMember() throws Exception {
        primaryAnswers(400, "invalid_request_error");

        GatewayHarness.Reply reply = chat("chain");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(calls(BACKUP)).isZero();
        assertThat(calls(THIRD)).isZero();
    }

    @Test
    void aRefusedKeyMovesToTheNextElementNotToASibling() throws Exception {
        primaryAnswers(401, "invalid_api_key");

        GatewayHarness.Reply reply = chat("chain");

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.header(ChatCall.PROVIDER_HEADER)).contains("third");
        assertThat(calls(BACKUP)).isZero();
    }
}
