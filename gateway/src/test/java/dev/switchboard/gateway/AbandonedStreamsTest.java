package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams their clients abandon are still counted: in {@code /v1/usage}, against the route's budget and in
 * {@code /metrics}, with the tokens the gateway received (estimated, since the provider never got to report usage).
 * Real HTTP throughout: raw client sockets that hang up mid-answer, and an upstream that streams 25 of its 30 chunks
 * and then waits for the gateway to hang up on it.
 */
@Timeout(60)
class AbandonedStreamsTest {

    private static final int STREAMS = 20;
    private static final int DELIVERED = 25;
    /** 16 characters: 4 input tokens by the gateway's estimate. */
    private static final String ASK = "{\"model\":\"metered\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to thirty.\"}]}";
    /** Each chunk's text: 5 characters; 25 of them are 125 characters, 32 output tokens by the estimate. */
    private static final String WORD = "word ";

    private RawUpstream raw;
    private GatewayHarness h;

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    @Test
    void twentyStreamsCutByTheirClientsAfter25Of30ChunksAreRecordedWithTheirTokens() throws Exception {
        raw = new RawUpstream(c -> {
            c.socket.setTcpNoDelay(true); // each chunk goes out in three small writes: no waiting for acks
            c.sseHead();
            for (int i = 0; i < DELIVERED; i++) {
                c.event(FaultToleranceTest.chunk(WORD));
            }
            c.awaitPeerClose(30_000); // chunks 26 to 30, the usage and [DONE] never go out: the client has left
        });
        h = GatewayHarness.start(String.join("\n",
                "providers.raw { type = openai, base-url = \"" + raw.baseUrl() + "\", api-key = \"test-key-not-real\","
                        + " model = \"gpt-4o-mini\", timeouts { first-byte = 30s, idle = 30s } }",
                "routes.metered { targets = [ raw ], budget { amount = 5, period = 1d } }"));

        ExecutorService clients = Executors.newFixedThreadPool(STREAMS);
        try {
            List<Future<Integer>> cut = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                cut.add(clients.submit(this::readChunksThenHangUp));
            }
            for (Future<Integer> f : cut) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(DELIVERED);
            }
        } finally {
            clients.shutdownNow();
        }

        JsonNode usage = usageOnceItCounts(STREAMS);
        assertThat(usage.at("/routes/metered/requests").asLong()).isEqualTo(STREAMS);
        assertThat(usage.at("/routes/metered/estimated_requests").asLong()).isEqualTo(STREAMS);
        assertThat(usage.at("/total/input_tokens").asLong()).isEqualTo(STREAMS * 4L);
        assertThat(usage.at("/total/output_tokens").asLong()).isEqualTo(STREAMS * 32L);
        // gpt-4o-mini: 4 * 0.15 + 32 * 0.60 = 19.8 per million, 20 times
        BigDecimal cost = usage.at("/routes/metered/cost_usd").decimalValue();
        assertThat(cost).isEqualByComparingTo("0.000396");
        assertThat(usage.at("/budgets/routes/metered/spent_usd").decimalValue()).isEqualByComparingTo(cost);
        assertThat(usage.at("/budgets/routes/metered/reserved_usd").decimalValue()).isEqualByComparingTo("0");
        List<String> expected = List.of(
                "switchboard_gateway_abandoned_streams_total{route=\"metered\",provider=\"raw\"} " + STREAMS,
                "switchboard_gateway_estimated_usage_total{route=\"metered\",provider=\"raw\"} " + STREAMS,
                "switchboard_gateway_tokens_total{route=\"metered\",provider=\"raw\",direction=\"output\"} " + STREAMS * 32);
        assertThat(h.metricsContaining(expected)).contains(expected);
    }

    /** Sends {@link #ASK}, reads {@link #DELIVERED} content chunks and hangs up; returns the chunks read. */
    private Integer readChunksThenHangUp() throws Exception {
        int seen;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), h.gateway.port())) {
            client.setSoTimeout(20_000);
            FaultToleranceTest.send(client, ASK);
            seen = countUntil(client.getInputStream(), "\"content\":\"" + WORD + "\"", DELIVERED);
        } // the client hangs up here, mid-answer
        return seen;
    }

    /** Reads until {@code marker} was seen {@code times} times (or the stream ends); returns how often it was. */
    private static int countUntil(InputStream in, String marker, int times) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        int n;
        while (occurrences(sb, marker) < times && (n = in.read(buf)) > 0) {
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return occurrences(sb, marker);
    }

    private static int occurrences(CharSequence text, String marker) {
        int count = 0;
        String s = text.toString();
        for (int i = s.indexOf(marker); i >= 0; i = s.indexOf(marker, i + marker.length())) {
            count++;
        }
        return count;
    }

    /**
     * {@code /v1/usage} once it counts {@code requests} requests (or after 10 s, for the assertions to report): a
     * stream is recorded when the gateway notices its client left, just after the client hung up.
     */
    private JsonNode usageOnceItCounts(int requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode u = Json.read(h.http("GET", "/v1/usage", null).body());
        while (u.at("/total/requests").asLong() < requests && System.nanoTime() < deadline) {
            Thread.sleep(10);
            u = Json.read(h.http("GET", "/v1/usage", null).body());
        }
        return u;
    }
}
