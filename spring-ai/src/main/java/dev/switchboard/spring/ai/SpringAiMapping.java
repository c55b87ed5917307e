package dev.switchboard.spring.ai;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Message;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;

/** Spring AI's prompts as Switchboard's requests, and Switchboard's answers as Spring AI's responses. */
final class SpringAiMapping {

    private SpringAiMapping() {}

    static ChatRequest request(Prompt prompt, List<org.springframework.ai.tool.definition.ToolDefinition> tools) {
        ChatRequest.Builder b = ChatRequest.builder();
        for (org.springframework.ai.chat.messages.Message m : prompt.getInstructions()) {
            if (m instanceof ToolResponseMessage t) {
                for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
                    b.addMessage(Message.toolResult(r.id(), r.name(), r.responseData()));
                }
            } else {
                b.addMessage(message(m));
            }
        }
        ChatOptions o = prompt.getOptions();
        if (o != null) {
            b.model(o.getModel()).temperature(o.getTemperature()).topP(o.getTopP()).maxOutputTokens(o.getMaxTokens());
            if (o.getStopSequences() != null) {
                b.stop(o.getStopSequences());
            }
            if (o.getTopK() != null) {
                b.providerParameter("top_k", o.getTopK());
            }
            if (o.getFrequencyPenalty() != null) {
                b.providerParameter("frequency_penalty", o.getFrequencyPenalty());
            }
            if (o.getPresencePenalty() != null) {
                b.providerParameter("presence_penalty", o.getPresencePenalty());
            }
            if (o instanceof SwitchboardChatOptions s && s.getResponseFormat() != null) {
                b.responseFormat(s.getResponseFormat());
            }
        }
        for (org.springframework.ai.tool.definition.ToolDefinition t : tools) {
            b.addTool(ToolDefinition.of(t.name(), t.description() == null ? "" : t.description(), t.inputSchema()));
        }
        return b.build();
    }

    private static Message message(org.springframework.ai.chat.messages.Message m) {
        if (m instanceof SystemMessage s) {
            return Message.system(s.getText());
        }
        if (m instanceof UserMessage u) {
            List<Content> parts = new ArrayList<>();
            if (u.getText() != null && !u.getText().isEmpty()) {
                parts.add(Content.text(u.getText()));
            }
            for (Media media : u.getMedia()) {
                parts.add(image(media));
            }
            return Message.user(parts.toArray(Content[]::new));
        }
        if (m instanceof AssistantMessage a) {
            List<ToolCall> calls = new ArrayList<>();
            for (AssistantMessage.ToolCall c : a.getToolCalls()) {
                calls.add(new ToolCall(c.id(), c.name(), c.arguments() == null ? "{}" : c.arguments()));
            }
            return Message.assistant(a.getText(), calls);
        }
        throw new IllegalArgumentException("switchboard: Spring AI messages of type " + m.getMessageType()
                + " are not supported");
    }

    private static Content image(Media media) {
        if (!"image".equals(media.getMimeType().getType())) {
            throw new IllegalArgumentException("switchboard: media of type " + media.getMimeType()
                    + " is not supported; send text and images");
        }
        Object data = media.getData();
        if (data instanceof String url) {
            return Content.imageUrl(url);
        }
        return Content.imageBase64(media.getMimeType().toString(),
                Base64.getEncoder().encodeToString(media.getDataAsByteArray()));
    }

    static ChatResponse response(dev.switchboard.api.ChatResponse r) {
        return new ChatResponse(List.of(generation(r.text(), r.toolCalls(), r.finishReason())), metadata(r.id(), r.model(), r.usage()));
    }

    static Generation generation(String text, List<ToolCall> toolCalls, FinishReason reason) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (ToolCall c : toolCalls) {
            calls.add(new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.arguments()));
        }
        AssistantMessage message = AssistantMessage.builder().content(text).toolCalls(calls).build();
        return reason == null ? new Generation(message)
                : new Generation(message, ChatGenerationMetadata.builder().finishReason(reason.name()).build());
    }

    static ChatResponseMetadata metadata(String id, String model, Usage usage) {
        ChatResponseMetadata.Builder b = new ChatResponseMetadata.Builder().id(id == null ? "" : id)
                .model(model == null ? "" : model);
        if (usage != null) {
            b.usage(new DefaultUsage(Math.toIntExact(usage.inputTokens()), Math.toIntExact(usage.outputTokens()),
                    Math.toIntExact(usage.totalTokens())));
        }
        return b.build();
    }
}
