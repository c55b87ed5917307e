package dev.switchboard.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Message;
import dev.switchboard.api.ResponseFormat;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolChoice;
import dev.switchboard.api.ToolDefinition;
import dev.switchboard.api.Usage;
import java.util.ArrayList;
import java.util.List;

/** LangChain4j's requests as Switchboard's, and Switchboard's answers as LangChain4j's. */
final class Lc4jMapping {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

    private Lc4jMapping() {}

    static ChatRequest request(dev.langchain4j.model.chat.request.ChatRequest in) {
        ChatRequest.Builder b = ChatRequest.builder();
        for (ChatMessage m : in.messages()) {
            b.addMessage(message(m));
        }
        ChatRequestParameters p = in.parameters();
        b.model(p.modelName()).temperature(p.temperature()).topP(p.topP()).maxOutputTokens(p.maxOutputTokens());
        if (p.stopSequences() != null) {
            b.stop(p.stopSequences());
        }
        // Sampling settings Switchboard's request has no field for travel as the OpenAI-style parameters.
        if (p.topK() != null) {
            b.providerParameter("top_k", p.topK());
        }
        if (p.frequencyPenalty() != null) {
            b.providerParameter("frequency_penalty", p.frequencyPenalty());
        }
        if (p.presencePenalty() != null) {
            b.providerParameter("presence_penalty", p.presencePenalty());
        }
        if (p.toolSpecifications() != null) {
            for (ToolSpecification t : p.toolSpecifications()) {
                b.addTool(new ToolDefinition(t.name(), t.description() == null ? "" : t.description(),
                        t.parameters() == null ? EMPTY_OBJECT_SCHEMA : schema(t.parameters()),
                        Boolean.TRUE.equals(t.strict())));
            }
        }
        if (p.toolChoice() != null) {
            switch (p.toolChoice()) {
                case AUTO -> b.toolChoice(new ToolChoice.Auto());
                case REQUIRED -> b.toolChoice(new ToolChoice.Required());
                case NONE -> b.toolChoice(new ToolChoice.None());
            }
        }
        dev.langchain4j.model.chat.request.ResponseFormat format = p.responseFormat();
        if (format != null) {
            if (format.type() == ResponseFormatType.TEXT) {
                b.responseFormat(new ResponseFormat.Text());
            } else if (format.jsonSchema() == null) {
                b.responseFormat(new ResponseFormat.JsonObject());
            } else {
                String name = format.jsonSchema().name() == null ? "response" : format.jsonSchema().name();
                b.responseFormat(ResponseFormat.jsonSchema(name, schema(format.jsonSchema().rootElement())));
            }
        }
        return b.build();
    }

    private static Message message(ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return Message.system(s.text());
        }
        if (m instanceof UserMessage u) {
            List<Content> parts = new ArrayList<>();
            for (dev.langchain4j.data.message.Content c : u.contents()) {
                if (c instanceof TextContent t) {
                    parts.add(Content.text(t.text()));
                } else if (c instanceof ImageContent i) {
                    Image image = i.image();
                    parts.add(image.url() != null ? Content.imageUrl(image.url().toString())
                            : Content.imageBase64(image.mimeType(), image.base64Data()));
                } else {
                    throw new UnsupportedFeatureException("switchboard: user content of type " + c.type()
                            + " is not supported; send text and images");
                }
            }
            return Message.user(parts.toArray(Content[]::new));
        }
        if (m instanceof AiMessage a) {
            List<ToolCall> calls = new ArrayList<>();
            for (ToolExecutionRequest r : a.toolExecutionRequests()) {
                calls.add(new ToolCall(r.id(), r.name(), r.arguments() == null ? "{}" : r.arguments()));
            }
            return Message.assistant(a.text(), calls);
        }
        if (m instanceof ToolExecutionResultMessage r) {
            return Message.toolResult(r.id(), r.toolName(), r.text());
        }
        throw new UnsupportedFeatureException("switchboard: messages of type " + m.type() + " are not supported");
    }

    private static String schema(JsonSchemaElement element) {
        try {
            return JSON.writeValueAsString(JsonSchemaElementUtils.toMap(element));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("switchboard: cannot write the JSON schema " + element, e);
        }
    }

    static dev.langchain4j.model.chat.response.ChatResponse response(ChatResponse r) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (ToolCall c : r.toolCalls()) {
            calls.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build());
        }
        String text = r.text().isEmpty() && !calls.isEmpty() ? null : r.text();
        AiMessage.Builder message = AiMessage.builder().text(text).toolExecutionRequests(calls);
        if (!r.reasoning().isEmpty()) {
            message.thinking(r.reasoning());
        }
        return dev.langchain4j.model.chat.response.ChatResponse.builder()
                .aiMessage(message.build())
                .metadata(ChatResponseMetadata.builder()
                        .id(r.id())
                        .modelName(r.model())
                        .tokenUsage(tokenUsage(r.usage()))
                        .finishReason(finishReason(r.finishReason()))
                        .build())
                .build();
    }

    static TokenUsage tokenUsage(Usage u) {
        return new TokenUsage(Math.toIntExact(u.inputTokens()), Math.toIntExact(u.outputTokens()),
                Math.toIntExact(u.totalTokens()));
    }

    static dev.langchain4j.model.output.FinishReason finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> dev.langchain4j.model.output.FinishReason.STOP;
            case LENGTH -> dev.langchain4j.model.output.FinishReason.LENGTH;
            case TOOL_CALLS -> dev.langchain4j.model.output.FinishReason.TOOL_EXECUTION;
            case CONTENT_FILTER -> dev.langchain4j.model.output.FinishReason.CONTENT_FILTER;
            default -> dev.langchain4j.model.output.FinishReason.OTHER;
        };
    }
}
