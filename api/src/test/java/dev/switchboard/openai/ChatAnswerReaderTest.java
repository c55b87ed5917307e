package dev.switchboard.openai;

import static dev.switchboard.http.TestResources.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.http.JsonReader;
import dev.switchboard.spi.ProviderSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A non-streamed answer read as it arrives ({@link OpenAiWire#readChatResponse(JsonReader, String, String,
 * OpenAiWire.Dialect, RateLimits)}), on answers shaped as OpenAI and compatible servers document them. Every answer is
 * also read from its tree, as the gateway's answer cache does, and both must give the same response or the same
 * failure.
 */
class ChatAnswerReaderTest {

    private static final String PROVIDER = "test-provider";
    private static final String REQUESTED = "requested-model";
    /** The dialect of every adapter that keeps {@link OpenAiCompatible}'s usage. */
    private static final OpenAiWire.Dialect STANDARD = new BasicOpenAiAdapter(
            ProviderSettings.builder(PROVIDER, "openai").baseUrl("http://127.0.0.1:9/v1").build(), "http://127.0.0.1:9/v1");

    /** A dialect with a usage of its own, which records the top-level fields it was given. */
    private static class RecordingDialect implements OpenAiCompatible {
        final List<JsonNode> seen = new ArrayList<>();

        @Override
        public String baseUrl() {
            return "http://127.0.0.1:9/v1";
        }

        @Override
        public java.util.Optional<dev.switchboard.spi.Secret> apiKey() {
            return java.util.Optional.empty();
        }

        @Override
        public Usage usage(JsonNode responseOrChunk) {
            seen.add(responseOrChunk.deepCopy());
            Usage usage = OpenAiWire.usage(responseOrChunk.get("usage"));
            return usage.equals(Usage.NONE) ? OpenAiWire.usage(responseOrChunk.path("x_groq").get("usage")) : usage;
        }
    }

