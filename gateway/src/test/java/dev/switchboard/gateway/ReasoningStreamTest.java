package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thinking answer streamed through the OpenAI surface: the reasoning text leaves as {@code reasoning_content},
 * while the signed block (which OpenAI's chunks have no place for) adds no chunk of its own.
 */
@Timeout(60) // a guard against hangs, not a speed check
class ReasoningStreamTest {

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start("providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\", api-key = \""
                + GatewayHarness.KEY + "\", model = \"claude-sonnet-4-5\" }");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aSignedThinkingBlockAddsNoEmptyChunk() throws Exception {
        h.upstream.stubFor(post("/anthropic/v1/messages").willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/anthropic/stream-thinking-tool-use.sse"))));

        GatewayHarness.Reply reply = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"What's the weather in Paris?\"}]}",
                "Authorization", "Bearer " + GatewayHarness.KEY);

        assertThat(reply.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : reply.body().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                chunks.add(Json.parse(line.substring(6), "chunk"));
            }
        }
        StringBuilder reasoning = new StringBuilder();
        for (JsonNode chunk : chunks) {
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            boolean carriesSomething = delta.hasNonNull("content") || delta.hasNonNull("reasoning_content")
                    || delta.hasNonNull("tool_calls") || !choice.path("finish_reason").isNull();
            assertThat(carriesSomething).as("chunk %s", chunk).isTrue();
            reasoning.append(delta.path("reasoning_content").asText(""));
        }
        assertThat(reasoning.toString()).startsWith("The user wants to know the current weather in Paris.")
                .endsWith("The function requires a location parameter.");
        assertThat(reply.body()).doesNotContain("BDaL4VrbR2Oj0hO4");
    }
}
