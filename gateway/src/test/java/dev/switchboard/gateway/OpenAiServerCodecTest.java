package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiServerCodecTest {

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = OpenAiServerCodecTest.class.getResourceAsStream("/fixtures/openai-server/" + name)) {
            return Json.read(in);
        }
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static JsonNode written(Writer w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new com.fasterxml.jackson.databind.ObjectMapper().getFactory().createGenerator(out)) {
            w.write(g);
        }
        return Json.read(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void readsADocumentedRequestWithImagesToolsAndOptions() throws IOException {
        OpenAiServerCodec.ChatCall call = OpenAiServerCodec.readChatRequest(fixture("chat-request-tools.json"));

        ChatRequest r = call.request();
        assertThat(call.model()).isEqualTo("gpt-4o-mini");
        assertThat(call.stream()).isTrue();
        assertThat(call.includeUsage()).isTrue();
        assertThat(r.model()).isEmpty();
        assertThat(r.messages()).extracting(m -> m.role()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(r.messages().get(1).content().get(1)).isInstanceOf(Content.Image.class);
        assertThat(r.messages().get(2).toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("call_abc123");
            assertThat(c.arguments()).isEqualTo("{\"location\": \"Boston, MA\"}");
        });
        assertThat(r.messages().get(3).toolCallId()).isEqualTo("call_abc123");
        assertThat(r.tools()).singleElement().satisfies(t -> assertThat(Json.parse(t.parametersSchema(), "schema")
                .path("required").get(0).asText()).isEqualTo("location"));
        assertThat(r.toolChoice()).contains(ToolChoice.function("get_current_weather"));
        assertThat(r.responseFormat()).hasValueSatisfying(f -> assertThat(f).isInstanceOf(ResponseFormat.JsonSchema.class));
        assertThat(r.temperature()).hasValue(0.2);
        assertThat(r.maxOutputTokens()).hasValue(100);
        assertThat(r.stop()).containsExactly("\n");
        assertThat(r.seed()).hasValue(42);
        assertThat(r.providerParameters()).containsOnlyKeys("user");
    }

    @Test
    void anImagesDetailLevelIsKept() {
        OpenAiServerCodec.ChatCall call = OpenAiServerCodec.readChatRequest(Json.parse("""
                {"model": "m", "messages": [{"role": "user", "content": [
                  {"type": "image_url", "image_url": {"url": "https://example.test/a.png", "detail": "high"}}]}]}""", "body"));

        assertThat(call.request().messages().get(0).content().get(0))
                .isEqualTo(Content.imageUrl("https://example.test/a.png").withDetail("high"));
    }

    @Test
    void refusesWhatItCannotHonourNamingTheField() {
        OpenAiServerCodec.InvalidRequest noMessages = catchThrowableOfType(OpenAiServerCodec.InvalidRequest.class,
                () -> OpenAiServerCodec.readChatRequest(Json.parse("{\"model\": \"m\", \"messages\": []}", "t")));
        OpenAiServerCodec.InvalidRequest badRole = catchThrowableOfType(OpenAiServerCodec.InvalidRequest.class,
                () -> OpenAiServerCodec.readChatRequest(Json.parse(
                        "{\"model\": \"m\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}", "t")));
        OpenAiServerCodec.InvalidRequest twoChoices = catchThrowableOfType(OpenAiServerCodec.InvalidRequest.class,
                () -> OpenAiServerCodec.readChatRequest(Json.parse(
                        "{\"model\": \"m\", \"n\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "t")));

        assertThat(noMessages.param()).isEqualTo("messages");
        assertThat(badRole.param()).isEqualTo("messages[0].role");
        assertThat(twoChoices.param()).isEqualTo("n");
    }

    @Test
    void writesChunksTheWayOpenAiStreamsThem() throws IOException {
        OpenAiServerCodec.ChunkHeader h = new OpenAiServerCodec.ChunkHeader("chatcmpl-1", "gpt-4o-mini", 1723024748, true);

        JsonNode first = written(g -> OpenAiServerCodec.writeChunk(g, h, new ChatEvent.TextDelta("I'm"), true));
        JsonNode tool = written(g -> OpenAiServerCodec.writeChunk(g, h,
                new ChatEvent.ToolCallDelta(1, "call_1", "get_current_weather", "{\"lo"), false));
        JsonNode finish = written(g -> OpenAiServerCodec.writeChunk(g, h,
                new ChatEvent.Finished(FinishReason.TOOL_CALLS, "tool_calls"), false));
        JsonNode usage = written(g -> OpenAiServerCodec.writeUsageChunk(g, h, Usage.of(14, 47)));

        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("I'm");
        assertThat(first.has("usage")).isTrue();
        assertThat(first.get("usage").isNull()).isTrue();
        assertThat(tool.at("/choices/0/delta/tool_calls/0/index").asInt()).isEqualTo(1);
        assertThat(tool.at("/choices/0/delta/tool_calls/0/function/arguments").asText()).isEqualTo("{\"lo");
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(usage.path("choices").size()).isZero();
        assertThat(usage.at("/usage/total_tokens").asLong()).isEqualTo(61);
    }

    @Test
    void writesOpenAisErrorShape() throws IOException {
        JsonNode e = written(g -> OpenAiServerCodec.writeError(g, "bad", "invalid_request_error", "messages", null));

        assertThat(e.at("/error/message").asText()).isEqualTo("bad");
        assertThat(e.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.at("/error/param").asText()).isEqualTo("messages");
        assertThat(e.at("/error/code").isNull()).isTrue();
    }
}
