package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route budget holds each call's estimated cost while it is in flight, so 50 concurrent calls through the gateway
 * against a budget of five calls' cost admit five and refuse the rest with {@code budget_exceeded}, sending nothing
 * for them. Real HTTP: the upstream holds every call it receives until all 50 have been admitted or refused.
 */
@Timeout(60)
class ConcurrentBudgetTest {

    private static final int CALLS = 50;
    /**
     * 20 characters of prompt (5 tokens by the estimate) and max_tokens 7: estimated at exactly what the upstream
     * reports, 5 in and 7 out, $12 and $20 per million: $0.0002 a call.
     */
    private static final String ASK = "{\"model\":\"metered\",\"max_tokens\":7,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"twenty characters!!!\"}]}";
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"exact-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";

    private final CountDownLatch answer = new CountDownLatch(1);
    private RawUpstream raw;
    private GatewayHarness h;

    @AfterEach
    void stop() throws Exception {
        answer.countDown();
        if (h != null) {
            h.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    @Test
    void fiftyConcurrentCallsAgainstABudgetOfFiveCallsCostAdmitFive() throws Exception {
        raw = new RawUpstream(c -> {
            if (!answer.await(30, TimeUnit.SECONDS)) {
                return;
            }
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n"
                    + ANSWER);
        });
        h = GatewayHarness.start(String.join("\n",
                "providers.raw { type = openai, base-url = \"" + raw.baseUrl() + "\", api-key = \"test-key-not-real\","
                        + " model = \"exact-model\", timeouts { first-byte = 30s, idle = 30s } }",
                "pricing { \"raw/exact-model\" { input = 12, output = 20 } }",
                "routes.metered { targets = [ raw ], budget { amount = 0.001, period = 1d } }"));

        AtomicInteger refused = new AtomicInteger();
        List<GatewayHarness.Reply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CALLS);
        JsonNode inFlight;
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(clients.submit(() -> {
                    GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", ASK);
                    if (r.statusCode() == 429) {
                        refused.incrementAndGet();
                    }
                    replies.add(r);
                    return null;
                }));
            }
            awaitDecided(refused);
            inFlight = usage();
            answer.countDown();
            for (Future<?> f : calls) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }

        assertThat(raw.requests()).isEqualTo(5);
        assertThat(replies).filteredOn(r -> r.statusCode() == 200).hasSize(5);
        assertThat(replies).filteredOn(r -> r.statusCode() == 429).hasSize(45)
                .allSatisfy(r -> assertThat(r.body()).contains("\"code\":\"budget_exceeded\""));
        assertThat(inFlight.at("/budgets/routes/metered/reserved_usd").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(inFlight.at("/budgets/routes/metered/spent_usd").decimalValue()).isEqualByComparingTo("0");
        JsonNode after = usage();
        assertThat(after.at("/budgets/routes/metered/spent_usd").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(after.at("/budgets/routes/metered/reserved_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(after.at("/routes/metered/requests").asLong()).isEqualTo(5);
    }

    /** Waits until every call was either refused or received by the upstream (or 20 s, for the assertions to report). */
    private void awaitDecided(AtomicInteger refused) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (refused.get() + raw.requests() < CALLS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private JsonNode usage() throws Exception {
        return Json.read(h.http("GET", "/v1/usage", null).body());
    }
}
