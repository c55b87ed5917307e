package dev.switchboard.provider.together;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.together.TogetherTestSupport.CHAT;
import static dev.switchboard.provider.together.TogetherTestSupport.KEY;
import static dev.switchboard.provider.together.TogetherTestSupport.NAME;
import static dev.switchboard.provider.together.TogetherTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Sse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Together AI's Chat Completions, Embeddings and Models: recorded and documented bodies read back ({@code eos} as a
 * normal stop, usage from the last chunk, a bare model array with each model's type), and the request bodies we send
 * ({@code max_tokens}, no {@code stream_options}).
 */
class TogetherWireTest {

    @RegisterExtension
    static final WireMockExtension server = TogetherTestSupport.wireMock();

    private static final ToolDefinition WEATHER = ToolDefinition.of("get_current_weather", "Get the current weather in a given location",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"},"
                    + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\"]}");

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    @AfterEach
    void noConnectionIsLeftLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    private static LlmProvider provider() {
        return TogetherTestSupport.provider(server, transport);
    }

    // ------------------------------------------------------------------------------------------- chat

    @Test
    void readsTheRecordedChatCompletion() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-completion.json"))));

        ChatResponse response = provider().chat(ChatRequest.of("Which planet has rings around it with a name starting with letter S?"));

        assertThat(response.id()).isEqualTo("oBUtaEp-62bZhn-9801a2718d0ed123");
        assertThat(response.model()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo-Free");
        assertThat(response.text()).startsWith("The planet with rings around it that starts with the letter S is Saturn.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(49, 34));
        assertThat(response.toolCalls()).isEmpty();
    }

    @Test
    void anEosFinishIsANormalStop() {
        ObjectNode body = (ObjectNode) Json.parse(fixture("chat-completion.json"), "chat-completion.json");
        ((ObjectNode) body.withArray("choices").get(0)).put("finish_reason", "eos");
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(body.toString())));

