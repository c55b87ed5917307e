package dev.switchboard.opentelemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.Content;
import dev.switchboard.api.Message;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import java.util.Locale;

/**
 * Prompts and answers as the GenAI conventions' JSON forms ({@code gen-ai-input-messages.json},
 * {@code gen-ai-output-messages.json}, system instructions as a list of parts), recorded on spans as JSON strings.
 * Only used when content capture is on. Images are recorded as a part of type {@code uri} (or {@code blob} without
 * its data), never with inline bytes.
 */
final class ContentJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ContentJson() {}

    static String systemInstructions(ChatRequest request) {
        ArrayNode parts = JSON.createArrayNode();
        for (Message m : request.messages()) {
            if (m.role() == Role.SYSTEM) {
                parts.addObject().put("type", "text").put("content", m.text());
            }
        }
        return parts.isEmpty() ? "" : parts.toString();
    }

    static String inputMessages(ChatRequest request) {
        ArrayNode messages = JSON.createArrayNode();
        for (Message m : request.messages()) {
            if (m.role() != Role.SYSTEM) {
                messages.add(message(m));
            }
        }
        return messages.toString();
    }

    static String outputMessages(ChatResponse response) {
        ObjectNode m = message(response.message());
        m.put("finish_reason", GenAi.finishReason(response.finishReason()));
        return JSON.createArrayNode().add(m).toString();
    }

    private static ObjectNode message(Message m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("role", m.role().name().toLowerCase(Locale.ROOT));
        ArrayNode parts = node.putArray("parts");
        if (m.role() == Role.TOOL) {
            ObjectNode part = parts.addObject().put("type", "tool_call_response");
            if (m.toolCallId() != null) {
                part.put("id", m.toolCallId());
            }
            part.put("response", m.text());
            return node;
        }
        for (Content c : m.content()) {
            if (c instanceof Content.Text t) {
                parts.addObject().put("type", "text").put("content", t.text());
            } else if (c instanceof Content.Image i) {
                if (i.url() != null && !i.url().startsWith("data:")) {
                    parts.addObject().put("type", "uri").put("modality", "image").put("uri", i.url());
                } else {
                    ObjectNode blob = parts.addObject().put("type", "blob").put("modality", "image");
                    i.inlineData().ifPresent(d -> blob.put("mime_type", d.mediaType()));
                }
            }
        }
        for (ToolCall call : m.toolCalls()) {
            parts.addObject().put("type", "tool_call").put("id", call.id()).put("name", call.name())
                    .set("arguments", arguments(call.arguments()));
        }
        return node;
    }

    /** Arguments as JSON when they parse, else as the text the model sent. */
    private static JsonNode arguments(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
