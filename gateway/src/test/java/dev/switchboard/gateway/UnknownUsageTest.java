package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that reports no usage (an OpenAI-compatible server without {@code stream_options}, a proxy that drops
 * it): the gateway says it does not know instead of answering 0/0/0. Chat leaves {@code usage} out of a completion and
 * null in the usage chunk, Responses leaves it out of the response, and Messages (whose shape requires counts) answers
 * the gateway's estimate, marked {@code x-switchboard-usage: estimated} where a header can still say so.
 */
@Timeout(60)
class UnknownUsageTest {

    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    /** OpenAI's chunks as an upstream sends them without usage: no usage chunk before [DONE]. */
    private static final String STREAM_WITHOUT_USAGE = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null)
            + chunk("{\"content\":\"Twelve characters, more or less.\"}", null)
            + chunk("{}", "\"stop\"") + "data: [DONE]\n\n";

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1723024748,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + finish + "}]}\n\n";
    }

    private void upstreamStreamsWithoutUsage() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(STREAM_WITHOUT_USAGE)));
    }

    private void upstreamAnswersWithoutUsage() throws Exception {
        ObjectNode completion = (ObjectNode) Json.read(Fixtures.load("fixtures/openai/chat-completion.json"));
        completion.remove("usage");
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(completion.toString())));
    }

    @Test
    void theChatUsageChunkSaysNullNotZero() throws Exception {
        upstreamStreamsWithoutUsage();

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var s = h.client().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("primary").addUserMessage("Hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        GatewayHarness.Reply raw = h.http("POST", "/v1/chat/completions", "{\"model\":\"primary\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).isEmpty();
        String usageChunk = lastDataLine(raw.body());
        assertThat(Json.read(usageChunk).get("usage").isNull()).as(usageChunk).isTrue();
        assertThat(raw.body()).doesNotContain("\"prompt_tokens\":0");
    }

    @Test
    void aChatCompletionLeavesUsageOut() throws Exception {
        upstreamAnswersWithoutUsage();

        ChatCompletion c = h.client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("primary").addUserMessage("Hi").build());
        GatewayHarness.Reply raw = h.http("POST", "/v1/chat/completions",
                "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(c.usage()).isEmpty();
        assertThat(c.choices()).hasSize(1);
        assertThat(Json.read(raw.body()).has("usage")).as(raw.body()).isFalse();
    }

    @Test
    void theResponsesApiLeavesUsageOutOfTheResponseAndOfResponseCompleted() throws Exception {
        upstreamStreamsWithoutUsage();

        List<ResponseStreamEvent> events = new ArrayList<>();
        try (var s = h.client().responses().createStreaming(ResponseCreateParams.builder().model("primary")
                .input("Hi").build())) {
            s.stream().forEach(events::add);
        }
        upstreamAnswersWithoutUsage();
        Response r = h.client().responses().create(ResponseCreateParams.builder().model("primary").input("Hi").build());

        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        assertThat(last.asCompleted().response().usage()).isEmpty();
        assertThat(r.usage()).isEmpty();
        assertThat(r.status()).isPresent();
    }

    private AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + h.gateway.port())
                .apiKey(GatewayHarness.KEY).maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void theMessagesApiAnswersAnEstimateMarkedAsSuch() throws Exception {
        upstreamAnswersWithoutUsage();
        String ask = "{\"model\":\"primary\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"How is the weather in Boston today, roughly?\"}]}";

        Message m = anthropic().messages().create(MessageCreateParams.builder().model("primary").maxTokens(100)
                .addUserMessage("How is the weather in Boston today, roughly?").build());
        GatewayHarness.Reply raw = h.http("POST", "/v1/messages", ask);

        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(raw.header("x-switchboard-usage")).hasValue("estimated");
        JsonNode usage = Json.read(raw.body()).get("usage");
        assertThat(usage.get("output_tokens").asLong()).isPositive();
    }

    @Test
    void aStreamedMessageEndsWithAnEstimateNotZero() {
        upstreamStreamsWithoutUsage();

        List<RawMessageStreamEvent> events = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic().messages().createStreaming(
                MessageCreateParams.builder().model("primary").maxTokens(100).addUserMessage("Hi").build())) {
            s.stream().forEach(events::add);
        }

        RawMessageStreamEvent delta = events.stream().filter(RawMessageStreamEvent::isMessageDelta).findFirst()
                .orElseThrow();
        // "Twelve characters, more or less." is 32 characters: about 8 tokens at four characters a token
        assertThat(delta.asMessageDelta().usage().outputTokens()).isEqualTo(8);
    }

    @Test
    void reportedUsageIsStillPassedOn() throws Exception {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));

        GatewayHarness.Reply raw = h.http("POST", "/v1/chat/completions", "{\"model\":\"primary\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(Json.read(lastDataLine(raw.body())).at("/usage/total_tokens").asLong()).isEqualTo(61);
    }

    /** The last {@code data:} line before {@code [DONE]}. */
    private static String lastDataLine(String sse) {
        String last = null;
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                last = line.substring("data: ".length());
            }
        }
        return last;
    }
}
