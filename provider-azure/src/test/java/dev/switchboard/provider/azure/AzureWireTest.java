package dev.switchboard.provider.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.switchboard.provider.azure.AzureTestSupport.CHAT;
import static dev.switchboard.provider.azure.AzureTestSupport.CHAT_URL;
import static dev.switchboard.provider.azure.AzureTestSupport.KEY;
import static dev.switchboard.provider.azure.AzureTestSupport.NAME;
import static dev.switchboard.provider.azure.AzureTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.testkit.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Azure OpenAI on the wire: classic deployment routes with {@code api-version} and the v1 routes, {@code api-key}
 * versus Entra ID bearer tokens, the documented responses and streams (filter-only chunks skipped), tool calls,
 * embeddings and the model list.
 */
class AzureWireTest {

    @RegisterExtension
    static final WireMockExtension server = AzureTestSupport.wireMock();

    private static final ToolDefinition WEATHER = ToolDefinition.of("get_current_weather", "Get the current weather in a given location",
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

    @AfterEach
    void noConnectionIsLeftLeased() {
        assertThat(transport.leasedConnections()).isZero();
    }

    private static LlmProvider provider() {
        return AzureTestSupport.provider(server, transport);
    }

    private static LlmProvider provider(String extraConfig) {
        return AzureTestSupport.provider(AzureTestSupport.settings(server, extraConfig).build(), transport);
    }

    private static void answerOn(String path) {
        server.stubFor(post(urlPathMatching(path)).willReturn(okJson(fixture("chat-completion.json"))));
    }

    // ------------------------------------------------------------------------------------------- URLs

    @Test
    void aMappedModelGoesToItsDeploymentWithTheDefaultApiVersion() {
        answerOn("/openai/deployments/.*/chat/completions");

        provider().chat(ChatRequest.of("Hello!"));

        server.verify(postRequestedFor(urlEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21")));
    }

    @Test
    void aModelWithoutMappingGoesToTheDeploymentOfTheSameName() {
        answerOn("/openai/deployments/.*/chat/completions");

        provider().chat(ChatRequest.builder().model("gpt-35-turbo").user("Hello!").build());

        server.verify(postRequestedFor(urlEqualTo("/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-10-21")));
    }

    @Test
    void theConfiguredApiVersionIsTheQuery() {
        answerOn("/openai/deployments/.*/chat/completions");

        provider("api-version = \"2025-01-01-preview\"").chat(ChatRequest.of("Hello!"));

        server.verify(postRequestedFor(urlEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2025-01-01-preview")));
    }

    @Test
    void theV1StyleUsesTheV1RoutesWithoutApiVersion() {
        answerOn("/openai/v1/chat/completions");
        server.stubFor(get(urlPathEqualTo("/openai/v1/models")).willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));
        LlmProvider provider = provider("api-style = v1");

        provider.chat(ChatRequest.of("Hello!"));
        provider.listModels();

        server.verify(postRequestedFor(urlEqualTo("/openai/v1/chat/completions")));
        server.verify(getRequestedFor(urlEqualTo("/openai/v1/models")));
    }

    @Test
    void theV1StyleNamesTheMappedDeploymentAsTheBodysModel() {
        answerOn("/openai/v1/chat/completions");
        server.stubFor(post(urlPathEqualTo("/openai/v1/embeddings")).willReturn(okJson("""
                {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": "emb-prod"}""")));
        LlmProvider provider = provider("api-style = v1\ndeployments { \"text-embedding-3-small\" = emb-prod }");

        provider.chat(ChatRequest.of("Hello!"));
        provider.chat(ChatRequest.builder().model("gpt-4o-mini").user("Hello!").build());
        provider.embed(EmbeddingRequest.of("text"));

        server.verify(postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\": \"gpt-4o-prod\"}", false, true)));
        server.verify(postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\": \"gpt-4o-mini\"}", false, true)));
        server.verify(postRequestedFor(urlEqualTo("/openai/v1/embeddings"))
                .withRequestBody(equalToJson("{\"model\": \"emb-prod\"}", false, true)));
    }

