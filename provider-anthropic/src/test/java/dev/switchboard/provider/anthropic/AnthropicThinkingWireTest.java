package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.MESSAGES;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.fixture;
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
 * Extended thinking across turns: {@code thinking} and {@code redacted_thinking} blocks are read (whole and streamed)
 * into the answer's reasoning blocks, and go back unchanged, first in the assistant turn, when the conversation
 * continues; other providers' blocks do not.
 */
@Timeout(30)
class AnthropicThinkingWireTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

    private static final String SIGNATURE = "BDaL4VrbR2Oj0hO4XpJxT28J5TILnCrrUXoKiiNBZW9P+nr8XSj1zuZzAl4egiCCpQNvfyUuFFJP5CncdYZEQPPmLxYsNrcs....";
    private static final String THINKING = "The user wants to know the current weather in Paris. I have access to a function "
            + "`get_weather` that can provide this information. The function requires a location parameter.";
    private static final String REDACTED = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB9URj2pLmN3kF8/dW5hR7xJ0aP1oLs9yTcMnKVf2wRpEGjH9XZaBt4UvDcPrQ...";
    private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Get current weather for a location",
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
        return AnthropicTestSupport.provider(server, transport);
    }

    private static ChatRequest question() {
        return ChatRequest.builder().user("What's the weather in Paris?").addTool(WEATHER)
                .providerParameter("thinking", Map.of("type", "enabled", "budget_tokens", 10000)).build();
    }

    private static ChatResponse answered(String jsonFixture) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture(jsonFixture))));
        return provider().chat(question());
    }

    /** Streams the fixture, adding every event to {@code events}, and returns what the stream collects to. */
    private static ChatResponse streamed(String sseFixture, List<ChatEvent> events) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(Sse.ok(fixture(sseFixture))));
        try (ChatStream stream = provider().stream(question())) {
            stream.forEachRemaining(events::add);
            return stream.collect();
        }
    }

    private static JsonNode lastRequestBody() {
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        return Json.parse(requests.get(requests.size() - 1).getBodyAsString(), "request body");
    }

    @Test
    void aThinkingBlockIsKeptWithItsSignatureBesideTheToolCall() {
        ChatResponse r = answered("message-thinking-tool-use.json");

        assertThat(r.message().reasoningBlocks()).containsExactly(ReasoningBlock.thinking("anthropic", THINKING, SIGNATURE));
        assertThat(r.reasoning()).isEqualTo(THINKING);
        assertThat(r.text()).isEqualTo("I can help you get the current weather information for Paris. Let me check that for you");
        assertThat(r.toolCalls()).extracting(ToolCall::id).containsExactly("toolu_01CswdEQBMshySk6Y9DFKrfq");
        assertThat(lastRequestBody().path("thinking")).isEqualTo(Json.parse(
                "{\"type\":\"enabled\",\"budget_tokens\":10000}", "expected"));
    }

    @Test
    void aStreamedThinkingToolTurnCollectsToTheSameMessageAsTheWholeOne() {
        ChatResponse whole = answered("message-thinking-tool-use.json");
        List<ChatEvent> events = new ArrayList<>();

        ChatResponse collected = streamed("stream-thinking-tool-use.sse", events);

        // the same message, but for the spacing of the streamed arguments text
        assertThat(collected.message().reasoningBlocks()).isEqualTo(whole.message().reasoningBlocks());
        assertThat(collected.message().content()).isEqualTo(whole.message().content());
        assertThat(collected.toolCalls()).extracting(ToolCall::id, ToolCall::name, ToolCall::argumentsAsMap)
                .containsExactlyElementsOf(whole.toolCalls().stream()
                        .map(c -> org.assertj.core.groups.Tuple.tuple(c.id(), c.name(), c.argumentsAsMap())).toList());
        assertThat(collected.reasoning()).isEqualTo(whole.reasoning());
        // the thinking text streams as it comes; the signed block follows once, at the block's end
        assertThat(events).filteredOn(e -> e instanceof ChatEvent.ReasoningDelta).hasSize(2);
        assertThat(events).filteredOn(e -> e instanceof ChatEvent.ReasoningBlockEnd)
                .containsExactly(new ChatEvent.ReasoningBlockEnd(ReasoningBlock.thinking("anthropic", THINKING, SIGNATURE)));
        int blockEnd = indexOf(events, ChatEvent.ReasoningBlockEnd.class);
        assertThat(blockEnd).isGreaterThan(lastIndexOf(events, ChatEvent.ReasoningDelta.class))
                .isLessThan(indexOf(events, ChatEvent.TextDelta.class));
    }

    @Test
    void redactedThinkingIsKeptWholeAndStreamedTheSame() {
        ChatResponse whole = answered("message-redacted-thinking.json");
        ChatResponse collected = streamed("stream-redacted-thinking.sse", new ArrayList<>());

        assertThat(whole.message().reasoningBlocks()).containsExactly(
                ReasoningBlock.thinking("anthropic", "Let me analyze this step by step...",
                        "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL...."),
                ReasoningBlock.redacted("anthropic", REDACTED));
        assertThat(whole.reasoning()).isEqualTo("Let me analyze this step by step...");
        assertThat(collected.message()).isEqualTo(whole.message());
    }

    @Test
    void theNextTurnSendsTheBlocksBackUnchangedBeforeTheToolUse() {
        ChatResponse first = answered("message-thinking-tool-use.json");
        ChatRequest next = question().toBuilder().addMessage(first.message())
                .addMessage(Message.toolResult("toolu_01CswdEQBMshySk6Y9DFKrfq", "get_weather", "Sunny, 22\u00b0C"))
                .build();

        answered("message-final-answer.json");
        provider().chat(next);

        JsonNode assistant = lastRequestBody().path("messages").get(1);
        assertThat(assistant).isEqualTo(Json.parse("{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":" + Json.toJson(THINKING) + ",\"signature\":" + Json.toJson(SIGNATURE) + "},"
                + "{\"type\":\"text\",\"text\":\"I can help you get the current weather information for Paris. Let me check that for you\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_01CswdEQBMshySk6Y9DFKrfq\",\"name\":\"get_weather\",\"input\":{\"location\":\"Paris\"}}]}",
                "expected"));
    }

    @Test
    void redactedThinkingGoesBackAsItsData() {
        ChatResponse first = answered("message-redacted-thinking.json");

        provider().chat(question().toBuilder().addMessage(first.message()).user("And then?").build());

        JsonNode content = lastRequestBody().path("messages").get(1).path("content");
        assertThat(content.get(1)).isEqualTo(Json.parse(
                "{\"type\":\"redacted_thinking\",\"data\":" + Json.toJson(REDACTED) + "}", "expected"));
        assertThat(content).extracting(b -> b.path("type").asText())
                .containsExactly("thinking", "redacted_thinking", "text");
    }

    @Test
    void blocksFromOtherProviderTypesAndUnsignedThinkingAreNotSent() {
        Message fromElsewhere = Message.assistant("Let me check.",
                List.of(new ToolCall("call_1", "get_weather", "{\"location\":\"Paris\"}")),
                List.of(ReasoningBlock.thinking("gemini", "**Checking the weather**", "CiQBjz1rX0gemini"),
                        ReasoningBlock.signature("gemini", "CiQBjz1rX1call", "call_1"),
                        ReasoningBlock.thinking("anthropic", "cut off before its signature", null)));
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture("message-final-answer.json"))));

        provider().chat(question().toBuilder().addMessage(fromElsewhere)
                .addMessage(Message.toolResult("call_1", "get_weather", "Sunny")).build());

        JsonNode content = lastRequestBody().path("messages").get(1).path("content");
        assertThat(content).extracting(b -> b.path("type").asText()).containsExactly("text", "tool_use");
        assertThat(content.toString()).doesNotContain("Checking the weather").doesNotContain("CiQBjz1rX");
    }

    @Test
    void withThinkingOffTheBlocksStayHomeAsTheApiRefusesThemInTheLastAssistantTurn() {
        ChatResponse first = answered("message-thinking-tool-use.json");
        ChatRequest withoutThinking = ChatRequest.builder().user("What's the weather in Paris?").addTool(WEATHER)
                .addMessage(first.message())
                .addMessage(Message.toolResult("toolu_01CswdEQBMshySk6Y9DFKrfq", "get_weather", "Sunny, 22\u00b0C"))
                .build();
        ChatRequest disabled = withoutThinking.toBuilder().providerParameter("thinking", Map.of("type", "disabled")).build();

        provider().chat(withoutThinking);
        JsonNode plain = lastRequestBody().path("messages").get(1).path("content");
        provider().chat(disabled);
        JsonNode off = lastRequestBody().path("messages").get(1).path("content");

        assertThat(plain).extracting(b -> b.path("type").asText()).containsExactly("text", "tool_use");
        assertThat(off).isEqualTo(plain);
    }

    private static int indexOf(List<ChatEvent> events, Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<ChatEvent> events, Class<?> type) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
