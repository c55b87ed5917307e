package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Fixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a response-cache hit costs the gateway itself: {@code x-switchboard-overhead-ms} of non-streamed hits (the
 * exchange's time up to its answer's head: reading the body, the key, the lookup, the body's bytes, the ledger),
 * next to the same request on a route without a cache answered by the stub (its overhead leaves the provider's
 * time out), interleaved round by round so machine load hits both alike. Prints medians and p90s; asserts nothing
 * about time. Run with
 * {@code mvn -o -pl gateway -am verify -Dtest=CacheHitOverheadBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CacheHitOverheadBench {

    private static final int WARMUP = 3000;
    private static final int ROUNDS = 5;
    private static final int PER_ROUND = 1000;

    private static String body(String route) {
        return "{\"model\":\"" + route + "\",\"temperature\":0,\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    }

    @Test
    void measuresTheGatewaysOwnTimeForACacheHit() throws Exception {
        try (GatewayHarness h = GatewayHarness.start("routes.cached { targets = [ primary ], cache { ttl = 1h } }")) {
            h.upstream.stubFor(post("/primary/v1/chat/completions")
                    .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
            assertThat(h.http("POST", "/v1/chat/completions", body("cached")).header(ResponseCache.HEADER))
                    .contains("miss");
            for (int i = 0; i < WARMUP; i++) {
                overhead(h, body("cached"));
                if (i % 10 == 0) {
                    overhead(h, body("default"));
                }
            }
            List<Double> hits = new ArrayList<>();
            List<Double> uncached = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < PER_ROUND; i++) {
                    hits.add(overhead(h, body("cached")));
                }
                for (int i = 0; i < PER_ROUND / 5; i++) {
                    uncached.add(overhead(h, body("default")));
                }
            }
            System.out.printf("gateway's own time per request: cache hit median %.0f us p90 %.0f us (%d);"
                            + " uncached route, provider's time left out, median %.0f us p90 %.0f us (%d)%n",
                    percentile(hits, 50), percentile(hits, 90), hits.size(), percentile(uncached, 50),
                    percentile(uncached, 90), uncached.size());
            assertThat(hits).hasSize(ROUNDS * PER_ROUND);
        }
    }

    private static double overhead(GatewayHarness h, String body) throws Exception {
        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        return Double.parseDouble(r.header(ChatCall.OVERHEAD_HEADER).orElseThrow()) * 1000;
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
