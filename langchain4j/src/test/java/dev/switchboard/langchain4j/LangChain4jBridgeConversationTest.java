package dev.switchboard.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.testkit.BridgeConversationContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared bridge conversation, LangChain4j's way: {@code ChatModel} and {@code StreamingChatModel} for text and
 * streams, an {@code AiServices} interface for the tool round trip (its {@code @Tool} method run by AiServices) and
 * for the structured answer (a record return type, which AiServices asks for as a JSON Schema).
 */
class LangChain4jBridgeConversationTest extends BridgeConversationContract {

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

    private static Answer answer(ChatResponse r) {
        return new Answer(r.aiMessage().text(), r.finishReason().name(), r.tokenUsage().inputTokenCount(),
                r.tokenUsage().outputTokenCount());
    }

    @Override
    protected Answer chat(LlmProvider route, String userText) {
        return answer(new SwitchboardChatModel(route).chat(ChatRequest.builder().messages(UserMessage.from(userText)).build()));
    }

    @Override
    protected Streamed stream(LlmProvider route, String userText) {
        List<String> pieces = new ArrayList<>();
        AtomicReference<ChatResponse> complete = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        // Pulled on this thread: chat(...) returns once the handler heard the end.
        new SwitchboardStreamingChatModel(route).chat(userText, new StreamingChatResponseHandler() {
            @Override public void onPartialResponse(String text) { pieces.add(text); }
            @Override public void onCompleteResponse(ChatResponse r) { complete.set(r); }
            @Override public void onError(Throwable t) { error.set(t); }
        });
        if (error.get() != null) {
            throw new AssertionError("the stream failed", error.get());
        }
        return new Streamed(pieces, answer(complete.get()));
    }

    interface Assistant {
        String chat(String message);
    }

    static final class WeatherTools {
        private final List<String> asked;

        WeatherTools(List<String> asked) {
            this.asked = asked;
        }

        @Tool("Get the current weather in a given location")
        String get_current_weather(@P(name = "location", value = "the city and state") String location) {
            asked.add(location);
            return TOOL_RESULT;
        }
    }

    @Override
    protected String askWithWeatherTool(LlmProvider route, String userText, List<String> asked) {
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(new SwitchboardChatModel(route))
                .tools(new WeatherTools(asked)).build();
        return assistant.chat(userText);
    }

    record Weather(String city, int temperature_c) {}

    interface Forecaster {
        Weather weather(String question);
    }

    @Override
    protected CityWeather askForWeather(LlmProvider route, String userText) {
        Weather w = AiServices.create(Forecaster.class, new SwitchboardChatModel(route)).weather(userText);
        return new CityWeather(w.city(), w.temperature_c());
    }

    @Override
    protected Class<? extends Throwable> authenticationFailure() {
        return AuthenticationException.class;
    }
}
