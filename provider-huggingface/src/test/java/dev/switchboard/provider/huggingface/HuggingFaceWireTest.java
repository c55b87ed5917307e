package dev.switchboard.provider.huggingface;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Timeouts;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The router's chat and model list, and HF Inference's feature extraction, on the wire. */
class HuggingFaceWireTest {

    @RegisterExtension
    static final WireMockExtension server =
            WireMockExtension.newInstance().options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

    private static final String KEY = "test-key-not-real";
    private static final String NAME = "hf";
    private static final String CHAT = "/v1/chat/completions";
    private static final String E5 = "intfloat/multilingual-e5-large-instruct";
    private static final String E5_URL = "/hf-inference/models/intfloat/multilingual-e5-large-instruct/pipeline/feature-extraction";
    private static final Config DEFAULTS = ConfigFactory.parseResources(HuggingFaceWireTest.class.getClassLoader(), "reference.conf")
            .getConfig("switchboard.provider-defaults.huggingface");

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
        return ProviderSettings.builder(NAME, "huggingface")
                .baseUrl("http://127.0.0.1:" + server.getPort() + "/v1")
                .apiKey(KEY)
                .apiKeyEnv(DEFAULTS.getString("api-key-env"))
                .model(DEFAULTS.getString("model"))
                .embeddingModel(DEFAULTS.getString("embedding-model"))
                .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20)))
                .options((ConfigFactory.parseMap(keys).withFallback(DEFAULTS)).root().unwrapped());
    }

    private static LlmProvider provider(ProviderSettings settings) {
        return new HuggingFaceProviderFactory().create(settings, ProviderContext.of(transport));
    }

    private static LlmProvider provider() {
        return provider(settings(Map.of()).build());
    }

    private static String fixture(String name) {
        return Fixtures.load("fixtures/huggingface/" + name);
    }

    @Test
    void aModelWithAProviderSuffixGoesToTheRouterUnchanged() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("router-chat-completion.json"))));

        ChatResponse r = provider().chat(ChatRequest.builder().model("openai/gpt-oss-120b:cerebras")
                .user("What is the capital of France?").maxOutputTokens(50).build());

        assertThat(r.text()).isEqualTo("The capital of France is Paris.");
        assertThat(r.provider()).isEqualTo(NAME);
        server.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("openai/gpt-oss-120b:cerebras")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("50"))));
    }

    @Test
    void theConfiguredDefaultChatModelIsTheRoutersDefault() {
        server.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(fixture("router-chat-completion.json"))));

        provider().chat(ChatRequest.of("What is the capital of France?"));

        server.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.model", equalTo("openai/gpt-oss-120b"))));
    }

    @Test
    void embeddingsAreTheFeatureExtractionOfEveryInputInOneRequest() {
        server.stubFor(post(urlEqualTo(E5_URL)).willReturn(okJson(fixture("feature-extraction-two-inputs.json"))));

        EmbeddingResponse r = provider().embed(EmbeddingRequest.of("Today is a sunny day", "I will get some ice cream"));

        server.verify(postRequestedFor(urlEqualTo(E5_URL))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(equalToJson("{\"inputs\": [\"Today is a sunny day\", \"I will get some ice cream\"]}")));
        assertThat(r.embeddings()).hasSize(2);
        assertThat(r.vector(0)).containsExactly(0.0189f, -0.0353f, 0.0511f, -0.0127f);
        assertThat(r.vector(1)).containsExactly(-0.0412f, 0.0076f, 0.0298f, 0.0634f);
        assertThat(r.model()).isEqualTo(E5);
        assertThat(r.provider()).isEqualTo(NAME);
    }

    @Test
    void aFlatVectorForASingleInputIsOneEmbedding() {
        server.stubFor(post(urlEqualTo(E5_URL)).willReturn(okJson("[0.25, -0.5, 0.125]")));

        EmbeddingResponse r = provider().embed(EmbeddingRequest.of("Today is a sunny day"));

        assertThat(r.embeddings()).singleElement().satisfies(e -> assertThat(e.vector()).containsExactly(0.25f, -0.5f, 0.125f));
    }

    @Test
    void tokenLevelFeaturesAreRefusedAsNoSentenceEmbedding() {
        server.stubFor(post(urlPathEqualTo("/hf-inference/models/bert-base-uncased/pipeline/feature-extraction"))
                .willReturn(okJson(fixture("feature-extraction-token-level.json"))));

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().embed(EmbeddingRequest.of("bert-base-uncased", List.of("Hello there"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        assertThat(e.getMessage()).contains("bert-base-uncased returns token-level features");
    }

    @Test
    void anAnswerWithTheWrongNumberOfVectorsIsAServerFailure() {
        server.stubFor(post(urlEqualTo(E5_URL)).willReturn(okJson("[[0.1, 0.2]]")));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().embed(EmbeddingRequest.of("a", "b")));

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.getMessage()).contains("1 vectors for 2 inputs");
    }

    @Test
    void dimensionsAreRefusedBeforeSending() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> provider().embed(new EmbeddingRequest(null, List.of("text"), 256)));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aConfiguredFeatureExtractionUrlIsUsedAsATemplate() {
        String endpoint = "http://127.0.0.1:" + server.getPort() + "/endpoint/embed";
        server.stubFor(post(urlEqualTo("/endpoint/embed")).willReturn(okJson("[[1.0, 2.0]]")));

        provider(settings(Map.of("feature-extraction-url", endpoint)).build()).embed(EmbeddingRequest.of("text"));

        server.verify(postRequestedFor(urlEqualTo("/endpoint/embed")).withRequestBody(equalToJson("{\"inputs\": [\"text\"]}")));
    }

    @Test
    void aFeatureExtractionUrlThatIsNotHttpIsRefusedNamingTheKey() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> provider(settings(Map.of("feature-extraction-url", "router.huggingface.co/{model}")).build()));

        assertThat(e.getMessage()).startsWith("switchboard.providers.hf.feature-extraction-url must be an http:// or https:// URL");
    }

    @Test
    void modelIdSegmentsArePercentEncodedButTheirSlashesKept() {
        assertThat(FeatureExtraction.encodePath("org/model name+v2")).isEqualTo("org/model%20name%2Bv2");
        assertThat(FeatureExtraction.encodePath("BAAI/bge-small-en-v1.5")).isEqualTo("BAAI/bge-small-en-v1.5");
    }

    @Test
    void aLoadingModelIsOverloadedWithItsEstimatedTimeAsTheRetryHint() {
        server.stubFor(post(urlEqualTo(E5_URL)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(fixture("503-model-loading.json"))));

        LlmException e = catchThrowableOfType(LlmException.class, () -> provider().embed(EmbeddingRequest.of("text")));

        assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(20));
        assertThat(e.getMessage()).contains("is currently loading").doesNotContain(KEY);
    }

    @Test
    void theRoutersModelListGivesEachModelItsLargestContext() {
        server.stubFor(get(urlEqualTo("/v1/models")).willReturn(okJson(fixture("router-models.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("openai/gpt-oss-120b", "Qwen/Qwen3-8B");
        assertThat(models).extracting(m -> m.contextLength().orElse(0)).containsExactly(131072, 40960);
        assertThat(models).extracting(m -> m.ownedBy().orElse("")).containsExactly("openai", "Qwen");
    }

    @Test
    void withoutATokenNothingIsSentAndTheErrorNamesHfToken() {
        LlmProvider noKey = provider(settings(Map.of()).apiKey(null).build());

        LlmException chat = catchThrowableOfType(LlmException.class, () -> noKey.chat(ChatRequest.of("Hi")));
        LlmException embed = catchThrowableOfType(LlmException.class, () -> noKey.embed(EmbeddingRequest.of("Hi")));

        assertThat(List.of(chat, embed)).extracting(LlmException::kind).containsOnly(ErrorKind.AUTHENTICATION);
        assertThat(embed.getMessage()).contains("HF_TOKEN");
        assertThat(chat.getMessage()).contains("HF_TOKEN");
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
