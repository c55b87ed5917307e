package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Non-streamed chat calls the gateway makes without a worker (the route's targets offer
 * {@link dev.switchboard.api.LlmProvider#chatWithoutWaiting}): the same answers and bookkeeping as a worker's call,
 * with no worker thread made for them; a failure carried on by a worker; a client leaving cancels the call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallWithoutWorkerTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello!").build();
    }

    @Test
    void answersThroughTheOfficialClientWithoutMakingAWorker() throws Exception {
        h = GatewayHarness.start("routes.solo.targets = [ primary ]");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        for (int i = 0; i < 20; i++) {
            ChatCompletion c = h.client().chat().completions().create(params("solo"));
            assertThat(c.choices().get(0).message().content()).isPresent();
            assertThat(c.usage()).isPresent();
        }

        assertThat(h.gateway.workerThreads()).as("worker threads made").isZero();
        h.upstream.verify(20, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        JsonNode usage = Json.read(h.http("GET", "/v1/usage", null).body());
        assertThat(usage.at("/routes/solo/requests").asLong()).isEqualTo(20);
        assertThat(usage.at("/providers/primary/requests").asLong()).isEqualTo(20);
        String ok = "switchboard_gateway_requests_total{endpoint=\"chat\",route=\"solo\",provider=\"primary\",status=\"200\"} 20";
        assertThat(h.metricsContaining(List.of(ok))).contains(ok);
    }

    @Test
    void carriesAFailedFirstTryOnToTheNextTargetOnAWorker() throws Exception {
        h = GatewayHarness.start("");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}")));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header(ChatCall.PROVIDER_HEADER)).contains("backup");
        // primary, its one retry (route-defaults: max-retries = 1), then backup
        assertThat(r.header(ChatCall.ATTEMPTS_HEADER)).contains("3");
        h.upstream.verify(2, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
        h.upstream.verify(1, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
    }

    @Test
    void aCallerErrorIsAnsweredWithTheProvidersStatus() throws Exception {
        h = GatewayHarness.start("routes.solo.targets = [ primary ]");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Invalid value for 'temperature'\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}")));

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"solo\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("temperature");
        h.upstream.verify(1, postRequestedFor(urlEqualTo(PRIMARY_CHAT)));
    }

    @Test
    void aClientLeavingCancelsTheCall() throws Exception {
        h = GatewayHarness.start("routes.solo.targets = [ primary ]\nproviders.primary.timeouts.first-byte = 50s");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))
                .withFixedDelay(40_000)));

        try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.gateway.baseUrl().getPort())) {
            String body = "{\"model\":\"solo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            awaitUpstreamRequest();
        }

        // the upstream holds its answer for 40 s: only a cancelled call ends the exchange before the test's timeout
        String gone = "switchboard_gateway_requests_total{endpoint=\"chat\",route=\"solo\",provider=\"-\",status=\"499\"} 1";
        assertThat(h.metricsContaining(List.of(gone))).contains(gone);
        assertThat(h.gateway.workerThreads()).isZero();
    }

    @Test
    void aCallWithoutAWorkerCountsAgainstMaxConcurrentRequests() throws Exception {
        h = GatewayHarness.start("routes.solo.targets = [ primary ]\ngateway.max-concurrent-requests = 1\n"
                + "providers.primary.timeouts.first-byte = 50s");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))
                .withFixedDelay(3_000)));
        String body = "{\"model\":\"solo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
        java.util.concurrent.CompletableFuture<GatewayHarness.Reply> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return h.http("POST", "/v1/chat/completions", body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitUpstreamRequest();

        GatewayHarness.Reply second = h.http("POST", "/v1/chat/completions", body);

        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.header("Retry-After")).contains("1");
        assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(h.gateway.workerThreads()).isZero();
    }

    /** Waits (at most 10 s) until the upstream has received a chat request. */
    private void awaitUpstreamRequest() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT))).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
