package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The small value types: tools, images, messages, tool calls, usage, response formats, embedding requests. */
class ValueTypesTest {

    // --- ToolDefinition --------------------------------------------------------------------------------------

    @Test
    void refusesAToolSchemaThatIsNotJsonNamingTheTool() {
        assertThatThrownBy(() -> ToolDefinition.of("get_weather", "", "{\"type\": \"object\", properties: {}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tool get_weather").hasMessageContaining("not valid JSON");
    }

    @Test
    void refusesAToolSchemaWithTrailingText() {
        // a stray brace is a typical typo; the schema goes to the provider as raw JSON, so it must fail here
        assertThatThrownBy(() -> ToolDefinition.of("get_weather", "", "{\"type\":\"object\"}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool get_weather");
    }

    @Test
    void refusesAToolSchemaThatIsNotAnObject() {
        assertThatThrownBy(() -> ToolDefinition.of("f", "", "[1, 2]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool f").hasMessageContaining("JSON object");
        assertThatThrownBy(() -> ToolDefinition.of(" ", "", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givesAToolWithoutParametersAnEmptyObjectSchema() {
        ToolDefinition t = ToolDefinition.of("now", null, null);

        assertThat(t.parametersSchema()).isEqualTo("{\"type\":\"object\",\"properties\":{}}");
        assertThat(t.description()).isEmpty();
        assertThat(t.strict()).isFalse();
    }

    @Test
    void refusesAResponseSchemaThatIsNotAJsonObject() {
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("answer", "{\"type\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("response schema answer");
    }

    // --- Content.Image ---------------------------------------------------------------------------------------

    @Test
    void requiresExactlyOneOfUrlAndInlineData() {
        assertThatThrownBy(() -> new Content.Image(null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new Content.Image("https://example.test/a.png", "image/png", "iVBORw0KGgo="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Content.imageBase64(null, "iVBORw0KGgo=")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("media type");
    }

    @Test
    void refusesABlankUrlOrBlankData() {
        assertThatThrownBy(() -> Content.imageUrl(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Content.imageBase64("image/png", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsInlineDataFromABase64DataUrl() {
        Content.Image image = Content.imageUrl("data:image/png;base64,iVBORw0KGgo=");

        assertThat(image.inlineData()).contains(new Content.InlineData("image/png", "iVBORw0KGgo="));
        assertThat(image.toDataUrl()).isEqualTo("data:image/png;base64,iVBORw0KGgo=");
        assertThat(image.toString()).isEqualTo("Image[data URL]");
    }

    @Test
    void readsTheMediaTypeOfADataUrlWithoutItsParameters() {
        Content.Image image = Content.imageUrl("data:image/jpeg;name=cat.jpg;base64,/9j/4AAQ");

        assertThat(image.inlineData()).contains(new Content.InlineData("image/jpeg", "/9j/4AAQ"));
    }

    @Test
    void hasNoInlineDataForARemoteUrlOrANonBase64DataUrl() {
        assertThat(Content.imageUrl("https://example.test/cat.png").inlineData()).isEmpty();
        assertThat(Content.imageUrl("data:image/svg+xml,%3Csvg%2F%3E").inlineData()).isEmpty();
    }

    @Test
    void turnsInlineDataIntoADataUrl() {
        Content.Image image = Content.imageBase64("image/webp", "UklGRg==");

        assertThat(image.toDataUrl()).isEqualTo("data:image/webp;base64,UklGRg==");
        assertThat(image.inlineData()).contains(new Content.InlineData("image/webp", "UklGRg=="));
        assertThat(image.url()).isNull();
        assertThat(image.toString()).isEqualTo("Image[image/webp inline]").doesNotContain("UklGRg");
    }

    // --- Message ---------------------------------------------------------------------------------------------

    @Test
    void onlyAnAssistantMessageCarriesReasoningBlocks() {
        ReasoningBlock block = ReasoningBlock.thinking("anthropic", "hmm", "EqQBCgIY");

        assertThatThrownBy(() -> new Message(Role.USER, List.of(Content.text("hi")), List.of(), null, null, List.of(block)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("assistant");
        Message answer = Message.assistant("42", List.of(), List.of(block));
        assertThat(answer.reasoningBlocks()).containsExactly(block);
        assertThat(answer.withTextAppended(" and more").reasoningBlocks()).containsExactly(block);
        assertThat(Message.assistant("42").reasoningBlocks()).isEmpty();
    }

    @Test
    void aReasoningBlockNeverShowsItsSignatureOrDataWhenPrinted() {
        ReasoningBlock signed = ReasoningBlock.thinking("anthropic", "The user wants the weather.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3h");
        ReasoningBlock redacted = ReasoningBlock.redacted("anthropic", "EmwKAhgBEgy3va3pzix");
        ReasoningBlock onCall = ReasoningBlock.signature("gemini", "CtwBAdHtim8Q", "call_1");

        assertThat(signed.toString()).doesNotContain("EqQBCgIY").contains("anthropic").contains("signed");
        assertThat(redacted.toString()).doesNotContain("EmwKAhgB").contains("redacted");
        assertThat(onCall.toString()).doesNotContain("CtwBAdHt").contains("call_1");
        assertThat(onCall.isFrom("gemini")).isTrue();
        assertThat(onCall.isFrom("anthropic")).isFalse();
        assertThat(signed.signature()).contains("EqQBCgIYAhIM1gbcDa9GJwZA2b3h");
        assertThat(ReasoningBlock.thinking("gemini", "a summary", null).signature()).isEmpty();
        assertThatThrownBy(() -> ReasoningBlock.signature("gemini", " ", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature");
    }

    @Test
    void requiresAToolMessageToNameTheCallItAnswers() {
        assertThatThrownBy(() -> new Message(Role.TOOL, List.of(Content.text("22 C")), List.of(), null, "get_weather"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id of the call");
        assertThatThrownBy(() -> Message.toolResult(" ", "get_weather", "22 C"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id of the call");
        assertThat(Message.toolResult("call_1", "get_weather", "22 C").toolCallId()).isEqualTo("call_1");
    }

    @Test
    void letsOnlyAnAssistantMessageCarryToolCalls() {
        List<ToolCall> calls = List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));

        assertThatThrownBy(() -> new Message(Role.USER, List.of(), calls, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("assistant");
        assertThat(Message.assistant(null, calls).toolCalls()).isEqualTo(calls);
        assertThat(Message.assistant("", calls).content()).isEmpty();
    }

    @Test
    void joinsTheTextPartsOfAMessage() {
        Message m = Message.user(Content.text("Look: "), Content.imageUrl("https://example.test/a.png"), Content.text("what is it?"));

        assertThat(m.text()).isEqualTo("Look: what is it?");
        assertThat(m.hasImages()).isTrue();
        assertThat(m.withTextAppended(" Quickly.").text()).isEqualTo("Look: what is it? Quickly.");
        assertThat(Message.assistant("x", List.of()).text()).isEqualTo("x");
    }

    // --- ToolCall --------------------------------------------------------------------------------------------

    @Test
    void parsesToolCallArguments() {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\",\"days\":3}");

        assertThat(call.argumentsAsMap().get("city")).isEqualTo("Paris");
        assertThat(call.argumentsAsMap().get("days")).isEqualTo(3);
    }

    @Test
    void readsBlankArgumentsAsAnEmptyObject() {
        assertThat(new ToolCall("c", "now", "").arguments()).isEqualTo("{}");
        assertThat(new ToolCall("c", "now", null).argumentsAsMap()).isEmpty();
    }

    @Test
    void failsWithIllegalStateNamingTheToolWhenTheModelWroteInvalidArguments() {
        ToolCall truncated = new ToolCall("call_1", "get_weather", "{\"city\":\"Par");
        ToolCall trailing = new ToolCall("call_2", "get_time", "{\"tz\":\"UTC\"} {\"tz\":\"CET\"}");

        assertThatThrownBy(truncated::argumentsAsMap)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tool call get_weather");
        assertThatThrownBy(trailing::argumentsAsMap)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tool call get_time");
    }

    // --- Usage -----------------------------------------------------------------------------------------------

    @Test
    void addsUsageFieldByField() {
        Usage a = Usage.builder().inputTokens(10).outputTokens(5).cachedInputTokens(2).reasoningTokens(1).build();
        Usage b = Usage.builder().inputTokens(3).outputTokens(4).cachedInputTokens(1).build();

        Usage sum = a.plus(b);

        assertThat(sum).isEqualTo(Usage.builder().inputTokens(13).outputTokens(9).cachedInputTokens(3).reasoningTokens(1).build());
        assertThat(sum.totalTokens()).isEqualTo(22);
        assertThat(Usage.NONE.plus(Usage.of(1, 2))).isEqualTo(Usage.of(1, 2));
    }

    @Test
    void refusesNegativeTokenCounts() {
        assertThatThrownBy(() -> Usage.builder().inputTokens(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input -1");
        assertThat(Usage.of(3, 4).toBuilder().reasoningTokens(2).build())
                .isEqualTo(Usage.builder().inputTokens(3).outputTokens(4).reasoningTokens(2).build());
    }

    // --- EmbeddingRequest ------------------------------------------------------------------------------------

    @Test
    void refusesAnEmbeddingRequestWithoutInputsOrWithZeroDimensions() {
        assertThatThrownBy(EmbeddingRequest::of).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input");
        assertThatThrownBy(() -> new EmbeddingRequest(null, List.of("a"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimensions");
        assertThat(EmbeddingRequest.of("a", "b").withModel("m").model()).isEqualTo("m");
    }
}
