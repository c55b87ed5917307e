package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /v1/responses} under the gateway's keys: the same authentication, per-key limits, usage accounting and
 * metrics as chat, seen through the official SDK's Responses API.
 */
@Timeout(60) // a guard against hangs, not a speed check
class ResponsesKeysTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    /** Frozen: the key's limiter does not refill while the test runs. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aKeysLimitsUsageAndMetricsCountResponsesCalls() throws Exception {
        h = GatewayHarness.start("gateway.keys = [ { key = \"team-a-key-not-real\", name = \"team-a\","
                + " requests-per-minute = 2 } ]\ngateway.open-endpoints = [ metrics ]", CLOCK);
        h.upstream.stubFor(post(PRIMARY_CHAT).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                        .matchingJsonPath("$.stream", com.github.tomakehurst.wiremock.client.WireMock.equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
        h.upstream.stubFor(post(PRIMARY_CHAT).atPriority(10)
                .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        OpenAIClient teamA = h.client("team-a-key-not-real");
        ResponseCreateParams ask = ResponseCreateParams.builder().model("default").input("Hi").build();

        UnauthorizedException stranger = catchThrowableOfType(UnauthorizedException.class,
                () -> h.client("not-a-key").responses().create(ask));
        teamA.responses().create(ask);
        try (StreamResponse<ResponseStreamEvent> s = teamA.responses().createStreaming(ask)) {
            assertThat(s.stream().filter(ResponseStreamEvent::isCompleted).count()).isEqualTo(1);
        }
        RateLimitException limited = catchThrowableOfType(RateLimitException.class,
                () -> teamA.responses().create(ask));

        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(limited.getMessage()).contains("key 'team-a'", "requests-per-minute 2 reached");
        h.upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        h.upstream.verify(0, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
        JsonNode usage = Json.read(h.http("GET", "/v1/usage", null, "Authorization", "Bearer team-a-key-not-real")
                .body());
        assertThat(usage.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(usage.at("/total/input_tokens").asLong()).isEqualTo(1117 + 14); // the whole answer, then the stream
        assertThat(usage.at("/total/output_tokens").asLong()).isEqualTo(46 + 47);
        String answered = "switchboard_gateway_requests_total{endpoint=\"responses\",route=\"default\","
                + "provider=\"primary\",status=\"200\"} 2";
        String refused = "switchboard_gateway_requests_total{endpoint=\"responses\",route=\"default\",provider=\"-\","
                + "status=\"429\"} 1";
        String metrics = h.metricsContaining(List.of(answered, refused));
        assertThat(metrics).contains(answered, refused);
    }
}
