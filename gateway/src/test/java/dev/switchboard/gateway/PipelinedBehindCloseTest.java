package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests a client pipelines behind an answer that closes the connection (a 503 of max-concurrent-requests, which
 * HttpCore answers with {@code Connection: close}): the gateway closes the connection once that answer is out, and
 * none of the requests behind it stays in flight. HttpCore alone left them queued, unanswered and counted, with the
 * connection open, for good: a client could take the gateway's connection slots and in-flight count one by one.
 * The close waits for the answer: a large one that a slow reader takes longer than the linger to read arrives whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelinedBehindCloseTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BODY = "{\"model\":\"solo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static String chat() {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\n"
                + "content-length: " + BODY.length() + "\r\n\r\n" + BODY;
    }

    @Test
    void requestsPipelinedBehindABusyAnswerEndWithTheConnection() throws Exception {
        h = GatewayHarness.start("routes.solo.targets = [ primary ]\ngateway.max-concurrent-requests = 1\n"
                + "providers.primary.timeouts.first-byte = 50s");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))
                .withFixedDelay(1_500)));
        // given: one call in flight, the most the gateway serves at once
        CompletableFuture<GatewayHarness.Reply> first = CompletableFuture.supplyAsync(() -> {
            try {
                return h.http("POST", "/v1/chat/completions", BODY);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.upstream.findAll(postRequestedFor(urlEqualTo(PRIMARY_CHAT))).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        // when: three requests pipelined on one connection
        try (RawClient c = new RawClient(h.gateway.port())) {
            c.send(chat() + chat() + chat());

            RawClient.Answer busy = c.read();
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.header("connection")).isEqualToIgnoringCase("close");
            // then: the gateway closes the connection after it (whatever else it wrote)
            c.readToEnd();
        }
        assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // and nothing stays in flight
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.gateway.requestsInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.gateway.requestsInFlight()).isZero();
    }
    @Test
    void aLargeAnswerThatClosesTheConnectionReachesASlowReaderWhole() throws Exception {
        h = GatewayHarness.start("");
        String tail = "END-OF-THE-LONG-ANSWER";
        String content = "x".repeat(6 * 1024 * 1024) + tail;
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json")
                .replaceFirst("\"content\": *\"[^\"]*\"", "\"content\": \"" + content + "\""))));
        String body = BODY.replace("solo", "default");
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(4096); // most of the answer stays in the gateway's buffers, not the kernel's
            socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), h.gateway.port()));
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // a client that starts reading only after a pause longer than the gateway's linger
            Thread.sleep(ConnectionGuard.LINGER.toMillis() + 500);
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").contains(tail);
        }
    }
}
