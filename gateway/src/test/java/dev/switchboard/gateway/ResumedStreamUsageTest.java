package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageSnapshot;
import dev.switchboard.runtime.UsageTotals;
import dev.switchboard.testkit.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream broken mid-answer and resumed by the next target: the usage its client reads at the end (chat's usage
 * chunk, Responses' {@code response.completed}, Messages' {@code message_delta}) is the whole answer's, what every
 * provider that produced output for it spent, as the usage ledger records them (the broken-off one's part estimated,
 * since it reported none), and not the finishing provider's report alone.
 */
@Timeout(60)
class ResumedStreamUsageTest {

    private static final String PRIMARY = "/primary/v1/chat/completions";
    private static final String BACKUP = "/backup/v1/chat/completions";
    /** What the backup's documented stream reports for its own request. */
    private static final Usage BACKUP_REPORTED = Usage.of(14, 47);

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.start();
        // the documented text stream's first chunks ("", "I'm", " unable"), then OpenAI's error event: no usage
        String[] events = Fixtures.load("fixtures/openai/chat-stream-text.sse").split("\n\n");
        h.upstream.stubFor(post(PRIMARY).willReturn(sse(events[0] + "\n\n" + events[1] + "\n\n" + events[2]
                + "\n\ndata: {\"error\": {\"message\": \"The server had an error while processing your request.\","
                + " \"type\": \"server_error\", \"param\": null, \"code\": null}}\n\n")));
        h.upstream.stubFor(post(BACKUP).willReturn(sse(Fixtures.load("fixtures/openai/chat-stream-text.sse"))));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String body) {
        return aResponse().withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    enum Api { CHAT, RESPONSES, MESSAGES }

    @ParameterizedTest
    @EnumSource(Api.class)
    void theLastUsageIsEveryProvidersPartAsTheLedgerHasThem(Api api) throws Exception {
        Usage seen = switch (api) {
            case CHAT -> chat();
            case RESPONSES -> responses();
            case MESSAGES -> messages();
        };

        UsageSnapshot ledger = ledgerWithRecords(2);
        UsageTotals primary = ledger.provider("primary");
        UsageTotals backup = ledger.provider("backup");
        assertThat(backup.inputTokens()).isEqualTo(BACKUP_REPORTED.inputTokens());
        assertThat(backup.outputTokens()).isEqualTo(BACKUP_REPORTED.outputTokens());
        // the broken-off part, estimated: "I'm unable" is 10 characters, 3 tokens at about four a token
        assertThat(primary.outputTokens()).isEqualTo(3);
        assertThat(primary.inputTokens()).isPositive();
        assertThat(seen.inputTokens()).as(api.name()).isEqualTo(primary.inputTokens() + backup.inputTokens());
        assertThat(seen.outputTokens()).as(api.name()).isEqualTo(primary.outputTokens() + backup.outputTokens());
    }

    /** The ledger once it holds {@code records} records: each provider's stream is recorded as it closes. */
    private UsageSnapshot ledgerWithRecords(long records) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        UsageSnapshot s = h.switchboard.ledger().snapshot();
        while (s.total().requests() < records && System.nanoTime() < deadline) {
            Thread.sleep(10);
            s = h.switchboard.ledger().snapshot();
        }
        assertThat(s.total().requests()).isEqualTo(records);
        return s;
    }

    private Usage chat() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var s = h.client().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("default").addUserMessage("How is the weather in Boston today?")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        var usage = chunks.get(chunks.size() - 1).usage().orElseThrow();
        return Usage.of(usage.promptTokens(), usage.completionTokens());
    }

    private Usage responses() {
        ResponseAccumulator acc = ResponseAccumulator.create();
        try (var s = h.client().responses().createStreaming(ResponseCreateParams.builder().model("default")
                .input("How is the weather in Boston today?").build())) {
            s.stream().forEach(acc::accumulate);
        }
        var usage = acc.response().usage().orElseThrow();
        return Usage.of(usage.inputTokens(), usage.outputTokens());
    }

    private Usage messages() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + h.gateway.port()).apiKey(GatewayHarness.KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build().messages().createStreaming(MessageCreateParams.builder()
                        .model("default").maxTokens(100).addUserMessage("How is the weather in Boston today?")
                        .build())) {
            s.stream().forEach(acc::accumulate);
        }
        var usage = acc.message().usage();
        return Usage.of(usage.inputTokens(), usage.outputTokens());
    }
}
