package dev.switchboard.spring.ai;

import dev.switchboard.api.ResponseFormat;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;

/**
 * Spring AI's portable chat options (with tools) plus what Spring AI keeps in each provider's own options: the
 * response format, so structured JSON output works whatever provider answers.
 *
 * <pre>{@code
 * SwitchboardChatOptions options = new SwitchboardChatOptions();
 * options.setResponseFormat(ResponseFormat.jsonSchema("weather", schemaJson));
 * chatModel.call(new Prompt("Weather in Paris as JSON", options));
 * }</pre>
 */
public class SwitchboardChatOptions extends DefaultToolCallingChatOptions {

    private ResponseFormat responseFormat;

    /** The response format asked of the model (text, a JSON object, or JSON following a schema); null: none. */
    public ResponseFormat getResponseFormat() {
        return responseFormat;
    }

    public void setResponseFormat(ResponseFormat responseFormat) {
        this.responseFormat = responseFormat;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends ChatOptions> T copy() {
        SwitchboardChatOptions c = new SwitchboardChatOptions();
        c.setModel(getModel());
        c.setTemperature(getTemperature());
        c.setTopP(getTopP());
        c.setTopK(getTopK());
        c.setMaxTokens(getMaxTokens());
        c.setStopSequences(getStopSequences());
        c.setFrequencyPenalty(getFrequencyPenalty());
        c.setPresencePenalty(getPresencePenalty());
        c.setToolCallbacks(getToolCallbacks());
        c.setToolNames(getToolNames());
        c.setInternalToolExecutionEnabled(getInternalToolExecutionEnabled());
        c.setToolContext(getToolContext());
        c.setResponseFormat(responseFormat);
        return (T) c;
    }
}
