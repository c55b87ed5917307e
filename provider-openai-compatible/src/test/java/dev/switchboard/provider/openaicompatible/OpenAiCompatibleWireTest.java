package dev.switchboard.provider.openaicompatible;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.Message;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.Fixtures;
import dev.switchboard.testkit.Sse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code type = openai-compatible} configured from keys alone, against vLLM's and llama-server's documented bodies. */
class OpenAiCompatibleWireTest {

    @RegisterExtension
    static final WireMockExtension server =
            WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    private static final String CHAT = "/v1/chat/completions";
    private static final String NAME = "local";
    /** The type's own defaults, as the runtime reads them from this jar's reference.conf. */
    private static final Config DEFAULTS = ConfigFactory.parseResources(OpenAiCompatibleWireTest.class.getClassLoader(),
            "reference.conf").getConfig("switchboard.provider-defaults.openai-compatible");

    private static HttpTransport transport;

    @BeforeAll
    static void createTransport() {
        transport = HttpTransport.create();
    }

    @AfterAll
    static void closeTransport() {
        transport.close();
    }

    private static ProviderSettings.Builder settings(Map<String, Object> keys) {
        return ProviderSettings.builder(NAME, "openai-compatible")
                .baseUrl("http://127.0.0.1:" + server.getPort() + "/v1")
                .model("local-model")
                .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20)))
                .options((ConfigFactory.parseMap(keys).withFallback(DEFAULTS)).root().unwrapped());
    }

    private static LlmProvider provider(ProviderSettings settings) {
        return new OpenAiCompatibleProviderFactory().create(settings, ProviderContext.of(transport));
    }

    private static String fixture(String name) {
        return Fixtures.load("fixtures/openai-compatible/" + name);
    }

    @Test
    void withoutABaseUrlTheProviderIsRefusedNamingTheKey() {
        ProviderSettings noUrl = ProviderSettings.builder(NAME, "openai-compatible").options(DEFAULTS.root().unwrapped()).build();

        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> provider(noUrl));

        assertThat(e.getMessage()).startsWith("switchboard.providers.local.base-url is not set");
    }

    @Test
    void aLlamaServerWithoutAKeyIsCalledWithoutAuthorizationAndItsAnswerRead() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("llamacpp-chat-completion.json"))));

        ChatResponse r = provider(settings(Map.of()).build())
                .chat(ChatRequest.builder().user("Write a limerick about python exceptions").maxOutputTokens(64).build());

        assertThat(r.text()).startsWith("There once was a coder named Lee");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(Usage.builder().inputTokens(44).outputTokens(48).build());
        server.verify(postRequestedFor(urlPathEqualTo(CHAT))
                .withHeader("Authorization", absent())
                .withRequestBody(matchingJsonPath("$.model", equalTo("local-model")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("64"))));
    }

    @Test
    void aConfiguredKeyIsSentAsABearerTokenWithTheConfiguredHeaders() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("vllm-chat-completion.json"))));
        LlmProvider provider = provider(settings(Map.of()).apiKey("test-key-not-real")
                .headers(Map.of("X-Tenant", "team-a")).build());

        provider.chat(ChatRequest.of("What is in the illustration?"));

        server.verify(postRequestedFor(urlPathEqualTo(CHAT))
                .withHeader("Authorization", equalTo("Bearer test-key-not-real"))
                .withHeader("X-Tenant", equalTo("team-a")));
    }

    @Test
    void aKeyVariableThatIsNotSetFailsBeforeSendingAndNamesTheVariable() {
        LlmProvider provider = provider(settings(Map.of()).apiKeyEnv("MY_SERVER_API_KEY").build());

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hi")));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("MY_SERVER_API_KEY");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theMaxTokensFieldAndStreamUsageAreConfigurable() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(Sse.ok(fixture("vllm-chat-stream.sse"))));
        LlmProvider defaults = provider(settings(Map.of()).build());
        LlmProvider configured = provider(settings(Map.of("max-tokens-field", "max_completion_tokens", "stream-usage", false)).build());
        ChatRequest request = ChatRequest.builder().user("Hi").maxOutputTokens(32).build();

        ChatResponse withUsage = defaults.stream(request).collect();
        configured.stream(request).collect();

        assertThat(withUsage.text()).isEqualTo("Hello there!");
        assertThat(withUsage.usage()).isEqualTo(Usage.of(24, 3));
        server.verify(1, postRequestedFor(urlPathEqualTo(CHAT))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("32")))
                .withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true"))));
        server.verify(1, postRequestedFor(urlPathEqualTo(CHAT))
                .withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("32")))
                .withRequestBody(matchingJsonPath("$.stream_options", absent())));
    }

    @Test
    void capabilitiesLeftOutOfTheListAreRefusedBeforeSending() {
        LlmProvider provider = provider(settings(Map.of("capabilities", List.of("chat", "streaming", "json_schema_output"))).build());

        LlmException json = catchThrowableOfType(LlmException.class, () -> provider.chat(
                ChatRequest.builder().user("Hi").responseFormat(ResponseFormat.JSON).build()));
        LlmException image = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.builder()
                .addMessage(Message.user(Content.text("What is this?"), Content.imageUrl("https://example.com/cat.png"))).build()));
        LlmException embed = catchThrowableOfType(LlmException.class, () -> provider.embed(EmbeddingRequest.of("text")));

        assertThat(provider.capabilities()).containsExactlyInAnyOrder(Capability.CHAT, Capability.STREAMING, Capability.JSON_SCHEMA_OUTPUT);
        assertThat(List.of(json, image, embed)).extracting(LlmException::kind).containsOnly(ErrorKind.UNSUPPORTED);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anUnknownCapabilityIsRefusedListingTheKnownOnes() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider(settings(Map.of("capabilities", List.of("chat", "telepathy"))).build()));

        assertThat(e).hasMessage("switchboard.providers.local.capabilities: unknown capability 'telepathy'; known: chat, streaming,"
                + " tools, vision, json-output, json-schema-output, embeddings, model-listing,"
                + " embedding-token-input");
    }

    @Test
    void capabilitiesThatAreNotAListOrAreEmptyAreRefused() {
        IllegalArgumentException notAList = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider(settings(Map.of("capabilities", "chat")).build()));
        IllegalArgumentException empty = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider(settings(Map.of("capabilities", List.of())).build()));

        assertThat(notAList).hasMessage("switchboard.providers.local.capabilities: must be a list [ ... ], not the string 'chat'");
        assertThat(empty).hasMessageStartingWith("switchboard.providers.local.capabilities is empty");
    }

    @Test
    void vllmsToolCallAnswerIsRead() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("vllm-chat-tool-calls.json"))));

        ChatResponse r = provider(settings(Map.of()).build()).chat(ChatRequest.of("Calculate (3 + 5) * 8"));

        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("chatcmpl-tool-a1b2c3d4e5f6");
            assertThat(c.name()).isEqualTo("add");
            assertThat(c.argumentsAsMap().get("b")).isEqualTo(5);
        });
    }

    @Test
    void vllmsUnknownModelAndLlamaServersLoadingAreTheirKinds() {
        LlmProvider provider = provider(settings(Map.of()).build());
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(fixture("vllm-404-model-not-found.json"))));
        LlmException unknownModel = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hi")));
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(fixture("llamacpp-503-loading.json"))));
        LlmException loading = catchThrowableOfType(LlmException.class, () -> provider.chat(ChatRequest.of("Hi")));

        assertThat(unknownModel.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
        assertThat(unknownModel.getMessage()).contains("The model `gpt-4o` does not exist.");
        assertThat(loading.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(loading.isRetryable()).isTrue();
        assertThat(loading.getMessage()).contains("Loading model");
    }

    @Test
    void llamaServersModelListIsRead() {
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(fixture("llamacpp-models.json"))));

        List<ModelInfo> models = provider(settings(Map.of()).build()).listModels();

        assertThat(models).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo("../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf");
            assertThat(m.ownedBy()).contains("llamacpp");
            assertThat(m.provider()).isEqualTo(NAME);
        });
    }
}
