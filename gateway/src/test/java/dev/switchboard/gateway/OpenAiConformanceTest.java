package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.testkit.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway as the official OpenAI Java SDK sees it, over OpenAI- and Ollama-shaped upstreams. */
@Timeout(60) // a guard against hangs, not a speed check
class OpenAiConformanceTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";

    private GatewayHarness h;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        h = GatewayHarness.start();
        client = h.client();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Describe the image.").build();
    }

    private static String sse(String fixture) {
        return Fixtures.load("fixtures/openai/" + fixture);
    }

    private void streamFrom(String path, String fixture) {
        h.upstream.stubFor(post(path).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(sse(fixture))));
    }

    @Test
    void answersAChatCompletionThroughARoute() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatCompletion c = client.chat().completions().create(chat("default"));

        assertThat(c.id()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(c.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(c.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("The image shows a wooden boardwalk"));
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        });
        assertThat(c.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(1117);
            assertThat(u.completionTokens()).isEqualTo(46);
            assertThat(u.totalTokens()).isEqualTo(1163);
        });
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withHeader("Authorization", equalTo("Bearer " + GatewayHarness.KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Describe the image."))));
    }

    @Test
    void saysWhichProviderAnsweredAfterHowManyTriesAndItsOwnOverhead() throws Exception {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.load("fixtures/openai/errors/500-server-error.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", "Bearer anything");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-provider")).hasValue("backup");
        assertThat(r.header("x-switchboard-attempts")).hasValue("3"); // primary, its retry, backup
        assertThat(r.header("x-switchboard-overhead-ms")).hasValueSatisfying(v ->
                assertThat(Double.parseDouble(v)).isGreaterThanOrEqualTo(0.0).isLessThan(1000.0));
        assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void streamsAnAnswerAsChatCompletionChunksWithAFinalUsageChunk() {
        streamFrom(PRIMARY_CHAT, "chat-stream-text.sse");
        ChatCompletionCreateParams params = chat("default").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            chunks = s.stream().collect(Collectors.toList());
        }

        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).startsWith("I'm unable to provide real-time updates").endsWith(".");
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly("chatcmpl-9tXjg9DdaOfymTPDrSLfxslQEH0C2");
        assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly("gpt-4o-2024-08-06");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(14);
            assertThat(u.completionTokens()).isEqualTo(47);
        });
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void streamsWithoutAUsageChunkUnlessAsked() throws Exception {
        streamFrom(PRIMARY_CHAT, "chat-stream-text.sse");

        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(r.header("x-switchboard-provider")).hasValue("primary");
        assertThat(r.body()).startsWith("data: {").endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
    }

    @Test
    void passesToolsThroughAndReturnsToolCalls() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion-tool-calls.json"))));
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("default")
                .addUserMessage("What's the weather like in Boston today?")
                .addFunctionTool(FunctionDefinition.builder().name("get_current_weather")
                        .description("Get the current weather in a given location")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("location",
                                        Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                                .build())
                        .build())
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .build();

        ChatCompletion c = client.chat().completions().create(params);

        ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("call_abc123");
        assertThat(call.function().name()).isEqualTo("get_current_weather");
        assertThat(call.function().arguments()).isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        h.upstream.verify(postRequestedFor(urlEqualTo(PRIMARY_CHAT))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("get_current_weather")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]", equalTo("location")))
                .withRequestBody(matchingJsonPath("$.tool_choice", equalTo("required"))));
    }

    @Test
    void streamsToolCallsThatTheSdkReassembles() {
        streamFrom(PRIMARY_CHAT, "chat-stream-tool-calls.sse");
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();

        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("default"))) {
            s.stream().forEach(acc::accumulate);
        }

        ChatCompletion c = acc.chatCompletion();
        List<String> names = c.choices().get(0).message().toolCalls().orElseThrow().stream()
                .map(t -> t.asFunction().function().name()).collect(Collectors.toList());
        assertThat(names).hasSize(2);
        assertThat(c.choices().get(0).message().toolCalls().orElseThrow())
                .allSatisfy(t -> assertThat(t.asFunction().function().arguments()).startsWith("{").endsWith("}"));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void turnsAnOllamaNdjsonStreamIntoOpenAiSse() {
        h.upstream.stubFor(post("/ollama/api/chat").willReturn(aResponse().withHeader("Content-Type", "application/x-ndjson")
                .withBody(Fixtures.load("fixtures/ollama/chat-stream.ndjson"))));

        String text;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("local"))) {
            text = s.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                    .collect(Collectors.joining());
        }

        assertThat(text).isEqualTo("The sky is blue because of Rayleigh scattering.");
        h.upstream.verify(postRequestedFor(urlEqualTo("/ollama/api/chat"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("llama3.2"))));
    }

    @Test
    void addressesAModelOfAProviderAsProviderSlashModel() {
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));

        ChatCompletion c = client.chat().completions().create(chat("backup/ft:gpt-4o/acme"));

        assertThat(c.choices()).hasSize(1);
        h.upstream.verify(postRequestedFor(urlEqualTo(BACKUP_CHAT))
                .withRequestBody(matchingJsonPath("$.model", equalTo("ft:gpt-4o/acme"))));
    }

    @Test
    void embedsWithTheSameModelAddressing() {
        h.upstream.stubFor(post("/primary/v1/embeddings").willReturn(okJson(Fixtures.load("fixtures/openai/embeddings.json"))));

        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("primary")
                .input("The food was delicious and the waiter...").build());

        assertThat(r.data()).singleElement().satisfies(e ->
                assertThat(e.embedding()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f));
        assertThat(r.usage().promptTokens()).isEqualTo(8);
        h.upstream.verify(postRequestedFor(urlEqualTo("/primary/v1/embeddings"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("text-embedding-3-small"))));
    }

    @Test
    void listsRoutesProvidersAndTheirDefaultModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).collect(Collectors.toList());

        assertThat(ids).containsExactly("default", "backup", "backup/gpt-4o", "local", "local/llama3.2", "primary",
                "primary/gpt-4o-mini");
    }

    @Test
    void anUnknownModelIs404ListingWhatExists() {
        NotFoundException e = catchThrowableOfType(NotFoundException.class,
                () -> client.chat().completions().create(chat("gpt-5-turbo")));

        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.getMessage()).contains("gpt-5-turbo", "default", "backup, local, primary");
        assertThat(e.code()).hasValue("model_not_found");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", "{\"model\": \"default\", \"messages\": [");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"type\":\"invalid_request_error\"", "could not parse the JSON body");
    }

    @Test
    void aMissingFieldIs400NamingIt() throws Exception {
        GatewayHarness.Reply r = h.http("POST", "/v1/chat/completions", "{\"model\": \"default\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"param\":\"messages\"");
    }

    @Test
    void aRequestTheProviderRejectsIs400WithItsMessage() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.load("fixtures/openai/errors/400-invalid-request.json"))));

        BadRequestException e = catchThrowableOfType(BadRequestException.class,
                () -> client.chat().completions().create(chat("default")));

        assertThat(e.getMessage()).contains("Unrecognized request argument supplied: frequency_penalty_typo");
        h.upstream.verify(0, postRequestedFor(urlEqualTo(BACKUP_CHAT)));
    }

    @Test
    void whenEveryTargetFailsTheErrorIs502NamingEachProvider() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.load("fixtures/openai/errors/500-server-error.json"))));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.load("fixtures/openai/errors/500-server-error.json"))));

        InternalServerException e = catchThrowableOfType(InternalServerException.class,
                () -> client.chat().completions().create(chat("default")));

        assertThat(e.statusCode()).isEqualTo(502);
        assertThat(e.getMessage()).contains("all targets failed", "primary (SERVER", "backup (SERVER");
    }

    @Test
    void whenEveryTargetIsRateLimitedTheErrorIs429WithRetryAfter() throws Exception {
        for (String path : List.of(PRIMARY_CHAT, BACKUP_CHAT)) {
            h.upstream.stubFor(post(path).willReturn(aResponse().withStatus(429).withHeader("retry-after", "20")
                    .withHeader("Content-Type", "application/json")
                    .withBody(Fixtures.load("fixtures/openai/errors/429-rate-limit-exceeded.json"))));
        }

        RateLimitException e = catchThrowableOfType(RateLimitException.class,
                () -> client.chat().completions().create(chat("default")));
        GatewayHarness.Reply raw = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.getMessage()).contains("primary (RATE_LIMIT", "backup (RATE_LIMIT");
        assertThat(raw.header("retry-after")).hasValue("20");
    }

    @Test
    void readinessAndMetricsDescribeTheProviders() throws Exception {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load("fixtures/openai/chat-completion.json"))));
        client.chat().completions().create(chat("default"));

        GatewayHarness.Reply health = h.http("GET", "/health", null);
        GatewayHarness.Reply ready = h.http("GET", "/ready", null);
        List<String> expected = List.of(
                "switchboard_gateway_requests_total{endpoint=\"chat\",route=\"default\",provider=\"primary\",status=\"200\"} 1",
                "switchboard_gateway_tokens_total{route=\"default\",provider=\"primary\",direction=\"output\"} 46",
                "switchboard_gateway_request_duration_seconds_count{endpoint=\"chat\",route=\"default\"} 1",
                "switchboard_target_cooling_down{route=\"default\",target=\"primary\"} 0",
                // what groups pick by: nothing in flight once the answer is out, and the answer's time measured
                "switchboard_target_in_flight{route=\"default\",target=\"primary\"} 0",
                "switchboard_target_first_token_seconds{route=\"default\",target=\"primary\"} ");
        String metrics = h.metricsContaining(expected);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"primary\":{\"state\":\"ok\"}", "\"status\":\"ready\"");
        assertThat(metrics).contains(expected.toArray(String[]::new));
    }
}
