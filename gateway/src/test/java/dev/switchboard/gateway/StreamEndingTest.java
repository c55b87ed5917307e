package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a streamed answer can end early ends the client's SSE body properly: an OpenAI-style error event
 * ({@code data: {"error":...}}), no {@code [DONE]} after it, and the end of the body; the gateway logs one line and
 * releases the upstream stream. The failures come from the {@code failing} test provider type.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamEndingTest {

    private static final String STREAM = "{\"model\":\"broken\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hi\"}]}";

    private final List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord record) { logged.add(record); }
        @Override public void flush() {}
        @Override public void close() {}
    };
    private final Logger gatewayLog = Logger.getLogger(Gateway.class.getName());

    @BeforeEach
    void captureLog() {
        gatewayLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        gatewayLog.removeHandler(capture);
    }

    private static String post(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length() + "\r\n\r\n" + body;
    }

    private List<String> messages() {
        List<String> m = new ArrayList<>();
        for (LogRecord r : logged) {
            m.add(r.getMessage());
        }
        return m;
    }

    @Test
    void aWorkerKilledByOutOfMemoryErrorEndsTheStreamWithAnErrorEventAndTheGatewayServesOn() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("providers.broken { type = failing, model = m, fail = fatal }")) {
            int closedBefore = FailingProviderFactory.closedStreams();
            try (RawClient c = new RawClient(h.gateway.port())) {
                RawClient.Answer a = c.exchange(post(STREAM));

                assertThat(a.status()).isEqualTo(200);
                assertThat(a.body()).contains("Hello").contains(" there");
                String last = lastEvent(a.body());
                assertThat(last).startsWith("data: {\"error\":{").contains("request id req_")
                        .doesNotContain("OutOfMemoryError").doesNotContain("java.");
                assertThat(a.body()).doesNotContain("[DONE]");
            }
            assertThat(FailingProviderFactory.closedStreams()).isGreaterThan(closedBefore);
            assertThat(messages()).filteredOn(m -> m.contains("failed: java.lang.OutOfMemoryError")).hasSize(1);
            GatewayHarness.Reply health = h.http("GET", "/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"exchange_failures\":1");
        }
    }

    @Test
    void aNonStreamedFatalErrorIs500NamingARequestIdAndNoJavaClass() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("providers.broken { type = failing, model = m, fail = fatal }")) {
            GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                    "{\"model\":\"broken\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("request id req_").doesNotContain("OutOfMemoryError").doesNotContain("java.");
            String id = r.body().replaceAll(".*request id (req_[0-9a-z]+).*", "$1");
            assertThat(messages()).filteredOn(m -> m.contains(id)).hasSize(1)
                    .allMatch(m -> m.contains("java.lang.OutOfMemoryError") && !m.contains("\n"));
            assertThat(h.http("GET", "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aStreamPastTheShutdownGraceEndsWithAnErrorEventAndTheShutdownIsLogged() throws Exception {
        GatewayHarness h = GatewayHarness.start("providers.broken { type = failing, model = m, fail = hang }");
        try {
            int closedBefore = FailingProviderFactory.closedStreams();
            RawClient c = new RawClient(h.gateway.port());
            c.sendInBackground(RawClient.ascii(post(STREAM)));
            RawClient.Answer head = c.readHead(); // the stream has started: its worker now hangs in the next read

            // A grace the worker can send its first event in (the head goes out just before it), however loaded
            // the machine; the upstream hangs for ever, so the grace always ends with the stream still open.
            h.gateway.shutdown(Duration.ofSeconds(2));

            RawClient.Answer a = c.readBody(head);
            c.close();
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).contains("Hello");
            assertThat(lastEvent(a.body())).startsWith("data: {\"error\":{").contains("shutting down");
            assertThat(a.body()).doesNotContain("[DONE]");
            assertThat(FailingProviderFactory.closedStreams()).isGreaterThan(closedBefore);
            assertThat(h.gateway.requestsAbandoned()).isEqualTo(1);
            assertThat(messages()).anyMatch(m -> m.contains("requests still in flight"))
                    .anyMatch(m -> m.contains("was still being answered when the shutdown grace ended"))
                    .anyMatch(m -> m.contains("stopped"));
        } finally {
            h.close();
        }
    }

    @Test
    void aClientLeavingMidStreamReleasesTheUpstreamStreamAndIsLoggedOnce() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("providers.broken { type = failing, model = m, fail = hang }")) {
            int closedBefore = FailingProviderFactory.closedStreams();
            RawClient c = new RawClient(h.gateway.port());
            c.sendInBackground(RawClient.ascii(post(STREAM)));
            assertThat(c.readHead().status()).isEqualTo(200); // streaming: its worker now hangs in the next read

            c.close();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((FailingProviderFactory.closedStreams() == closedBefore || h.gateway.requestsInFlight() > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10); // the disconnect is noticed on the I/O thread, then the upstream stream is closed
            }
            assertThat(FailingProviderFactory.closedStreams()).isGreaterThan(closedBefore);
            assertThat(h.gateway.requestsInFlight()).isZero();
            assertThat(messages()).filteredOn(m -> m.contains("the client left before its stream ended")).hasSize(1);
            assertThat(h.http("GET", "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void everyClientLeavingMidStreamIsNoLongerInFlight() throws Exception {
        // Many clients leaving at once: each exchange must be ended by the gateway itself, not by a later event on a
        // connection that is already closed (HttpCore reports no disconnect for a connection closed at once).
        try (GatewayHarness h = GatewayHarness.start("providers.broken { type = failing, model = m, fail = hang }")) {
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                RawClient c = new RawClient(h.gateway.port());
                c.sendInBackground(RawClient.ascii(post(STREAM)));
                assertThat(c.readHead().status()).isEqualTo(200);
                clients.add(c);
            }
            assertThat(h.gateway.requestsInFlight()).isEqualTo(40);

            for (RawClient c : clients) {
                c.close();
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (h.gateway.requestsInFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // each disconnect is noticed on an I/O thread
            }
            assertThat(h.gateway.requestsInFlight()).isZero();
            assertThat(messages()).filteredOn(m -> m.contains("the client left before its stream ended")).hasSize(40);
        }
    }

    /** The last SSE event of a body (events end with a blank line). */
    private static String lastEvent(String body) {
        String[] events = body.strip().split("\n\n");
        return events[events.length - 1];
    }
}
