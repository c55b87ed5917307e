package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's {@code POST /v1/messages} as the official Anthropic Java SDK sees it, over OpenAI-shaped and
 * Anthropic-shaped upstreams: messages, streaming, tools and tool results, count_tokens, and errors mapped to the
 * SDK's exception types.
 */
@Timeout(60) // a guard against hangs, not a speed check
class AnthropicMessagesConformanceTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    private static final String CLAUDE_MESSAGES = "/anthropic/v1/messages";
    private static final String CLAUDE_KEY = "claude-key-not-real";

    /** An Anthropic-shaped provider {@code claude} beside the harness's OpenAI-shaped ones. */
    private static final String CLAUDE = String.join("\n",
            "providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\", api-key = \"" + CLAUDE_KEY
                    + "\", model = \"claude-sonnet-4-20250514\" }",
            "routes.claude-first.targets = [ claude, primary ]");

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private AnthropicClient start(String extra) {
        h = GatewayHarness.start(CLAUDE + "\n" + extra);
        return client(GatewayHarness.KEY);
    }

    /** The SDK as {@code ANTHROPIC_BASE_URL=http://127.0.0.1:<port>} sets it up; no retries of its own. */
    private AnthropicClient client(String apiKey) {
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + h.gateway.port()).apiKey(apiKey)
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    private static MessageCreateParams.Builder ask(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(300).system("Answer briefly.")
                .addUserMessage("Describe the image.");
    }

    private static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) {
            b.text().ifPresent(t -> sb.append(t.text()));
        }
        return sb.toString();
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("The current weather in a city")
                .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("location",
                        Map.of("type", "string")))).required(List.of("location")).build()).build();
    }

    private void streamFrom(String path, String fixture) {
        h.upstream.stubFor(post(path).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load(fixture))));
    }

    private Message streamed(AnthropicClient client, MessageCreateParams params) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.message();
    }

    @Test
    void answersAMessageFromAnOpenAiUpstream() {
        AnthropicClient client = start("");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        Message m = client.messages().create(ask("default").stopSequences(List.of("END"))
                .putAdditionalBodyProperty("temperature", JsonValue.from(0.2)).build());

        assertThat(m.id()).startsWith("msg_");
        assertThat(m.model().asString()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(text(m)).startsWith("The image shows a wooden boardwalk");
        assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(1117);
        assertThat(m.usage().outputTokens()).isEqualTo(46);
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Answer briefly.")))
                .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("Describe the image.")))
                .withRequestBody(matchingJsonPath("$.stop[0]", equalTo("END")))
                .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.2"))));
    }

    @Test
    void answersAMessageFromAnAnthropicUpstreamWithItsIdAndCacheUsage() {
        AnthropicClient client = start("");
        h.upstream.stubFor(post(CLAUDE_MESSAGES).willReturn(okJson(Fixtures.load("fixtures/anthropic/message-final-answer.json"))));

        Message m = client.messages().create(ask("claude").build());

        assertThat(m.id()).isEqualTo("msg_01DSPL7PHKQYTe9VAFkHzsA3");
        assertThat(text(m)).contains("**20°C**");
        assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(787);
        assertThat(m.usage().cacheReadInputTokens()).hasValue(0L);
        assertThat(m.usage().outputTokens()).isEqualTo(26);
        h.upstream.verify(postRequestedFor(urlEqualTo(CLAUDE_MESSAGES))
                .withHeader("x-api-key", equalTo(CLAUDE_KEY))
                .withRequestBody(matchingJsonPath("$.system", equalTo("Answer briefly.")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("300"))));
    }

    @Test
    void acceptsTheGatewayKeyAsXApiKeyAndRefusesAWrongOneAsUnauthorized() {
        start("gateway.keys = [ { name = team, key = \"" + GatewayHarness.KEY + "\" } ]");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        Message m = client(GatewayHarness.KEY).messages().create(ask("default").build());
        UnauthorizedException e = catchThrowableOfType(() -> client("not-a-gateway-key").messages()
                .create(ask("default").build()), UnauthorizedException.class);

        assertThat(text(m)).startsWith("The image shows");
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.body().toString()).contains("authentication_error");
    }

    @Test
    void streamsTheMessagesEventSequenceFromAnOpenAiStream() throws Exception {
        start("");
        streamFrom(PRIMARY_CHAT, "fixtures/openai/chat-stream-text.sse");

        GatewayHarness.Reply r = h.http("POST", "/v1/messages", "{\"model\":\"default\",\"max_tokens\":100,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "x-api-key", "anything", "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> names = new ArrayList<>();
        Matcher events = Pattern.compile("(?m)^event: (\\S+)$").matcher(r.body());
        while (events.find()) {
            names.add(events.group(1));
        }
        assertThat(names.get(0)).isEqualTo("message_start");
        assertThat(names.get(1)).isEqualTo("ping");
        assertThat(names.get(2)).isEqualTo("content_block_start");
        assertThat(names.subList(3, names.size() - 3)).containsOnly("content_block_delta");
        assertThat(names.subList(names.size() - 3, names.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(r.body()).contains("\"type\":\"text_delta\"").doesNotContain("[DONE]");
    }

    @Test
    void streamsTextThatTheSdkAccumulatesIntoAMessage() {
        AnthropicClient client = start("");
        streamFrom(PRIMARY_CHAT, "fixtures/openai/chat-stream-text.sse");

        Message m = streamed(client, ask("default").build());

        assertThat(text(m)).isNotEmpty();
        assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT)).withRequestBody(matchingJsonPath("$.stream",
                equalTo("true"))));
    }

    @Test
    void streamsAToolUseFromAnAnthropicUpstream() {
        AnthropicClient client = start("");
        streamFrom(CLAUDE_MESSAGES, "fixtures/anthropic/stream-tool-use.sse");

        Message m = streamed(client, ask("claude").addTool(weatherTool()).build());

        assertThat(text(m)).isEqualTo("I'll check the current weather in Paris for you.");
        ToolUseBlock call = m.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(call.id()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("location", "Paris"));
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
        assertThat(m.usage().outputTokens()).isEqualTo(65);
        h.upstream.verify(postRequestedFor(urlEqualTo(CLAUDE_MESSAGES))
                .withRequestBody(matchingJsonPath("$.tools[0].name", equalTo("get_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].input_schema.required[0]", equalTo("location"))));
    }

    @Test
    void streamsAnOpenAiToolCallAsToolUseWithInputJsonDeltas() {
        AnthropicClient client = start("");
        streamFrom(PRIMARY_CHAT, "fixtures/openai/chat-stream-tool-calls.sse");

        Message m = streamed(client, ask("default").addTool(weatherTool()).build());

        ToolUseBlock call = m.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(call.id()).isEqualTo("call_lQnnsesjFMWMQ5IeWPHzR4th");
        assertThat(call.name()).isEqualTo("GetWeatherArgs");
        assertThat(call._input().convert(Map.class)).containsKey("city");
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
    }

    @Test
    void carriesToolsToolChoiceAndToolResultsToAnOpenAiUpstream() {
        AnthropicClient client = start("");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion-tool-calls.json"))));

        Message first = client.messages().create(ask("default").addTool(weatherTool())
                .toolChoice(com.anthropic.models.messages.ToolChoiceAny.builder().build()).build());

        ToolUseBlock call = first.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(call.id()).isEqualTo("call_abc123");
        assertThat(call.name()).isEqualTo("get_current_weather");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("location", "Boston, MA"));
        assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_weather")))
                .withRequestBody(matchingJsonPath("$.tool_choice", equalTo("required"))));

        h.upstream.resetRequests();
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        Message second = client.messages().create(ask("default").addTool(weatherTool()).addMessage(first)
                .addUserMessage(MessageContentParam.ofContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(call.id()).content("12 degrees, rain").build()))))
                .build());

        assertThat(text(second)).startsWith("The image shows");
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_calls[0].id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_calls[0].function.arguments",
                        equalToJson("{\"location\":\"Boston, MA\"}")))
                .withRequestBody(matchingJsonPath("$.messages[3].role", equalTo("tool")))
                .withRequestBody(matchingJsonPath("$.messages[3].tool_call_id", equalTo("call_abc123")))
                .withRequestBody(matchingJsonPath("$.messages[3].content", equalTo("12 degrees, rain"))));
    }

    @Test
    void fallsBackFromAFailingAnthropicUpstreamToAnOpenAiOne() {
        AnthropicClient client = start("");
        h.upstream.stubFor(post(CLAUDE_MESSAGES).willReturn(aResponse().withStatus(529)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.load("fixtures/anthropic/errors/529-overloaded.json"))));
        streamFrom(PRIMARY_CHAT, "fixtures/openai/chat-stream-text.sse");

        Message m = streamed(client, ask("claude-first").build());

        assertThat(text(m)).isNotEmpty();
        assertThat(m.model().asString()).isEqualTo("gpt-4o-2024-08-06");
    }

    @Test
    void countsTokensFromTheGatewaysEstimate() throws Exception {
        AnthropicClient client = start("");

        long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model("default")
                .addUserMessage("x".repeat(400)).build()).inputTokens();

        assertThat(tokens).isEqualTo(100); // four characters a token
        GatewayHarness.Reply r = h.http("POST", "/v1/messages/count_tokens",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(r.header("x-switchboard-estimated")).hasValue("true");
        assertThat(h.upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesARequestWithoutMaxTokensInAnthropicsErrorShape() throws Exception {
        AnthropicClient client = start("");

        GatewayHarness.Reply r = h.http("POST", "/v1/messages",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        BadRequestException e = catchThrowableOfType(() -> client.messages().create(ask("default")
                .addUserMessage(MessageContentParam.ofContentBlockParams(List.of(ContentBlockParam.ofDocument(
                        com.anthropic.models.messages.PlainTextSource.builder().data("a text").build())))).build()),
                BadRequestException.class);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"max_tokens: Field required\"}}");
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("messages.1.content.0.type").contains("'document'");
        assertThat(h.upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void answersAnUnknownModelAsNotFound() {
        AnthropicClient client = start("");

        NotFoundException e = catchThrowableOfType(() -> client.messages().create(ask("no-such-route").build()),
                NotFoundException.class);

        assertThat(e).isNotNull();
        assertThat(e.body().toString()).contains("not_found_error").contains("no-such-route");
    }

    @Test
    void answersEveryTargetRateLimitedAsRateLimitError() {
        AnthropicClient client = start("");
        String limited = Fixtures.load("fixtures/openai/errors/429-rate-limit-exceeded.json");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody(limited)));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody(limited)));

        RateLimitException limit = catchThrowableOfType(() -> client.messages().create(ask("default").build()),
                RateLimitException.class);

        assertThat(limit).isNotNull();
        assertThat(limit.statusCode()).isEqualTo(429);
        assertThat(limit.body().toString()).contains("rate_limit_error");
    }

    @Test
    void answersEveryTargetOverloadedAsAnthropics529() {
        AnthropicClient client = start("");
        String overloaded = Fixtures.load("fixtures/openai/errors/503-overloaded.json");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(overloaded)));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(overloaded)));
        OverloadedException over = catchThrowableOfType(() -> client.messages().create(ask("default").build()),
                OverloadedException.class);

        assertThat(over).isNotNull();
        assertThat(over.statusCode()).isEqualTo(529);
        assertThat(over.body().toString()).contains("overloaded_error");
    }
}