        ChatResponse response = provider().chat(ChatRequest.of("Which planet has rings?"));

        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("eos");
    }

    @Test
    void requestCarriesTheBearerKeyTheConfiguredModelMaxTokensAndTogethersOwnParameters() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("chat-completion.json"))));

        provider().chat(ChatRequest.builder().system("You are a helpful assistant.").user("Which planet has rings?")
                .maxOutputTokens(512).temperature(0.7).topP(0.7)
                .providerParameter("top_k", 50).providerParameter("repetition_penalty", 1.0).build());

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("""
                        {"model": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                         "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                      {"role": "user", "content": "Which planet has rings?"}],
                         "max_tokens": 512,
                         "temperature": 0.7,
                         "top_p": 0.7,
                         "top_k": 50,
                         "repetition_penalty": 1.0}""")));
    }

    // ------------------------------------------------------------------------------------------- streaming

    @Test
    void aStreamedRequestAsksForAStreamWithoutStreamOptions() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        provider().stream(ChatRequest.of("Which planet has rings?")).collect();

        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(equalToJson("{\"stream\": true}", false, true))
                .withRequestBody(notContaining("stream_options")));
    }

    @Test
    void theStreamYieldsItsPiecesAnEosStopAndTheUsageOfTheLastChunk() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(ChatRequest.of("Which planet has rings?"))) {
            stream.forEachRemaining(events::add);
        }

        assertThat(events.get(0)).isEqualTo(new ChatEvent.Started("8b43a5cfadf99e5c-SJC", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"));
        assertThat(events).filteredOn(ChatEvent.TextDelta.class::isInstance)
                .extracting(e -> ((ChatEvent.TextDelta) e).text())
                .containsExactly("Saturn", " is", " the", " planet", " with", " rings.");
        assertThat(events).contains(new ChatEvent.Finished(FinishReason.STOP, "eos"));
        assertThat(events).filteredOn(ChatEvent.UsageReport.class::isInstance)
                .containsExactly(new ChatEvent.UsageReport(Usage.of(12, 27)));
    }

    @Test
    void collectingTheStreamGivesTheSameAnswerAsItsEvents() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        ChatResponse response = provider().stream(ChatRequest.of("Which planet has rings?")).collect();

        assertThat(response.id()).isEqualTo("8b43a5cfadf99e5c-SJC");
        assertThat(response.text()).isEqualTo("Saturn is the planet with rings.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(12, 27));
    }

    // ------------------------------------------------------------------------------------------- tool calls

    @Test
    void streamedToolCallPiecesAssembleIntoTheCall() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-tool-calls.sse"))));

        ChatResponse response = provider().stream(ChatRequest.builder().user("Weather in San Francisco?").addTool(WEATHER).build()).collect();

        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_1p75qwks0etzfy1g6noxvsgs", "get_current_weather",
                "{\"location\":\"San Francisco, CA\",\"unit\":\"fahrenheit\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(Usage.of(220, 26));
    }

    @Test
    void aToolCallRoundTripSendsTheAssistantCallAndTheToolResultBack() {
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(fixture("chat-completion-tool-calls.json"))).willSetStateTo("called"));
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs("called")
                .willReturn(okJson(fixture("chat-completion.json"))));
        LlmProvider provider = provider();
        ChatRequest ask = ChatRequest.builder().user("What is the current temperature of San Francisco?").addTool(WEATHER).build();

        ChatResponse call = provider.chat(ask);
        ToolCall toolCall = call.toolCalls().get(0);
        ChatResponse answer = provider.chat(ask.toBuilder()
                .addMessage(call.message())
                .addMessage(Message.toolResult(toolCall.id(), toolCall.name(), "{\"temperature\": 62}"))
                .build());

        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(toolCall.argumentsAsMap().get("location")).isEqualTo("San Francisco, CA");
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"messages": [
                   {"role": "user", "content": "What is the current temperature of San Francisco?"},
                   {"role": "assistant", "content": null,
                    "tool_calls": [{"id": "call_1p75qwks0etzfy1g6noxvsgs", "type": "function",
                                    "function": {"name": "get_current_weather",
                                                 "arguments": "{\\"location\\":\\"San Francisco, CA\\",\\"unit\\":\\"fahrenheit\\"}"}}]},
                   {"role": "tool", "content": "{\\"temperature\\": 62}", "tool_call_id": "call_1p75qwks0etzfy1g6noxvsgs"}],
                 "tools": [{"type": "function", "function": {"name": "get_current_weather"}}]}""", false, true)));
    }

    // ------------------------------------------------------------------------------------------- models, embeddings

    @Test
    void theBareModelArrayGivesEachModelWithItsKindAndContextLength() {
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(fixture("models.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id)
                .containsExactly("Austism/chronos-hermes-13b", "togethercomputer/m2-bert-80M-8k-retrieval", "Salesforce/Llama-Rank-V1");
        assertThat(models).extracting(m -> m.kind().orElse("")).containsExactly("chat", "embedding", "rerank");
        assertThat(models).extracting(m -> m.ownedBy().orElse("")).containsExactly("Austism", "Together", "salesforce");
        assertThat(models).extracting(m -> m.contextLength().orElse(0)).containsExactly(2048, 8192, 8192);
        assertThat(models).extracting(ModelInfo::provider).containsOnly(NAME);
        server.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void embeddingsAreRequestedWithTheConfiguredModelAndReadInInputOrder() {
        server.stubFor(post(urlPathEqualTo("/v1/embeddings")).willReturn(okJson(fixture("embeddings.json"))));
        LlmProvider provider = provider();

        EmbeddingResponse response = provider.embed(EmbeddingRequest.of("Our solar system orbits the Milky Way galaxy at about 515,000 mph",
                "Jupiter's Great Red Spot is a storm that has been raging for at least 350 years."));

        assertThat(provider.capabilities()).contains(Capability.EMBEDDINGS);
        assertThat(response.model()).isEqualTo("togethercomputer/m2-bert-80M-8k-retrieval");
        assertThat(response.vector(0)).containsExactly(0.2633975f, 0.13856208f, -0.037854813f, 0.04331574f);
        assertThat(response.vector(1)).containsExactly(-0.08051236f, 0.31155926f, 0.1292877f, -0.28007025f);
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("""
                        {"model": "BAAI/bge-base-en-v1.5",
                         "input": ["Our solar system orbits the Milky Way galaxy at about 515,000 mph",
                                   "Jupiter's Great Red Spot is a storm that has been raging for at least 350 years."]}""",
                        false, true)));
    }
}
