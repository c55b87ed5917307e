package dev.switchboard.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.gemini.GeminiTestSupport.GENERATE;
import static dev.switchboard.provider.gemini.GeminiTestSupport.STREAM;
import static dev.switchboard.provider.gemini.GeminiTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thought signatures across turns: read (whole and streamed) into the answer's reasoning blocks, and returned on the
 * exact part they came on when the conversation continues; thought summaries and other providers' blocks are not
 * returned.
 */
@Timeout(30)
class GeminiThoughtSignatureWireTest {

    @RegisterExtension
    static final WireMockExtension server = GeminiTestSupport.wireMock();

    private static final String CALL_SIGNATURE = "CtwBAdHtim8Qm3sbQe1bWkY4tB9FhS4yQ0xXnB8qWmF7dQ2pL5cRkT0vZ1yH3gJ6uA9eN2sK4wE8oI7rP0tU5iY1aS3dF6gH9jK2lZ4xC7vB0nM5qW8eR1tY4uI7oP0aS3dF==";
    private static final String TEXT_SIGNATURE = "CoMBAdHtim9f2kLw1pQ7sR3tU5vX8yZ0aB2cD4eF6gH8iJ0kL2mN4oP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4iJ6kL8mN0oP2qR4sT6uV8wX0yZ2aB4cD6eF8gH0iJ2kL4mN6o=";
    private static final String THOUGHT = "**Checking two cities**\n\nThe user wants the temperature in Paris and in London."
            + " I can call get_current_temperature for both at once.";
    private static final ToolDefinition TEMPERATURE = ToolDefinition.of("get_current_temperature",
            "Gets the current temperature for a given location.",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}");

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    private static LlmProvider provider() {
        return GeminiTestSupport.provider(server, transport);
    }

    private static ChatRequest question() {
        return ChatRequest.builder().user("What's the temperature in Paris and London?").addTool(TEMPERATURE)
                .providerParameter("thinkingConfig", Map.of("includeThoughts", true)).build();
    }

