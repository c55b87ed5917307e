package dev.switchboard.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.KEY;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.MESSAGES;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.NAME;
import static dev.switchboard.provider.anthropic.AnthropicTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.HttpTransport;
import dev.switchboard.http.Json;
import dev.switchboard.spi.ProviderContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Messages API responses, model lists and rate-limit headers, read from documented and recorded bodies. */
class AnthropicResponseWireTest {

    @RegisterExtension
    static final WireMockExtension server = AnthropicTestSupport.wireMock();

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

    private static ChatResponse answer(String body) {
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(body)));
        return provider().chat(ChatRequest.of("What's the weather in SF in Celsius?"));
    }

    @Test
    void readsTheRecordedToolUseMessage() {
        ChatResponse r = answer(fixture("message-tool-use.json"));

        assertThat(r.id()).isEqualTo("msg_01QCEBW49MBPHFuFwMDoFtPP");
        assertThat(r.model()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(r.provider()).isEqualTo(NAME);
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.rawFinishReason()).isEqualTo("tool_use");
        assertThat(r.text()).isEmpty();
        assertThat(r.toolCalls()).hasSize(1);
        ToolCall call = r.toolCalls().get(0);
        assertThat(call.id()).isEqualTo("toolu_01GHndag5wQmbzNihYmV2UBj");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.argumentsAsMap()).isEqualTo(Json.parseObject("{\"location\":\"San Francisco, CA\",\"units\":\"c\"}", "args"));
        assertThat(r.usage()).isEqualTo(Usage.of(659, 74));
    }

    @Test
    void readsTheRecordedFinalAnswer() {
        ChatResponse r = answer(fixture("message-final-answer.json"));

        assertThat(r.text()).isEqualTo("The weather in San Francisco, CA is currently **20\u00b0C** and **Sunny**. Nice weather!");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.toolCalls()).isEmpty();
        assertThat(r.usage()).isEqualTo(Usage.of(787, 26));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "end_turn, STOP", "stop_sequence, STOP", "max_tokens, LENGTH", "tool_use, TOOL_CALLS",
            "refusal, CONTENT_FILTER", "pause_turn, OTHER", "model_context_window_exceeded, LENGTH", "some_future_reason, OTHER"})
    void stopReasonsAreNormalisedAndKeptRaw(String raw, FinishReason expected) {
        ObjectNode body = (ObjectNode) Json.parse(fixture("message-final-answer.json"), "fixture");
        body.put("stop_reason", raw);

        ChatResponse r = answer(body.toString());

        assertThat(r.finishReason()).isEqualTo(expected);
        assertThat(r.rawFinishReason()).isEqualTo(raw);
    }

    @Test
    void usageCountsCacheReadsAndWritesAsInputWithTheReadsAsCached() {
        ObjectNode body = (ObjectNode) Json.parse(fixture("message-final-answer.json"), "fixture");
        ((ObjectNode) body.get("usage")).put("input_tokens", 21).put("cache_creation_input_tokens", 188086)
                .put("cache_read_input_tokens", 1200).put("output_tokens", 393);

        ChatResponse r = answer(body.toString());

        assertThat(r.usage()).isEqualTo(Usage.builder()
                .inputTokens(21 + 188086 + 1200)
                .outputTokens(393)
                .cachedInputTokens(1200)
                .cacheWriteInputTokens(188086)
                .build());
    }

    @Test
    void thinkingBecomesReasoningAndServerToolBlocksAreLeftOut() {
        String body = "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"The user wants SF.\",\"signature\":\"EqQBCgIYAhIM\"},"
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01\",\"name\":\"web_search\",\"input\":{\"query\":\"SF weather\"}},"
                + "{\"type\":\"text\",\"text\":\"Sunny, \"},{\"type\":\"text\",\"text\":\"20\u00b0C.\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}";

        ChatResponse r = answer(body);

        assertThat(r.reasoning()).isEqualTo("The user wants SF.");
        assertThat(r.text()).isEqualTo("Sunny, 20\u00b0C.");
        assertThat(r.toolCalls()).isEmpty();
    }

    @Test
    void rateLimitHeadersBecomeLimitsWithResetsFromNow() {
        Instant now = Instant.parse("2026-02-25T20:02:30Z");
        LlmProvider provider = new AnthropicProviderFactory().create(
                AnthropicTestSupport.settings(AnthropicTestSupport.baseUrl(server)).build(),
                new ProviderContext(transport, Clock.fixed(now, ZoneOffset.UTC)));
        server.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(okJson(fixture("message-final-answer.json"))
                .withHeader("anthropic-ratelimit-requests-limit", "50")
                .withHeader("anthropic-ratelimit-requests-remaining", "49")
                .withHeader("anthropic-ratelimit-requests-reset", "2026-02-25T20:02:32Z")
                .withHeader("anthropic-ratelimit-tokens-limit", "38000")
                .withHeader("anthropic-ratelimit-tokens-remaining", "36000")
                .withHeader("anthropic-ratelimit-tokens-reset", "2026-02-25T20:02:36Z")));

        RateLimits limits = provider.chat(ChatRequest.of("Hi")).rateLimits();

        assertThat(limits.limitRequests()).isEqualTo(OptionalLong.of(50));
        assertThat(limits.remainingRequests()).isEqualTo(OptionalLong.of(49));
        assertThat(limits.resetRequests()).hasValue(Duration.ofSeconds(2));
        assertThat(limits.limitTokens()).isEqualTo(OptionalLong.of(38000));
        assertThat(limits.remainingTokens()).isEqualTo(OptionalLong.of(36000));
        assertThat(limits.resetTokens()).hasValue(Duration.ofSeconds(6));
    }

    @Test
    void modelListingFollowsThePagesByLastId() {
        server.stubFor(get(urlEqualTo("/v1/models?limit=1000")).willReturn(okJson(fixture("models-page-1.json"))));
        server.stubFor(get(urlEqualTo("/v1/models?limit=1000&after_id=claude-haiku-4-5-20251001"))
                .willReturn(okJson(fixture("models-page-2.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).extracting(ModelInfo::id)
                .containsExactly("claude-sonnet-4-6", "claude-haiku-4-5-20251001", "claude-3-7-sonnet-20250219");
        assertThat(models.get(1).contextLength()).hasValue(200000);
        assertThat(models).extracting(ModelInfo::provider).containsOnly(NAME);
        server.verify(getRequestedFor(urlPathEqualTo("/v1/models"))
                .withHeader("x-api-key", equalTo(KEY)).withHeader("anthropic-version", equalTo("2023-06-01")));
        server.verify(1, getRequestedFor(urlPathEqualTo("/v1/models")).withQueryParam("after_id", absent()));
    }

    @Test
    void aServerThatRepeatsItsCursorDoesNotLoopTheListing() {
        server.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(okJson(fixture("models-page-1.json"))));

        List<ModelInfo> models = provider().listModels();

        assertThat(models).hasSize(4); // the first page, and the repeated page once; then the repeated cursor stops it
        server.verify(2, getRequestedFor(urlPathEqualTo("/v1/models")));
    }

    @Test
    void aModelIsAvailableWhenItsPageExistsAndNotWhenItIs404() {
        server.stubFor(get(urlEqualTo("/v1/models/claude-haiku-4-5")).willReturn(okJson(
                "{\"type\":\"model\",\"id\":\"claude-haiku-4-5-20251001\",\"display_name\":\"Claude Haiku 4.5\",\"created_at\":\"2024-10-22T00:00:00Z\"}")));
        server.stubFor(get(urlEqualTo("/v1/models/claude-nope")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(fixture("errors/404-not-found.json"))));

        assertThat(provider().isModelAvailable("claude-haiku-4-5")).isTrue();
        assertThat(provider().isModelAvailable("claude-nope")).isFalse();
    }
}