    private static ChatResponse streamed(String json, OpenAiWire.Dialect dialect) throws IOException {
        try (JsonReader r = Json.reader(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))) {
            return OpenAiWire.readChatResponse(r, PROVIDER, REQUESTED, dialect, RateLimits.NONE);
        }
    }

    private static ChatResponse fromTree(String json, OpenAiWire.Dialect dialect) throws IOException {
        return OpenAiWire.readChatResponse(Json.read(json), PROVIDER, REQUESTED, dialect, RateLimits.NONE);
    }

    /** The answer read as it arrives, checked against the answer read from its tree. */
    private static ChatResponse read(String json, OpenAiWire.Dialect dialect) throws IOException {
        ChatResponse response = streamed(json, dialect);
        assertThat(response).isEqualTo(fromTree(json, dialect));
        return response;
    }

    private static ChatResponse read(String json) throws IOException {
        return read(json, STANDARD);
    }

    /** The failure of reading the answer as it arrives, checked against that of reading its tree. */
    private static LlmException failure(String json) {
        LlmException e = catchThrowableOfType(LlmException.class, () -> streamed(json, STANDARD));
        LlmException fromTree = catchThrowableOfType(LlmException.class, () -> fromTree(json, STANDARD));
        assertThat(e).isNotNull();
        assertThat(fromTree).isNotNull();
        assertThat(e.getMessage()).isEqualTo(fromTree.getMessage());
        assertThat(e.kind()).isEqualTo(fromTree.kind());
        assertThat(e.code()).isEqualTo(fromTree.code());
        return e;
    }

    private static ObjectNode tree(String fixture) {
        try {
            return (ObjectNode) Json.read(fixture(fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsTheDocumentedChatCompletion() throws IOException {
        ChatResponse response = read(fixture("openai/chat-completion.json"));

        assertThat(response.id()).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(response.provider()).isEqualTo(PROVIDER);
        assertThat(response.text()).startsWith("The image shows a wooden boardwalk").endsWith("visible in the background.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("stop");
        assertThat(response.usage()).isEqualTo(Usage.of(1117, 46));
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.reasoning()).isEmpty();
    }

    @Test
    void readsEveryUsageCount() throws IOException {
        ObjectNode body = tree("openai/chat-completion.json");
        ObjectNode usage = (ObjectNode) body.get("usage");
        ((ObjectNode) usage.get("prompt_tokens_details")).put("cached_tokens", 1024).put("cache_write_tokens", 64);
        ((ObjectNode) usage.get("completion_tokens_details")).put("reasoning_tokens", 30);

        ChatResponse response = read(body.toString());

        assertThat(response.usage()).isEqualTo(Usage.builder().inputTokens(1117).outputTokens(46)
                .cachedInputTokens(1024).cacheWriteInputTokens(64).reasoningTokens(30).build());
    }

    @Test
    void anAnswerWithoutUsageReportsNone() throws IOException {
        ObjectNode body = tree("openai/chat-completion.json");
        body.remove("usage");

        ChatResponse response = read(body.toString());

        assertThat(response.usage()).isSameAs(Usage.NONE); // what tells the metering to estimate the counts
    }

    @Test
    void readsTheDocumentedToolCallsWithTheirArgumentsVerbatim() throws IOException {
        ChatResponse response = read(fixture("openai/chat-completion-tool-calls.json"));

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.text()).isEmpty();
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"));
        assertThat(response.usage()).isEqualTo(Usage.of(82, 17));
    }

    @Test
    void toolCallArgumentsSentAsAnObjectBecomeCompactJsonText() throws IOException {
        ChatResponse response = read(fixture("openai/chat-completion-tool-calls-object-arguments.json"));

        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_x1y2z3", "get_current_weather",
                "{\"location\":\"Boston, MA\",\"unit\":\"celsius\",\"days\":[1,2]}"));
        assertThat(response.toolCalls().get(0).argumentsAsMap()).containsEntry("unit", "celsius");
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.model()).isEqualTo("llama3.2");
    }

    @Test
    void toolCallsWithoutAFinishReasonFinishAsToolCalls() throws IOException {
        ObjectNode body = tree("openai/chat-completion-tool-calls.json");
        ((ObjectNode) body.get("choices").get(0)).putNull("finish_reason");

        ChatResponse response = read(body.toString());

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.rawFinishReason()).isEmpty();
    }

    @Test
    void aRefusalIsTheAnswerTextWithAContentFilterFinish() throws IOException {
        ChatResponse response = read(fixture("openai/chat-completion-refusal.json"));

        assertThat(response.text()).isEqualTo("I'm sorry, I cannot assist with that request.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.rawFinishReason()).isEqualTo("stop");
        assertThat(response.usage()).isEqualTo(Usage.of(81, 11));
    }

    @Test
    void readsReasoningFromReasoningContent() throws IOException {
        ChatResponse response = read(fixture("openai/chat-completion-reasoning-content.json"));

        assertThat(response.text()).isEqualTo("9.8 is greater than 9.11.");
        assertThat(response.reasoning()).startsWith("Comparing 9.11 and 9.8");
        assertThat(response.usage()).isEqualTo(Usage.builder().inputTokens(13).outputTokens(181).reasoningTokens(163).build());
    }

    @Test
    void readsReasoningFromReasoningAndTheUsageOfADialectOfItsOwn() throws IOException {
        RecordingDialect groq = new RecordingDialect();

        ChatResponse response = read(fixture("openai/chat-completion-reasoning-groq.json"), groq);

        assertThat(response.text()).isEqualTo("Paris.");
        assertThat(response.reasoning()).isEqualTo("The user asks for the capital of France. That is Paris.");
        assertThat(response.usage()).isEqualTo(Usage.of(18, 25));
        assertThat(response.id()).isEqualTo("chatcmpl-8f3a1c2e-5b7d-4e9a-9c1f-2d6b8a0e4f11");
        assertThat(response.model()).isEqualTo("qwen/qwen3-32b");
    }

    @Test
    void aDialectOfItsOwnIsGivenEveryTopLevelFieldButTheChoices() throws IOException {
        RecordingDialect dialect = new RecordingDialect();
        ObjectNode body = tree("openai/chat-completion-reasoning-groq.json");
        body.remove("usage");
        body.with("x_groq").putObject("usage").put("prompt_tokens", 5).put("completion_tokens", 7);

        ChatResponse response = streamed(body.toString(), dialect);

        assertThat(response.usage()).isEqualTo(Usage.of(5, 7));
        ObjectNode expected = body.deepCopy();
        expected.remove("choices");
        assertThat(dialect.seen).containsExactly(expected);
    }

    @Test
    void whenBothReasoningFieldsArePresentReasoningWins() throws IOException {
        ObjectNode body = tree("openai/chat-completion-reasoning-content.json");
        ((ObjectNode) body.get("choices").get(0).get("message")).put("reasoning", "the other field");

        assertThat(read(body.toString()).reasoning()).isEqualTo("the other field");
    }

    @Test
    void fieldsTheCodecDoesNotKnowAreSkippedWhereverTheyAre() throws IOException {
        ChatResponse response = read(fixture("openai/chat-completion-vllm.json"));

        assertThat(response.text()).isEqualTo("Hello! How can I help you today?");
        assertThat(response.reasoning()).isEmpty();
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(Usage.of(42, 10));
    }

    @Test
    void ofSeveralChoicesTheFirstIsTheAnswer() throws IOException {
        ObjectNode body = tree("openai/chat-completion.json");
        ObjectNode second = body.withArray("choices").addObject();
        second.put("index", 1).put("finish_reason", "length").putObject("message").put("content", "second answer");

        ChatResponse response = read(body.toString());

        assertThat(response.text()).startsWith("The image shows");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void anAnswerThatNamesNoModelIsTheRequestedModels() throws IOException {
        ObjectNode body = tree("openai/chat-completion.json");
        body.remove("model");

        assertThat(read(body.toString()).model()).isEqualTo(REQUESTED);
    }

    @Test
    void aFinishReasonIsMappedByTheDialect() throws IOException {
        ObjectNode body = tree("openai/chat-completion.json");
        ((ObjectNode) body.get("choices").get(0)).put("finish_reason", "eos");
        OpenAiWire.Dialect together = new RecordingDialect() {
            @Override
            public FinishReason finishReason(String raw) {
                return raw.equals("eos") ? FinishReason.STOP : OpenAiWire.finishReason(raw);
            }
        };

        ChatResponse response = read(body.toString(), together);

        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.rawFinishReason()).isEqualTo("eos");
    }

    @Test
    void aRepeatedKeyReadsAsItsLastValueAsInATree() throws IOException {
        String json = "{\"model\":\"first\",\"choices\":[{\"message\":{\"content\":\"a\",\"content\":\"b\"}}],"
                + "\"usage\":{\"prompt_tokens\":1},\"usage\":{\"completion_tokens\":2},\"model\":\"second\"}";

        ChatResponse response = read(json);

        assertThat(response.text()).isEqualTo("b");
        assertThat(response.model()).isEqualTo("second");
        assertThat(response.usage()).isEqualTo(Usage.of(0, 2));
    }

    @Test
    void valuesOfAnotherTypeReadAsTheirTreeReadsThem() throws IOException {
        String json = "{\"id\":42,\"choices\":[{\"message\":{\"content\":7,\"tool_calls\":[{\"id\":null,"
                + "\"function\":{\"name\":\"f\",\"arguments\":null}}]},\"finish_reason\":null}],"
                + "\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":2.9}}";

        ChatResponse response = read(json);

        assertThat(response.id()).isEqualTo("42");
        assertThat(response.text()).isEqualTo("7");
        assertThat(response.toolCalls()).containsExactly(new ToolCall("", "f", "{}"));
        assertThat(response.usage()).isEqualTo(Usage.of(12, 2));
    }

    @Test
    void aSuccessfulStatusWithoutChoicesIsAServerFailureNotAnEmptyAnswer() {
        ObjectNode body = tree("openai/chat-completion.json");
        body.putArray("choices");

        LlmException e = failure(body.toString());

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.provider()).isEqualTo(PROVIDER);
        assertThat(e.getMessage()).isEqualTo(PROVIDER + ": the response has no choices");
    }

    @Test
    void aSuccessfulStatusCarryingOnlyAnErrorObjectFailsWithItsMessageAndCode() {
        String json = "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}";

        LlmException e = failure(json);

        assertThat(e.kind()).isEqualTo(ErrorKind.SERVER);
        assertThat(e.code()).hasValue("server_error");
        assertThat(e.getMessage()).isEqualTo(PROVIDER + ": server_error: the response has no choices: "
                + "The server had an error while processing your request. Sorry about that!");
    }

    @Test
    void anErrorMessageInASuccessfulAnswerHasItsKeysMasked() {
        String key = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0".repeat(3);
        String json = "{\"choices\":null,\"error\":\"upstream rejected " + key + "\"}";

        LlmException e = failure(json);

        assertThat(e.getMessage()).contains("upstream rejected").doesNotContain(key);
    }

    @Test
    void aBodyThatIsNoObjectHasNoChoices() {
        assertThat(failure("[{\"choices\":[]}]").getMessage()).isEqualTo(PROVIDER + ": the response has no choices");
        assertThat(failure("\"hello\"").getMessage()).isEqualTo(PROVIDER + ": the response has no choices");
    }

    @Test
    void aTruncatedAnswerIsAParseErrorNotAnAnswer() {
        String json = fixture("openai/chat-completion.json");
        for (int cut : new int[] {1, json.indexOf("\"choices\"") + 12, json.indexOf("boardwalk"), json.length() - 3}) {
            String truncated = json.substring(0, cut);

            Throwable t = catchThrowableOfType(JsonProcessingException.class, () -> streamed(truncated, STANDARD));

            assertThat(t).as("cut at %d", cut).isNotNull();
        }
    }

    @Test
    void aReaderNotYetStartedIsReadFromItsFirstToken() throws IOException {
        String json = fixture("openai/chat-completion-refusal.json");
        try (JsonReader r = Json.reader(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(r.currentToken()).isNull();

            ChatResponse response = OpenAiWire.readChatResponse(r, PROVIDER, REQUESTED, STANDARD, RateLimits.NONE);

            assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        }
    }

    @Test
    void theRateLimitsGivenAreTheResponses() throws IOException {
        RateLimits limits = OpenAiWire.readRateLimits(dev.switchboard.http.ResponseHeaders.of(
                Map.of("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", "59")));
        String json = fixture("openai/chat-completion.json");
        try (JsonReader r = Json.reader(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(OpenAiWire.readChatResponse(r, PROVIDER, REQUESTED, STANDARD, limits).rateLimits()).isEqualTo(limits);
        }
    }
}
