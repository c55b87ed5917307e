package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile clients against the real server over raw sockets: each abuse gets its status (an OpenAI-shaped error naming
 * the limit's key), and the gateway goes on serving {@code /health} afterwards. Deadlines are configured short
 * (hundreds of milliseconds) so that the cases that wait for one stay quick.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseTest {

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.start("gateway { head-timeout = 1s, min-body-rate = 1 KiB, min-body-rate-window = 300ms }");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private RawClient client() throws IOException {
        return new RawClient(h.gateway.port());
    }

    private static String chatHead(String extraHeaders) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\n" + extraHeaders
                + "\r\n";
    }

    private void assertStillServing() throws IOException {
        try (RawClient c = client()) {
            RawClient.Answer health = c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"ok\"");
        }
    }

    @Test
    void anOversizedRequestLineIs414() throws Exception {
        try (RawClient c = client()) {
            RawClient.Answer a = c.exchange("GET /health?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n");

            assertThat(a.status()).isEqualTo(414);
            assertThat(a.body()).startsWith("{\"error\":{").contains("switchboard.gateway.max-request-line");
            assertThat(a.header("connection")).isEqualTo("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void aMegabyteHeaderIs431WithoutBeingBuffered() throws Exception {
        try (RawClient c = client()) {
            RawClient.Answer a = c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\nx-big: " + "b".repeat(1024 * 1024)
                    + "\r\n\r\n");

            assertThat(a.status()).isEqualTo(431);
            assertThat(a.body()).contains("switchboard.gateway.max-header-bytes");
        }
        assertStillServing();
    }

    @Test
    void tenThousandHeadersAre431() throws Exception {
        StringBuilder head = new StringBuilder("GET /health HTTP/1.1\r\nHost: gateway\r\n");
        for (int i = 0; i < 10_000; i++) {
            head.append("x-h").append(i).append(": v\r\n");
        }
        try (RawClient c = client()) {
            RawClient.Answer a = c.exchange(head.append("\r\n").toString());

            assertThat(a.status()).isEqualTo(431);
            assertThat(a.body()).contains("switchboard.gateway.max-header-count");
        }
        assertStillServing();
    }

    @Test
    void aTrickledHeadIs408AtTheHeadTimeout() throws Exception {
        try (RawClient c = client()) {
            c.send("GET /health HTTP/1.1\r\n");
            // One header byte every 20 ms: each byte would reset an idle timeout, but not the head's deadline.
            Thread trickle = new Thread(() -> {
                try {
                    while (true) {
                        c.send("x");
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the gateway, or the test is over
                }
            });
            trickle.setDaemon(true);
            trickle.start();

            RawClient.Answer a = c.read();

            trickle.interrupt();
            assertThat(a.status()).isEqualTo(408);
            assertThat(a.body()).contains("switchboard.gateway.head-timeout");
        }
        assertStillServing();
    }

    @Test
    void aKeptAliveConnectionIdlesAHeadTimeoutFromItsLastAnswerNotFromItsStart() throws Exception {
        try (RawClient c = client()) {
            // four requests 400 ms apart: past the head timeout (1 s) from the connection's start, each well within
            // it from the answer before
            for (int i = 0; i < 4; i++) {
                Thread.sleep(400);
                assertThat(c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n").status()).isEqualTo(200);
            }
            long answered = System.nanoTime();

            assertThat(c.closedByPeer()).isTrue(); // the idle connection is closed once its head is late
            assertThat(System.nanoTime() - answered).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
        }
    }

    @Test
    void aConnectionPastAChunkedBodyStillHasAHeadDeadline() throws Exception {
        // The head guard does not follow a chunked body's framing: the heads after it are not scanned, but a head
        // that does not come whole in time is still 408.
        h.upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/primary/v1/chat/completions")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        dev.switchboard.testkit.Fixtures.load("fixtures/openai/chat-completion.json"))));
        String body = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (RawClient c = client()) {
            RawClient.Answer a = c.exchange(chatHead("transfer-encoding: chunked\r\n")
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.header("connection")).isNotEqualTo("close");

            c.send("GET /health HTTP/1.1\r\n");
            RawClient.Answer late = c.read();

            assertThat(late.status()).isEqualTo(408);
            assertThat(late.body()).contains("switchboard.gateway.head-timeout");
        }
    }

    @Test
    void aNegativeContentLengthIs400() throws Exception {
        assertFraming("content-length: -1\r\n", "whole number");
    }

    @Test
    void aNonNumericContentLengthIs400() throws Exception {
        assertFraming("content-length: 12abc\r\n", "whole number");
    }

    @Test
    void anAbsurdlyLongContentLengthIs400() throws Exception {
        assertFraming("content-length: 99999999999999999999999999\r\n", "whole number");
    }

    @Test
    void aDuplicatedContentLengthIs400() throws Exception {
        assertFraming("content-length: 2\r\nContent-Length: 2\r\n", "more than one content-length");
    }

    @Test
    void contentLengthBesideTransferEncodingIs400() throws Exception {
        assertFraming("content-length: 2\r\ntransfer-encoding: chunked\r\n", "both content-length and transfer-encoding");
    }

    private void assertFraming(String framing, String why) throws Exception {
        try (RawClient c = client()) {
            RawClient.Answer a = c.exchange(chatHead(framing) + "{}");

            assertThat(a.status()).isEqualTo(400);
            assertThat(a.body()).startsWith("{\"error\":{").contains(why);
        }
        assertStillServing();
    }

    @Test
    void aBodyThatStallsIs408AfterOneWindow() throws Exception {
        try (RawClient c = client()) {
            c.send(chatHead("content-length: 4000\r\n") + "{\"model\":");

            RawClient.Answer a = c.read();

            assertThat(a.status()).isEqualTo(408);
            assertThat(a.body()).contains("switchboard.gateway.min-body-rate");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void aLyingContentLengthWithItsConnectionLeftOpenIs408NotAFourMegabyteBuffer() throws Exception {
        // 4 MiB declared, one byte sent: the body buffer grows with what arrives, and the stalled body is cut.
        try (RawClient c = client()) {
            c.send(chatHead("content-length: 4194304\r\n") + "{");

            assertThat(c.read().status()).isEqualTo(408);
        }
        assertStillServing();
    }

    @Test
    void expectContinueOverMaxBodyIs413WithoutA100() throws Exception {
        try (RawClient c = client()) {
            c.send(chatHead("content-length: 104857600\r\nexpect: 100-continue\r\n"));

            RawClient.Answer a = c.read();

            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).contains("switchboard.gateway.max-body");
        }
        assertStillServing();
    }

    @Test
    void a413ClosesItsConnectionRatherThanWaitForTheUnreadBody() throws Exception {
        try (RawClient c = client()) {
            c.send(chatHead("content-length: 5000000\r\n"));

            assertThat(c.read().status()).isEqualTo(413);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void maxBodyIsCheckedBeforeTheKey() throws Exception {
        try (GatewayHarness keyed = GatewayHarness.start("gateway.keys = [ \"team-key-0123456789\" ]");
                RawClient c = new RawClient(keyed.gateway.port())) {
            c.send(chatHead("content-length: 5000000\r\n"));

            RawClient.Answer a = c.read();
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).contains("switchboard.gateway.max-body");
        }
    }

    @Test
    void refusedConnectionsGiveTheirSlotsBack() throws Exception {
        try (GatewayHarness small = GatewayHarness.start("gateway.max-connections = 3")) {
            // Each refusal once held a slot for good: a few hundred bytes per slot locked every client out.
            for (int i = 0; i < 12; i++) {
                try (RawClient c = new RawClient(small.gateway.port())) {
                    assertThat(c.exchange("GET /health?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n")
                            .status()).isEqualTo(414);
                    assertThat(c.closedByPeer()).isTrue();
                }
            }
            List<RawClient> burst = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                burst.add(new RawClient(small.gateway.port()));
            }
            for (RawClient c : burst) {
                c.close();
            }
            // Slots come back when the gateway sees each close: poll /health until one answers 200 with few open.
            String body = "";
            for (int attempt = 0; attempt < 100 && !body.contains("\"connections\":1,"); attempt++) {
                try (RawClient c = new RawClient(small.gateway.port())) {
                    RawClient.Answer a = c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");
                    body = a.status() == 200 ? a.body() : "";
                }
                if (!body.contains("\"connections\":1,")) {
                    Thread.sleep(100); // the reactor and the sweep run on their own threads: nothing to inject here
                }
            }
            assertThat(body).contains("\"connections\":1,");
        }
    }

    @Test
    void expectContinueWithinMaxBodyGets100ThenItsAnswer() throws Exception {
        try (RawClient c = client()) {
            c.send(chatHead("content-length: 2\r\nexpect: 100-continue\r\n"));

            assertThat(c.read().status()).isEqualTo(100);
            c.send("{}");
            RawClient.Answer a = c.read();
            assertThat(a.status()).isEqualTo(400); // a body without model or messages: the request's own problem
            assertThat(a.body()).contains("invalid_request_error");
        }
    }

    @Test
    void healthCountsConnectionsAndRefusals() throws Exception {
        try (RawClient c = client()) {
            c.exchange("GET /health?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n");
        }
        try (RawClient c = client()) {
            RawClient.Answer health = c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");

            assertThat(health.body()).matches(".*\"connections\":[1-9][0-9]*,.*")
                    .matches(".*\"refused\":[1-9][0-9]*,.*").contains("\"exchange_failures\":");
        }
    }

    @Test
    void aConnectionBeyondMaxConnectionsIs503AndTheRestAreServed() throws Exception {
        try (GatewayHarness small = GatewayHarness.start("gateway.max-connections = 4")) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(new RawClient(small.gateway.port()));
                }
                // The I/O threads take new connections in parallel, so which of the five is the one too many is
                // theirs to decide: ask on every one, and expect four answers and one refusal.
                List<Integer> statuses = new ArrayList<>();
                RawClient.Answer refusal = null;
                for (RawClient c : clients) {
                    RawClient.Answer a = c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n");
                    statuses.add(a.status());
                    if (a.status() == 503) {
                        refusal = a;
                    }
                }

                assertThat(statuses).containsExactlyInAnyOrder(200, 200, 200, 200, 503);
                assertThat(refusal.header("retry-after")).isEqualTo("1");
                assertThat(refusal.body()).contains("switchboard.gateway.max-connections");
                RawClient served = clients.get(statuses.indexOf(200));
                assertThat(served.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n").body())
                        .contains("\"refused\":1");
            } finally {
                for (RawClient c : clients) {
                    c.close();
                }
            }
        }
    }
}
