package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatRequestTest {

    private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Weather for a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    @Test
    void refusesARequestWithoutMessages() {
        assertThatThrownBy(() -> ChatRequest.builder().model("m").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one message");
    }

    @ParameterizedTest(name = "temperature {0}")
    @ValueSource(doubles = {-0.1, 2.01, Double.NaN, Double.POSITIVE_INFINITY})
    void refusesATemperatureOutsideZeroToTwo(double t) {
        assertThatThrownBy(() -> ChatRequest.builder().temperature(t))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
    }

    @ParameterizedTest(name = "temperature {0}")
    @ValueSource(doubles = {0, 0.7, 2})
    void acceptsATemperatureFromZeroToTwo(double t) {
        assertThat(ChatRequest.builder().user("hi").temperature(t).build().temperature()).hasValue(t);
    }

    @ParameterizedTest(name = "top-p {0}")
    @ValueSource(doubles = {0, -1, 1.0001, Double.NaN})
    void refusesATopPOutsideZeroExclusiveToOne(double p) {
        assertThatThrownBy(() -> ChatRequest.builder().topP(p))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top-p");
    }

    @Test
    void acceptsTopPUpToOne() {
        assertThat(ChatRequest.builder().user("hi").topP(1.0).build().topP()).hasValue(1.0);
        assertThat(ChatRequest.builder().user("hi").topP(0.01).build().topP()).hasValue(0.01);
    }

    @Test
    void refusesMaxOutputTokensBelowOne() {
        assertThatThrownBy(() -> ChatRequest.builder().maxOutputTokens(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max output tokens");
        assertThat(ChatRequest.builder().user("hi").maxOutputTokens(1).build().maxOutputTokens()).hasValue(1);
    }

    @Test
    void refusesAToolChoiceNamingAToolThatIsNotOffered() {
        assertThatThrownBy(() -> ChatRequest.builder().user("hi").addTool(WEATHER)
                .toolChoice(ToolChoice.function("get_time")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'get_time'");
        assertThatThrownBy(() -> ChatRequest.builder().user("hi").toolChoice(ToolChoice.function("get_weather")).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsAToolChoiceNamingAnOfferedTool() {
        ChatRequest r = ChatRequest.builder().user("hi").addTool(WEATHER).toolChoice(ToolChoice.function("get_weather")).build();

        assertThat(r.toolChoice()).contains(ToolChoice.function("get_weather"));
    }

    @Test
    void leavesUnsetOptionsEmpty() {
        ChatRequest r = ChatRequest.of("Hello!");

        assertThat(r.model()).isEmpty();
        assertThat(r.temperature()).isEmpty();
        assertThat(r.topP()).isEmpty();
        assertThat(r.maxOutputTokens()).isEmpty();
        assertThat(r.seed()).isEmpty();
        assertThat(r.toolChoice()).isEmpty();
        assertThat(r.responseFormat()).isEmpty();
        assertThat(r.stop()).isEmpty();
        assertThat(r.modelOr("default-model")).isEqualTo("default-model");
        assertThat(r.messages()).containsExactly(Message.user("Hello!"));
    }

    @Test
    void roundTripsThroughToBuilder() {
        // given: every option set
        ChatRequest original = ChatRequest.builder()
                .model("gpt-4o")
                .system("Be brief.")
                .addMessage(Message.user(Content.text("What is this?"), Content.imageUrl("https://example.test/cat.png")))
                .addTool(WEATHER)
                .toolChoice(ToolChoice.function("get_weather"))
                .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}"))
                .temperature(0.2)
                .topP(0.9)
                .maxOutputTokens(256)
                .stop(List.of("END"))
                .seed(7L)
                .providerParameter("repetition_penalty", 1.1)
                .build();

        // when
        ChatRequest copy = original.toBuilder().build();
        ChatRequest changed = original.toBuilder().model("other").temperature(null).build();

        // then
        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.hasImages()).isTrue();
        assertThat(changed.model()).contains("other");
        assertThat(changed.temperature()).isEmpty();
        assertThat(changed.messages()).isEqualTo(original.messages());
        assertThat(original.model()).contains("gpt-4o");
    }

    @Test
    void isNotChangedByTheBuilderOrTheListsItWasGiven() {
        List<Message> messages = new ArrayList<>(List.of(Message.user("a")));
        ChatRequest.Builder builder = ChatRequest.builder().messages(messages);
        ChatRequest r = builder.build();

        messages.add(Message.user("b"));
        builder.user("c");

        assertThat(r.messages()).containsExactly(Message.user("a"));
        assertThatThrownBy(() -> r.messages().add(Message.user("d"))).isInstanceOf(UnsupportedOperationException.class);
    }
}
