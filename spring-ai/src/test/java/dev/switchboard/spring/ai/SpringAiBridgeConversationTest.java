package dev.switchboard.spring.ai;

import dev.switchboard.api.LlmException;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.BridgeConversationContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * The shared bridge conversation, Spring AI's way: {@code ChatModel.call} and its {@code Flux} stream for text,
 * a {@code ChatClient} with a {@code @Tool} object for the tool round trip (run by Spring AI's tool calling
 * manager) and {@code ChatClient.entity} over a JSON Schema response format for the structured answer.
 */
class SpringAiBridgeConversationTest extends BridgeConversationContract {

    private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"temperature_c\":{\"type\":\"integer\"}},\"required\":[\"city\",\"temperature_c\"]}";

    private Switchboard sb;

    @Override
    protected LlmProvider openRoute(String config) {
        sb = Switchboard.builder().env(Map.of()).config(config).build();
        return sb.route("default");
    }

    @Override
    protected void closeSwitchboard() {
        sb.close();
    }

    private static Answer answer(ChatResponse r, String text) {
        return new Answer(text, r.getResult().getMetadata().getFinishReason(),
                r.getMetadata().getUsage().getPromptTokens(), r.getMetadata().getUsage().getCompletionTokens());
    }

    @Override
    protected Answer chat(LlmProvider route, String userText) {
        ChatResponse r = new SwitchboardSpringAiChatModel(route).call(new Prompt(userText));
        return answer(r, r.getResult().getOutput().getText());
    }

    @Override
    protected Streamed stream(LlmProvider route, String userText) {
        List<ChatResponse> chunks = new SwitchboardSpringAiChatModel(route).stream(new Prompt(userText))
                .collectList().block(Duration.ofSeconds(30));
        List<String> pieces = chunks.stream().map(c -> c.getResult().getOutput().getText())
                .filter(t -> t != null && !t.isEmpty()).toList();
        return new Streamed(pieces, answer(chunks.get(chunks.size() - 1), String.join("", pieces)));
    }

    static final class WeatherTools {
        private final List<String> asked;

        WeatherTools(List<String> asked) {
            this.asked = asked;
        }

        @Tool(name = "get_current_weather", description = "Get the current weather in a given location")
        String getCurrentWeather(@ToolParam(description = "the city and state") String location) {
            asked.add(location);
            return TOOL_RESULT;
        }
    }

    @Override
    protected String askWithWeatherTool(LlmProvider route, String userText, List<String> asked) {
        return ChatClient.create(new SwitchboardSpringAiChatModel(route)).prompt(userText)
                .tools(new WeatherTools(asked)).call().content();
    }

    record Weather(String city, int temperature_c) {}

    @Override
    protected CityWeather askForWeather(LlmProvider route, String userText) {
        SwitchboardChatOptions options = new SwitchboardChatOptions();
        options.setResponseFormat(ResponseFormat.jsonSchema("weather", WEATHER_SCHEMA));
        Weather w = ChatClient.create(new SwitchboardSpringAiChatModel(route)).prompt(userText).options(options)
                .call().entity(Weather.class);
        return new CityWeather(w.city(), w.temperature_c());
    }

    @Override
    protected Class<? extends Throwable> authenticationFailure() {
        return LlmException.class; // Spring AI's core has no exception family of its own
    }
}
