package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Content;
import dev.switchboard.api.Message;
import dev.switchboard.api.Role;
import dev.switchboard.api.ToolCall;
import dev.switchboard.internal.ReusedJsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code POST /v1/chat/completions} body straight from its bytes into a {@link OpenAiServerCodec.ChatCall},
 * with a streaming parser: no JSON tree of the whole body. It reads the bodies clients usually send, well-formed and
 * valid; whatever it is not sure of — a syntax error, a field of an unexpected type, a duplicate field, a value the
 * request would be refused for — makes it give up (null), and the caller reads the body as a tree with
 * {@link OpenAiServerCodec#readChatRequest}, which answers every such body as it always did, with the same error.
 * So this class holds no error messages: it only has to agree with the tree reader on bodies both accept.
 *
 * <p>Values passed on as JSON (tool definitions, {@code tool_choice}, {@code response_format}, tool calls, content
 * parts, other fields kept as provider parameters) are read as small trees and handed to the tree reader's own
 * methods for them, so they come out the same.
 */
final class ChatBodyReader {

    /** Gives up on a body: the caller reads it as a tree. Thrown without a stack trace, caught in {@link #read}. */
    private static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    // Top-level fields the request is read from; a second occurrence of any is a give-up (the tree keeps the last).
    private static final int MODEL = 1;
    private static final int MESSAGES = 1 << 1;
    private static final int TOOLS = 1 << 2;
    private static final int TOOL_CHOICE = 1 << 3;
    private static final int RESPONSE_FORMAT = 1 << 4;
    private static final int TEMPERATURE = 1 << 5;
    private static final int TOP_P = 1 << 6;
    private static final int MAX_TOKENS = 1 << 7;
    private static final int MAX_COMPLETION_TOKENS = 1 << 8;
    private static final int STOP = 1 << 9;
    private static final int SEED = 1 << 10;
    private static final int STREAM = 1 << 11;
    private static final int STREAM_OPTIONS = 1 << 12;
    private static final int N = 1 << 13;

    private ChatBodyReader() {}

    /** The call {@code body[0, length)} asks for, or null when the tree reader must read it. */
    static OpenAiServerCodec.@Nullable ChatCall read(byte[] body, int length) {
        try (JsonParser p = ReusedJsonParser.open(body, 0, length)) {
            return readCall(p);
        } catch (GiveUp | IOException | RuntimeException e) {
            return null; // the tree reader gives the answer, an error or the same call
        }
    }

    private static OpenAiServerCodec.ChatCall readCall(JsonParser p) throws IOException, GiveUp {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        ChatRequest.Builder b = ChatRequest.builder();
        String model = null;
        boolean stream = false;
        JsonNode streamOptions = null;
        Integer maxTokens = null;
        Integer maxCompletionTokens = null;
        /** Other fields, in the body's order, to pass on; a null value (JSON null) is one to leave out. */
        Map<String, JsonNode> others = null;
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            int bit = bit(field);
            if ((seen & bit) != 0) {
                throw GiveUp.INSTANCE;
            }
            seen |= bit;
            switch (field) {
                case "model" -> model = string(p, v);
                case "messages" -> readMessages(p, v, b);
                case "tools" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v, JsonToken.START_ARRAY);
                        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                            b.addTool(OpenAiServerCodec.readTool(p.readValueAsTree(), "tools[" + i + "]"));
                        }
                    }
                }
                case "tool_choice" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        b.toolChoice(OpenAiServerCodec.readToolChoice(p.readValueAsTree()));
                    }
                }
                case "response_format" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        b.responseFormat(OpenAiServerCodec.readResponseFormat(p.readValueAsTree()));
                    }
                }
                case "temperature" -> b.temperature(number(p, v));
                case "top_p" -> b.topP(number(p, v));
                case "max_tokens" -> maxTokens = integer(p, v);
                case "max_completion_tokens" -> maxCompletionTokens = integer(p, v);
                case "seed" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v, JsonToken.VALUE_NUMBER_INT);
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            throw GiveUp.INSTANCE;
                        }
                        b.seed(p.getLongValue());
                    }
                }
                case "stop" -> b.stop(readStop(p, v));
                case "stream" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        stream = bool(v);
                    }
                }
                case "stream_options" -> streamOptions = p.readValueAsTree();
                case "n" -> {
                    if (v != JsonToken.VALUE_NULL && (v != JsonToken.VALUE_NUMBER_INT
                            || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() != 1)) {
                        throw GiveUp.INSTANCE;
                    }
                }
                case "functions", "function_call" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        throw GiveUp.INSTANCE; // refused
                    }
                }
                default -> {
                    if (others == null) {
                        others = new LinkedHashMap<>();
                    } else if (others.containsKey(field)) {
                        throw GiveUp.INSTANCE;
                    }
                    others.put(field, v == JsonToken.VALUE_NULL ? null : p.readValueAsTree());
                }
            }
        }
        if (model == null || (seen & MESSAGES) == 0) {
            throw GiveUp.INSTANCE;
        }
        b.maxOutputTokens(maxCompletionTokens != null ? maxCompletionTokens : maxTokens);
        if (others != null) {
            for (Map.Entry<String, JsonNode> o : others.entrySet()) {
                if (o.getValue() != null) {
                    b.providerParameter(o.getKey(), o.getValue());
                }
            }
        }
        boolean includeUsage = stream && streamOptions != null
                && streamOptions.path("include_usage").asBoolean(false);
        return new OpenAiServerCodec.ChatCall(model, b.build(), stream, includeUsage);
    }

    private static int bit(String field) {
        return switch (field) {
            case "model" -> MODEL;
            case "messages" -> MESSAGES;
            case "tools" -> TOOLS;
            case "tool_choice" -> TOOL_CHOICE;
            case "response_format" -> RESPONSE_FORMAT;
            case "temperature" -> TEMPERATURE;
            case "top_p" -> TOP_P;
            case "max_tokens" -> MAX_TOKENS;
            case "max_completion_tokens" -> MAX_COMPLETION_TOKENS;
            case "stop" -> STOP;
            case "seed" -> SEED;
            case "stream" -> STREAM;
            case "stream_options" -> STREAM_OPTIONS;
            case "n" -> N;
            default -> 0; // refused ones give up anyway; others are checked in their map
        };
    }

    private static void readMessages(JsonParser p, JsonToken v, ChatRequest.Builder b) throws IOException, GiveUp {
        expect(v, JsonToken.START_ARRAY);
        int count = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            b.addMessage(readMessage(p));
            count++;
        }
        if (count == 0) {
            throw GiveUp.INSTANCE;
        }
    }

    private static final int ROLE = 1;
    private static final int CONTENT = 1 << 1;
    private static final int TOOL_CALLS = 1 << 2;
    private static final int TOOL_CALL_ID = 1 << 3;
    private static final int NAME = 1 << 4;

    /** One message; the parser is at its start. Fields the tree reader does not read are skipped, as it ignores them. */
    private static Message readMessage(JsonParser p) throws IOException, GiveUp {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        Role role = null;
        List<Content> content = List.of();
        List<ToolCall> calls = List.of();
        String toolCallId = null;
        String name = null;
        boolean hasToolCalls = false;
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            int bit = switch (field) {
                case "role" -> ROLE;
                case "content" -> CONTENT;
                case "tool_calls" -> TOOL_CALLS;
                case "tool_call_id" -> TOOL_CALL_ID;
                case "name" -> NAME;
                default -> 0;
            };
            if ((seen & bit) != 0) {
                throw GiveUp.INSTANCE;
            }
            seen |= bit;
            switch (field) {
                case "role" -> role = role(p, v);
                case "content" -> content = readContent(p, v);
                case "tool_calls" -> {
                    hasToolCalls = v != JsonToken.VALUE_NULL;
                    calls = readToolCalls(p, v);
                }
                case "tool_call_id" -> toolCallId = v == JsonToken.VALUE_NULL ? null : string(p, v);
                case "name" -> name = v == JsonToken.VALUE_NULL ? null : string(p, v);
                default -> p.skipChildren();
            }
        }
        if (role == null) {
            throw GiveUp.INSTANCE;
        }
        if (hasToolCalls && role != Role.ASSISTANT
                || role == Role.TOOL && toolCallId == null
                || role != Role.ASSISTANT && content.isEmpty()) {
            throw GiveUp.INSTANCE;
        }
        return new Message(role, content, calls, role == Role.TOOL ? toolCallId : null, name);
    }

    /**
     * A message's role, matched on the parser's characters: the role's text is not kept, so no string is made of it
     * (two per request, most requests being a system and a user message).
     */
    private static Role role(JsonParser p, JsonToken v) throws IOException, GiveUp {
        expect(v, JsonToken.VALUE_STRING);
        char[] text = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        if (is("user", text, offset, length)) {
            return Role.USER;
        }
        if (is("system", text, offset, length) || is("developer", text, offset, length)) {
            return Role.SYSTEM;
        }
        if (is("assistant", text, offset, length)) {
            return Role.ASSISTANT;
        }
        if (is("tool", text, offset, length)) {
            return Role.TOOL;
        }
        throw GiveUp.INSTANCE; // the tree reader refuses it, naming it
    }

    private static boolean is(String expected, char[] text, int offset, int length) {
        if (length != expected.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (text[offset + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static List<Content> readContent(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (v == JsonToken.VALUE_STRING) {
            return List.of(Content.text(p.getText()));
        }
        expect(v, JsonToken.START_ARRAY);
        List<Content> parts = new ArrayList<>(2);
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            parts.add(OpenAiServerCodec.readPart(p.readValueAsTree(), "content[" + i + "]"));
        }
        return parts;
    }

    private static List<ToolCall> readToolCalls(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(v, JsonToken.START_ARRAY);
        List<ToolCall> calls = new ArrayList<>(2);
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            calls.add(OpenAiServerCodec.readToolCall(p.readValueAsTree(), "tool_calls[" + i + "]"));
        }
        return calls;
    }

    private static List<String> readStop(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (v == JsonToken.VALUE_STRING) {
            return List.of(p.getText());
        }
        expect(v, JsonToken.START_ARRAY);
        List<String> stop = new ArrayList<>(4);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            stop.add(string(p, p.currentToken()));
        }
        return stop;
    }

    private static String string(JsonParser p, JsonToken v) throws IOException, GiveUp {
        expect(v, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static @Nullable Double number(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw GiveUp.INSTANCE;
        }
        return p.getDoubleValue();
    }

    private static @Nullable Integer integer(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw GiveUp.INSTANCE;
        }
        return p.getIntValue();
    }

    private static boolean bool(JsonToken v) throws GiveUp {
        if (v == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (v == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw GiveUp.INSTANCE; // the tree reader reads "true", 1, ... as it always did
    }

    private static void expect(@Nullable JsonToken actual, JsonToken expected) throws GiveUp {
        if (actual != expected) {
            throw GiveUp.INSTANCE;
        }
    }
}
