package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream cut after text ending in whitespace, resumed by an Anthropic target. Anthropic's Messages API refuses a
 * final assistant message that ends in whitespace (400 invalid_request_error "messages: final assistant content cannot
 * end with trailing whitespace"); the stub here refuses it the same way, so the resume request must carry the
 * delivered text without its trailing whitespace, and the client's concatenated text must still read right.
 */
@Timeout(60)
class ResumeOntoAnthropicTest {

    private static final String CLAUDE_MESSAGES = "/anthropic/v1/messages";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayHarness h;
    private RawUpstream raw;

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    /** Primary streams {@code delivered} as one chunk, then resets the connection; claude is next in the route. */
    private void start(String delivered) throws Exception {
        raw = new RawUpstream(c -> {
            c.sseHead();
            String escaped = quote(delivered);
            c.event(FaultToleranceTest.chunk(escaped.substring(1, escaped.length() - 1)));
            c.reset();
        });
        h = GatewayHarness.start(String.join("\n",
                "providers.primary.base-url = \"" + raw.baseUrl() + "\"",
                "providers.claude { type = anthropic, base-url = \"{upstream}/anthropic/v1\", api-key = \"claude-key\",",
                "                   model = \"claude-sonnet-4-20250514\" }",
                "routes.default.targets = [ primary, claude ]"));
        // As Anthropic's API does: a final assistant message ending in whitespace is a 400.
        h.upstream.stubFor(post(CLAUDE_MESSAGES).atPriority(1).andMatching(ResumeOntoAnthropicTest::endsInWhitespace)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                                + "\"messages: final assistant content cannot end with trailing whitespace\"}}")));
    }

    /** Claude's continuation: the texts as text_delta events of one text block. */
    private void claudeContinues(String... texts) {
        StringBuilder sse = new StringBuilder(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-20250514\",\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (String t : texts) {
            sse.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":").append(quote(t)).append("}}\n\n");
        }
        sse.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        h.upstream.stubFor(post(CLAUDE_MESSAGES).atPriority(2)
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(sse.toString())));
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MatchResult endsInWhitespace(Request request) {
        String last = finalAssistantText(request.getBodyAsString());
        return MatchResult.of(last != null && !last.isEmpty() && Character.isWhitespace(last.charAt(last.length() - 1)));
    }

    /** The text of the request's final message when it is an assistant's (a string or its last text block). */
    private static String finalAssistantText(String body) {
        try {
            JsonNode messages = JSON.readTree(body).path("messages");
            JsonNode last = messages.get(messages.size() - 1);
            if (last == null || !"assistant".equals(last.path("role").asText())) {
                return null;
            }
            JsonNode content = last.path("content");
            if (content.isTextual()) {
                return content.asText();
            }
            String text = null;
            for (JsonNode block : content) {
                if ("text".equals(block.path("type").asText())) {
                    text = block.path("text").asText();
                }
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String streamedText() {
        ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model("default")
                .addUserMessage("What's the weather?").build();
        try (StreamResponse<ChatCompletionChunk> s = h.client().chat().completions().createStreaming(ask)) {
            List<ChatCompletionChunk> chunks = s.stream().collect(Collectors.toList());
            return chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                    .collect(Collectors.joining());
        }
    }

    private List<String> claudeFinalAssistantTexts() {
        return h.upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(CLAUDE_MESSAGES))).stream()
                .map(LoggedRequest::getBodyAsString).map(ResumeOntoAnthropicTest::finalAssistantText).toList();
    }

    @Test
    void theResumeRequestLeavesOutTrailingWhitespaceAndTheContinuationDoesNotDoubleIt() throws Exception {
        start("It is sunny ");
        claudeContinues(" ", " and", " warm.");

        String text = streamedText();

        assertThat(claudeFinalAssistantTexts()).containsExactly("It is sunny");
        assertThat(text).isEqualTo("It is sunny and warm.");
    }

    @Test
    void aContinuationThatStartsWithoutASpaceFollowsTheDeliveredOne() throws Exception {
        start("Line one.\n\n");
        claudeContinues("Line two.");

        String text = streamedText();

        assertThat(claudeFinalAssistantTexts()).containsExactly("Line one.");
        assertThat(text).isEqualTo("Line one.\n\nLine two.");
    }
}