    @Test
    void tokenArraysGoAsTheyAreOnTheV1RoutesAndAreRefusedBeforeSendingOnTheClassicOnes() {
        // v1 is OpenAI's API (input may be token arrays); the classic spec's input is a string or strings only
        server.stubFor(post(urlPathEqualTo("/openai/v1/embeddings")).willReturn(okJson("""
                {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": "emb-prod"}""")));
        LlmProvider v1 = provider("api-style = v1\ndeployments { \"text-embedding-3-small\" = emb-prod }");
        LlmProvider classic = provider("");
        EmbeddingRequest tokens = EmbeddingRequest.ofTokens(List.of(List.of(9906, 1917)));

        EmbeddingResponse r = v1.embed(tokens);
        LlmException refused = catchThrowableOfType(LlmException.class, () -> classic.embed(tokens));

        assertThat(r.embeddings()).hasSize(1);
        server.verify(postRequestedFor(urlEqualTo("/openai/v1/embeddings"))
                .withRequestBody(equalToJson("{\"model\": \"emb-prod\", \"input\": [[9906, 1917]]}", false, true)));
        assertThat(v1.capabilities()).contains(Capability.EMBEDDING_TOKEN_INPUT);
        assertThat(classic.capabilities()).doesNotContain(Capability.EMBEDDING_TOKEN_INPUT);
        assertThat(refused.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(refused.getMessage()).contains(NAME, "token-array embedding input");
        server.verify(0, postRequestedFor(urlPathMatching(".*/deployments/.*/embeddings")));
    }

    @Test
    void theClassicStyleSendsOnlyWhatApiVersion20241021Defines() {
        // Azure OpenAI inference spec stable/2024-10-21 (createChatCompletionRequest): no model (the deployment is
        // in the path), no stream_options, max_tokens rather than max_completion_tokens
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        provider().stream(ChatRequest.builder().user("Hello!").maxOutputTokens(100).build()).collect();

        server.verify(postRequestedFor(urlPathEqualTo(CHAT))
                .withRequestBody(equalToJson("{\"stream\": true, \"max_tokens\": 100}", false, true))
                .withRequestBody(notContaining("\"model\""))
                .withRequestBody(notContaining("stream_options"))
                .withRequestBody(notContaining("max_completion_tokens")));
    }

    @Test
    void aLaterApiVersionAndTheV1StyleGetTheCurrentOpenAiFields() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));
        server.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions")).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        provider("api-version = \"2025-04-01-preview\"").stream(ChatRequest.builder().user("Hi").maxOutputTokens(9).build())
                .collect();
        provider("api-style = v1").stream(ChatRequest.builder().user("Hi").maxOutputTokens(9).build()).collect();

        server.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"max_completion_tokens\": 9, \"stream_options\": {\"include_usage\": true}}", false, true))
                .withRequestBody(notContaining("\"model\"")));
        server.verify(postRequestedFor(urlPathEqualTo("/openai/v1/chat/completions")).withRequestBody(equalToJson(
                "{\"model\": \"gpt-4o-prod\", \"max_completion_tokens\": 9, \"stream_options\": {\"include_usage\": true}}",
                false, true)));
    }

    @Test
    void embeddingsGoToTheEmbeddingModelsDeployment() {
        server.stubFor(post(urlPathEqualTo("/openai/deployments/embeddings-prod/embeddings")).willReturn(okJson("""
                {"object": "list",
                 "data": [{"object": "embedding", "index": 0, "embedding": [-0.0075336, 0.0021451, -0.0143251]}],
                 "model": "text-embedding-3-small",
                 "usage": {"prompt_tokens": 7, "total_tokens": 7}}""")));

        EmbeddingResponse response = provider("deployments { \"text-embedding-3-small\" = embeddings-prod }")
                .embed(EmbeddingRequest.of("The food was delicious"));

        assertThat(response.vector(0)).containsExactly(-0.0075336f, 0.0021451f, -0.0143251f);
        server.verify(postRequestedFor(urlEqualTo("/openai/deployments/embeddings-prod/embeddings?api-version=2024-10-21"))
                .withHeader("api-key", equalTo(KEY))
                .withRequestBody(equalToJson("{\"input\": [\"The food was delicious\"]}", false, true)));
    }

    @Test
    void theModelListIsTheResourcesModelsRoute() {
        server.stubFor(get(urlPathEqualTo("/openai/models")).willReturn(okJson("""
                {"data": [{"status": "succeeded", "lifecycle_status": "generally-available",
                           "id": "gpt-4o-2024-08-06", "created_at": 1722902400, "object": "model"}],
                 "object": "list"}""")));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("gpt-4o-2024-08-06");
        server.verify(getRequestedFor(urlEqualTo("/openai/models?api-version=2024-10-21")).withHeader("api-key", equalTo(KEY)));
    }

    @Test
    void aMissingEndpointIsAClearConfigurationErrorNamingTheKey() {
        ProviderSettings settings = ProviderSettings.builder(NAME, "azure-openai").apiKey(KEY).model("gpt-4o").build();

        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> new AzureOpenAiProviderFactory().create(settings, ProviderContext.of(transport)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("switchboard.providers." + NAME + ".endpoint").contains("https://").doesNotContain("\n");
    }

    // ------------------------------------------------------------------------------------------- authentication

    @Test
    void theKeyGoesInTheApiKeyHeaderAndNoBearer() {
        answerOn(CHAT);

        provider().chat(ChatRequest.of("Hello!"));

        server.verify(postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("api-key", equalTo(KEY)).withHeader("Authorization", absent()));
    }

    @Test
    void aStaticEntraTokenIsSentAsBearerInsteadOfTheKey() {
        answerOn(CHAT);

        provider("entra-token = static-entra-token-not-real").chat(ChatRequest.of("Hello!"));

        server.verify(postRequestedFor(urlEqualTo(CHAT_URL))
                .withHeader("Authorization", equalTo("Bearer static-entra-token-not-real"))
                .withHeader("api-key", absent()));
    }

    @Test
    void aTokenSupplierIsAskedOnEveryRequest() {
        answerOn(CHAT);
        AtomicInteger asked = new AtomicInteger();
        Supplier<String> tokens = () -> "entra-token-not-real-" + asked.incrementAndGet();
        ProviderSettings settings = AzureTestSupport.settings(server, "").apiKey(null).build();
        LlmProvider provider = AzureOpenAiProviderFactory.create(settings, ProviderContext.of(transport), tokens);

        provider.chat(ChatRequest.of("Hello!"));
        provider.stream(ChatRequest.of("Hello again!")).close();

        assertThat(asked).hasValue(2);
        server.verify(postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("Authorization", equalTo("Bearer entra-token-not-real-1"))
                .withHeader("api-key", absent()));
        server.verify(postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("Authorization", equalTo("Bearer entra-token-not-real-2")));
    }

    @Test
    void aCallWithATokenSupplierIsNotMadeWithoutWaitingButOneWithAKeyIs() throws Exception {
        answerOn(CHAT);
        AtomicInteger asked = new AtomicInteger();
        Supplier<String> tokens = () -> "entra-token-not-real-" + asked.incrementAndGet();
        ProviderSettings settings = AzureTestSupport.settings(server, "").apiKey(null).build();
        LlmProvider withSupplier = AzureOpenAiProviderFactory.create(settings, ProviderContext.of(transport), tokens);

        // the supplier may fetch its token over the network: not on an I/O thread
        assertThat(withSupplier.chatWithoutWaiting(ChatRequest.of("Hello!"), Runnable::run)).isEmpty();
        assertThat(asked).hasValue(0);

        ChatResponse answered = provider().chatWithoutWaiting(ChatRequest.of("Hello!"), Runnable::run).orElseThrow()
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answered.text()).isEqualTo(provider().chat(ChatRequest.of("Hello!")).text());
    }

    // ------------------------------------------------------------------------------------------- responses and streams

    @Test
    void readsTheDocumentedCompletionWithItsFilterAnnotations() {
        answerOn(CHAT);

        ChatResponse response = provider().chat(ChatRequest.of("Example prompt"));

        assertThat(response.id()).isEqualTo("chatcmpl-8IMI4HzcmcK6I77vpOJCPt0Vcf8zJ");
        assertThat(response.model()).isEqualTo("gpt-35-turbo");
        assertThat(response.text()).isEqualTo("Example model response will be returned ");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(11, 40));
    }

    @Test
    void filterOnlyChunksAreSkippedAndTheIdAndModelComeFromTheFirstRealChunk() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-text.sse"))));

        List<ChatEvent> events = new ArrayList<>();
        try (ChatStream stream = provider().stream(ChatRequest.of("What is color?"))) {
            stream.forEachRemaining(events::add);
        }

        assertThat(events).containsExactly(
                new ChatEvent.Started("chatcmpl-7rCNsVeZy0PGnX3H6jK8STps5nZUY", "gpt-35-turbo"),
                new ChatEvent.TextDelta("Color"),
                new ChatEvent.TextDelta(" is"),
                new ChatEvent.TextDelta(" a"),
                new ChatEvent.Finished(FinishReason.STOP, "stop"));
        server.verify(postRequestedFor(urlEqualTo(CHAT_URL)).withRequestBody(equalToJson("{\"stream\": true}", false, true)));
    }

    @Test
    void aStreamBlockedByTheFilterKeepsItsTextAndFinishesAsContentFilter() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("chat-stream-filtered.sse"))));

        ChatResponse response = provider().stream(ChatRequest.of("Tell me the lyrics to \"Hey Jude\".")).collect();

        assertThat(response.id()).isEqualTo("chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2");
        assertThat(response.model()).isEqualTo("gpt-35-turbo");
        assertThat(response.text()).isEqualTo("Hey Jude, better");
        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.rawFinishReason()).isEqualTo("content_filter");
    }

    // ------------------------------------------------------------------------------------------- tool calls

    @Test
    void aToolCallRoundTripSendsTheAssistantCallAndTheToolResultToTheDeployment() {
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("""
                        {"id": "chatcmpl-AZ1aXkPbzeYjUm1uBt6tw9Ltn7GcJ", "object": "chat.completion", "created": 1733001520,
                         "model": "gpt-4o-2024-08-06",
                         "choices": [{"index": 0, "finish_reason": "tool_calls",
                                      "message": {"role": "assistant", "content": null,
                                                  "tool_calls": [{"id": "call_VhZtdN1PiZXnUBPzMpAj0U8o", "type": "function",
                                                                  "function": {"name": "get_current_weather",
                                                                               "arguments": "{\\"location\\":\\"Seattle\\"}"}}]},
                                      "content_filter_results": {}}],
                         "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {"hate": {"filtered": false, "severity": "safe"}}}],
                         "usage": {"completion_tokens": 17, "prompt_tokens": 74, "total_tokens": 91}}"""))
                .willSetStateTo("called"));
        server.stubFor(post(urlPathEqualTo(CHAT)).inScenario("round trip").whenScenarioStateIs("called")
                .willReturn(okJson(fixture("chat-completion.json"))));
        LlmProvider provider = provider();
        ChatRequest ask = ChatRequest.builder().user("What's the weather in Seattle?").addTool(WEATHER).build();

        ChatResponse call = provider.chat(ask);
        ToolCall toolCall = call.toolCalls().get(0);
        ChatResponse answer = provider.chat(ask.toBuilder()
                .addMessage(call.message())
                .addMessage(Message.toolResult(toolCall.id(), toolCall.name(), "{\"temperature\": 11}"))
                .build());

        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(toolCall).isEqualTo(new ToolCall("call_VhZtdN1PiZXnUBPzMpAj0U8o", "get_current_weather", "{\"location\":\"Seattle\"}"));
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        server.verify(2, postRequestedFor(urlEqualTo(CHAT_URL)));
        server.verify(postRequestedFor(urlEqualTo(CHAT_URL)).withRequestBody(equalToJson("""
                {"messages": [
                   {"role": "user", "content": "What's the weather in Seattle?"},
                   {"role": "assistant", "content": null,
                    "tool_calls": [{"id": "call_VhZtdN1PiZXnUBPzMpAj0U8o", "type": "function",
                                    "function": {"name": "get_current_weather", "arguments": "{\\"location\\":\\"Seattle\\"}"}}]},
                   {"role": "tool", "content": "{\\"temperature\\": 11}", "tool_call_id": "call_VhZtdN1PiZXnUBPzMpAj0U8o"}]}""",
                false, true)));
    }
}