    private static ChatResponse answered(String jsonFixture) {
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(fixture(jsonFixture))));
        return provider().chat(question());
    }

    private static ChatResponse streamed(String sseFixture, List<ChatEvent> events) {
        server.stubFor(post(urlPathEqualTo(STREAM)).willReturn(Sse.ok(fixture(sseFixture))));
        try (ChatStream stream = provider().stream(question())) {
            stream.forEachRemaining(events::add);
            return stream.collect();
        }
    }

    private static JsonNode lastRequestBody() {
        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    private static JsonNode json(String text) {
        return Json.parse(text, "expected");
    }

    @Test
    void theSignatureOfTheFirstParallelCallIsKeptWithThatCall() {
        ChatResponse r = answered("parallel-calls-thought-signature.json");

        String paris = r.toolCalls().get(0).id();
        assertThat(r.message().reasoningBlocks()).containsExactly(
                ReasoningBlock.thinking("gemini", THOUGHT, null),
                ReasoningBlock.signature("gemini", CALL_SIGNATURE, paris));
        assertThat(r.reasoning()).isEqualTo(THOUGHT);
        assertThat(r.toolCalls()).extracting(ToolCall::name).containsExactly("get_current_temperature", "get_current_temperature");
    }

    @Test
    void aStreamedToolTurnCollectsToTheSameMessageAsTheWholeOne() {
        ChatResponse whole = answered("parallel-calls-thought-signature.json");
        List<ChatEvent> events = new ArrayList<>();

        ChatResponse collected = streamed("stream-parallel-calls-thought-signature.sse", events);

        assertThat(collected.message()).isEqualTo(whole.message());
        assertThat(collected.reasoning()).isEqualTo(whole.reasoning());
        assertThat(events).filteredOn(e -> e instanceof ChatEvent.ReasoningDelta).hasSize(2);
    }

    @Test
    void aSignatureOnALastEmptyStreamedPartCollectsLikeOneOnTheWholeText() {
        ChatResponse whole = answered("text-thought-signature.json");

        ChatResponse collected = streamed("stream-text-thought-signature.sse", new ArrayList<>());

        assertThat(whole.message().reasoningBlocks()).containsExactly(ReasoningBlock.signature("gemini", TEXT_SIGNATURE, null));
        assertThat(collected.message()).isEqualTo(whole.message());
        assertThat(collected.text()).isEqualTo("It is 18 \u00b0C in Paris and 14 \u00b0C in London.");
    }

    @Test
    void theNextTurnReturnsTheSignatureOnTheCallItCameWithAndNotTheSummary() {
        ChatResponse first = answered("parallel-calls-thought-signature.json");
        List<ToolCall> calls = first.toolCalls();
        ChatRequest next = question().toBuilder().addMessage(first.message())
                .addMessage(Message.toolResult(calls.get(0).id(), calls.get(0).name(), "{\"temperature\": 18}"))
                .addMessage(Message.toolResult(calls.get(1).id(), calls.get(1).name(), "{\"temperature\": 14}"))
                .build();

        answered("text-thought-signature.json");
        provider().chat(next);

        assertThat(lastRequestBody().path("contents").get(1)).isEqualTo(json("{\"role\":\"model\",\"parts\":["
                + "{\"functionCall\":{\"name\":\"get_current_temperature\",\"args\":{\"location\":\"Paris\"}},"
                + "\"thoughtSignature\":\"" + CALL_SIGNATURE + "\"},"
                + "{\"functionCall\":{\"name\":\"get_current_temperature\",\"args\":{\"location\":\"London\"}}}]}"));
    }

    @Test
    void aSignatureThatCameOnTheTextGoesBackOnTheText() {
        ChatResponse answer = answered("text-thought-signature.json");

        provider().chat(question().toBuilder().addMessage(answer.message()).user("And in Rome?").build());

        assertThat(lastRequestBody().path("contents").get(1)).isEqualTo(json("{\"role\":\"model\",\"parts\":["
                + "{\"text\":\"It is 18 \u00b0C in Paris and 14 \u00b0C in London.\",\"thoughtSignature\":\"" + TEXT_SIGNATURE + "\"}]}"));
    }

    @Test
    void aSignedThoughtGoesBackAsAThoughtPartFirstAndABareSignatureOnAnEmptyTextPart() {
        Message answered = Message.assistant(null, List.of(new ToolCall("c1", "get_current_temperature", "{\"location\":\"Paris\"}")),
                List.of(ReasoningBlock.thinking("gemini", "**Planning**", "c2lnbmVkLXRob3VnaHQ="),
                        ReasoningBlock.signature("gemini", "YmFyZS1zaWduYXR1cmU=", null)));
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(fixture("text-thought-signature.json"))));

        provider().chat(question().toBuilder().addMessage(answered)
                .addMessage(Message.toolResult("c1", "get_current_temperature", "{\"temperature\": 18}")).build());

        assertThat(lastRequestBody().path("contents").get(1).path("parts")).isEqualTo(json("["
                + "{\"text\":\"**Planning**\",\"thought\":true,\"thoughtSignature\":\"c2lnbmVkLXRob3VnaHQ=\"},"
                + "{\"text\":\"\",\"thoughtSignature\":\"YmFyZS1zaWduYXR1cmU=\"},"
                + "{\"functionCall\":{\"name\":\"get_current_temperature\",\"args\":{\"location\":\"Paris\"}}}]"));
    }

    @Test
    void anotherProvidersBlocksAreNotSent() {
        Message fromAnthropic = Message.assistant("Let me check.",
                List.of(new ToolCall("toolu_01", "get_current_temperature", "{\"location\":\"Paris\"}")),
                List.of(ReasoningBlock.thinking("anthropic", "The user wants the temperature.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"),
                        ReasoningBlock.redacted("anthropic", "EmwKAhgBEgy3va3pzix")));
        server.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(okJson(fixture("text-thought-signature.json"))));

        provider().chat(question().toBuilder().addMessage(fromAnthropic)
                .addMessage(Message.toolResult("toolu_01", "get_current_temperature", "{\"temperature\": 18}")).build());

        JsonNode parts = lastRequestBody().path("contents").get(1).path("parts");
        assertThat(parts).isEqualTo(json("[{\"text\":\"Let me check.\"},"
                + "{\"functionCall\":{\"name\":\"get_current_temperature\",\"args\":{\"location\":\"Paris\"}}}]"));
    }
}
