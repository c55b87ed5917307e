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
 * What the Responses translation costs next to chat, measured in one run on one gateway and one stub: the
 * gateway's own time per non-streamed request ({@code x-switchboard-overhead-ms}: the exchange's time less the wait
 * for the provider) for {@code POST /v1/chat/completions} and {@code POST /v1/responses} asking the same thing,
 * interleaved round by round so machine load hits both alike. Prints medians, p90s and their ratio; asserts nothing
 * about time. Run with
 * {@code mvn -o -pl gateway -am verify -Dtest=ResponsesOverheadBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ResponsesOverheadBench {

    private static final int WARMUP = 500;
    private static final int ROUNDS = 5;
    private static final int PER_ROUND = 400;

    private static final String CHAT = "{\"model\":\"default\",\"messages\":[{\"role\":\"system\",\"content\":"
            + "\"Be brief.\"},{\"role\":\"user\",\"content\":\"Describe the image.\"}],\"max_completion_tokens\":300}";
    private static final String RESPONSES = "{\"model\":\"default\",\"instructions\":\"Be brief.\","
            + "\"input\":\"Describe the image.\",\"max_output_tokens\":300}";

    @Test
    void comparesTheGatewaysOwnTimeForResponsesAndChat() throws Exception {
        try (GatewayHarness h = GatewayHarness.start()) {
            h.upstream.stubFor(post("/primary/v1/chat/completions")
                    .willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
            for (int i = 0; i < WARMUP; i++) {
                overhead(h, "/v1/chat/completions", CHAT);
                overhead(h, "/v1/responses", RESPONSES);
            }
            List<Double> chat = new ArrayList<>();
            List<Double> responses = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < PER_ROUND; i++) {
                    chat.add(overhead(h, "/v1/chat/completions", CHAT));
                }
                for (int i = 0; i < PER_ROUND; i++) {
                    responses.add(overhead(h, "/v1/responses", RESPONSES));
                }
            }
            double chatMedian = percentile(chat, 50);
            double responsesMedian = percentile(responses, 50);
            System.out.printf("gateway overhead per request, %d each: chat median %.3f ms p90 %.3f ms;"
                            + " responses median %.3f ms p90 %.3f ms; responses/chat median ratio %.2f%n",
                    chat.size(), chatMedian, percentile(chat, 90), responsesMedian, percentile(responses, 90),
                    responsesMedian / chatMedian);
            assertThat(responses).hasSize(chat.size());
        }
    }

    private static double overhead(GatewayHarness h, String path, String body) throws Exception {
        GatewayHarness.Reply r = h.http("POST", path, body);
        assertThat(r.statusCode()).isEqualTo(200);
        return Double.parseDouble(r.header(ChatCall.OVERHEAD_HEADER).orElseThrow());
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
