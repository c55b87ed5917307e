package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The status a client gets when every target of a route failed follows the README's rule over all the failures, not
 * the last one: 429 when every failure was a rate limit, 503 when every failure was a rate limit or an overload, 502
 * otherwise; and an operation no target can serve (embeddings from chat-only providers) is the caller's 400
 * {@code unsupported}.
 */
@Timeout(60) // a guard against hangs, not a speed check
class FinalStatusTest {

    private static final String RATE_LIMIT = "429:fixtures/openai/errors/429-rate-limit-exceeded.json";
    private static final String OVERLOAD = "503:fixtures/openai/errors/503-overloaded.json";
    private static final String SERVER = "500:fixtures/openai/errors/500-server-error.json";

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void fail(String target, String answer) {
        String[] status = answer.split(":", 2);
        h.upstream.stubFor(post("/" + target + "/v1/chat/completions").willReturn(aResponse()
                .withStatus(Integer.parseInt(status[0])).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.load(status[1]))));
    }

    private static String answer(String name) {
        return switch (name) {
            case "rate-limit" -> RATE_LIMIT;
            case "overload" -> OVERLOAD;
            default -> SERVER;
        };
    }

    @ParameterizedTest(name = "primary {0}, backup {1}: {2}")
    @CsvSource({
            "rate-limit, rate-limit, 429, rate_limit_exceeded",
            "rate-limit, overload,   503, overloaded",
            "overload,   rate-limit, 503, overloaded",
            "overload,   overload,   503, overloaded",
            "server,     rate-limit, 502, upstream_failed",
            "rate-limit, server,     502, upstream_failed",
            "server,     overload,   502, upstream_failed",
            "overload,   server,     502, upstream_failed",
            "server,     server,     502, upstream_failed"})
    void everyTargetFailedAnswersByTheWholeMixOfFailures(String primary, String backup, int status, String code)
            throws Exception {
        h = GatewayHarness.start();
        fail("primary", answer(primary));
        fail("backup", answer(backup));

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.body()).contains("\"code\":\"" + code + "\"").contains("primary").contains("backup");
    }

    @Test
    void aFailedRouteSaysWhoWasTriedLastAndHowManyTries() throws Exception {
        h = GatewayHarness.start();
        fail("primary", SERVER);
        fail("backup", SERVER);

        GatewayHarness.Reply chat = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        GatewayHarness.Reply messages = h.http("POST", "/v1/messages",
                "{\"model\":\"default\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        for (GatewayHarness.Reply r : List.of(chat, messages)) {
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.header("x-switchboard-provider")).hasValue("backup");
            assertThat(r.header("x-switchboard-attempts")).hasValue("4"); // each target and its one retry
        }
    }

    @Test
    void embeddingsFromAChatOnlyProviderAreTheCallersMistake() throws Exception {
        h = GatewayHarness.start("providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\","
                + " api-key = \"not-real\" }\nroutes.chat-only.targets = [ claude ]");

        GatewayHarness.Reply direct = h.http("POST", "/v1/embeddings", "{\"model\":\"claude\",\"input\":\"Hi\"}");
        GatewayHarness.Reply route = h.http("POST", "/v1/embeddings", "{\"model\":\"chat-only\",\"input\":\"Hi\"}");

        assertThat(direct.statusCode()).isEqualTo(400);
        assertThat(direct.body()).contains("\"code\":\"unsupported\"").contains("claude");
        assertThat(route.statusCode()).isEqualTo(400);
        assertThat(route.body()).contains("\"code\":\"unsupported\"");
        assertThat(route.header("x-switchboard-attempts")).hasValue("0"); // skipped untried: nothing was sent
        assertThat(h.upstream.getAllServeEvents()).isEmpty();
    }
}
