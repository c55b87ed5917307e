package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request heads through the real server, on kept-alive connections as clients send them: heads repeating the previous
 * one's lines, changing them, pipelined behind one another, and the unusual ones HttpCore reads (folded lines, an
 * absolute target, HTTP/1.0), each answered; a head HttpCore refuses is still a 400 that closes the connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestHeadsTest {

    private static GatewayHarness h;

    @BeforeAll
    static void start() {
        h = GatewayHarness.start("");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static RawClient client() throws IOException {
        return new RawClient(h.gateway.port());
    }

    private static void assertHealthy(RawClient.Answer answer) {
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"status\":\"ok\"");
    }

    @Test
    void aKeptAliveConnectionIsAnsweredWhetherItsHeadsRepeatOrChange() throws Exception {
        try (RawClient c = client()) {
            assertHealthy(c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\nAccept: */*\r\n\r\n"));
            assertHealthy(c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\nAccept: */*\r\n\r\n"));
            assertHealthy(c.exchange("GET /health HTTP/1.1\r\nhost: other:8080\r\nX-Extra: 1\r\nAccept: */*\r\n\r\n"));
            assertHealthy(c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\nX-Folded: a\r\n  b\r\n\r\n"));
            assertHealthy(c.exchange("GET http://gateway/health HTTP/1.1\r\nHost: gateway\r\n\r\n"));
            assertHealthy(c.exchange("GET /health HTTP/1.1\r\nHost:gateway\r\nAccept:\t*/*\t\r\n\r\n"));
            RawClient.Answer unknown = c.exchange("GET /nowhere HTTP/1.1\r\nHost: gateway\r\n\r\n");
            assertThat(unknown.status()).isEqualTo(404);
            assertHealthy(c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n"));
        }
    }

    @Test
    void pipelinedHeadsAreEachAnswered() throws Exception {
        try (RawClient c = client()) {
            c.send("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\nGET /health HTTP/1.1\r\nHost: gateway\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: gateway\r\nX-Request: third\r\n\r\n");
            assertHealthy(c.read());
            assertHealthy(c.read());
            assertHealthy(c.read());
        }
    }

    @Test
    void anHttp10RequestIsAnswered() throws Exception {
        try (RawClient c = client()) {
            assertHealthy(c.exchange("GET /health HTTP/1.0\r\n\r\n"));
        }
    }

    @Test
    void headsHttpCoreRefusesAre400AndClose() throws Exception {
        for (String head : new String[] {"GET /health HTTP/1.1\r\n\r\n", "GET /health HTTP/1.1\r\nHost: gateway\r\n"
                + "Not a header\r\n\r\n", "GET /health HTTP/1.1\r\nHost : gateway\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET /health HTTP/2.5x\r\nHost: gateway\r\n\r\n"}) {
            try (RawClient c = client()) {
                assertHealthy(c.exchange("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n"));
                RawClient.Answer refused = c.exchange(head);
                assertThat(refused.status()).as(head).isEqualTo(400);
                assertThat(c.closedByPeer()).as(head).isTrue();
            }
        }
    }
}
