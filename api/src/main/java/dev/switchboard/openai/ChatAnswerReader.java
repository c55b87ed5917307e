package dev.switchboard.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Message;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.http.JsonReader;
import dev.switchboard.http.JsonReader.Token;
import dev.switchboard.http.Redactor;
import dev.switchboard.http.StandardErrorMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a non-streamed Chat Completions answer token by token into a {@link ChatResponse}, with no tree of the whole
 * answer: of {@code choices} only the first choice's message and finish reason are kept, {@code id}, {@code model} and
 * {@code usage} are read as they come, and a dialect with a {@code usage} of its own gets the top-level fields other
 * than {@code choices} as a small tree. Every value is read as {@link Json#text} and {@code asLong(0)} read it from a
 * tree (a number as its text, a missing or null one as absent), and for a repeated key the last wins, as in a tree; so
 * this gives what reading the answer's tree gave, which is why
 * {@link OpenAiWire#readChatResponse(JsonNode, String, String, OpenAiWire.Dialect, RateLimits)} reads a tree with it.
 */
final class ChatAnswerReader {

    private ChatAnswerReader() {}

    /** The first choice's parts; all absent when the choice or its message is not an object. */
    private static final class Choice {
        @Nullable String content;
        @Nullable String refusal;
        @Nullable String reasoning;
        @Nullable String reasoningContent;
        List<ToolCall> toolCalls = List.of();
        @Nullable String finishReason;
    }

    /**
     * Whether a dialect's {@code usage} is {@link OpenAiCompatible}'s own, which reads the {@code usage} object alone:
     * then that object is read straight into a {@link Usage} and the top-level fields nothing reads are skipped, so an
     * answer makes no tree at all. A dialect that overrides it (Groq reads {@code x_groq}) gets every top-level field
     * but {@code choices} as a tree.
     */
    private static final ClassValue<Boolean> STANDARD_USAGE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("usage", JsonNode.class).getDeclaringClass() == OpenAiCompatible.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    /** Top-level fields of OpenAI's chat completion that no part of the answer comes from. */
    private static final Set<String> UNREAD = Set.of("object", "created", "system_fingerprint", "service_tier");

    /** Reads the answer from the reader's current token (its first, if none has been read yet). */
    static ChatResponse read(JsonReader r, String provider, String requestedModel, OpenAiWire.Dialect d,
                             RateLimits limits) throws IOException {
        if (r.currentToken() == null) {
            r.nextToken();
        }
        if (r.currentToken() != Token.START_OBJECT) {
            throw noChoices(r.readTree(), provider);
        }
        boolean standardUsage = STANDARD_USAGE.get(d.getClass());
        // the top-level fields but choices: all of them for a dialect of its own, else those read below not
        ObjectNode rest = standardUsage ? null : Json.object();
        String id = null;
        String model = null;
        Usage.Builder usage = null; // built where the tree's was read: after the checks below, which fail first
        Choice choice = null;
        for (String field = r.nextFieldName(); field != null; field = r.nextFieldName()) {
            r.nextToken();
            if (field.equals("choices")) {
                choice = firstChoice(r);
            } else if (!standardUsage) {
                rest.set(field, r.readTree());
            } else if (field.equals("id")) {
                id = text(r);
            } else if (field.equals("model")) {
                model = text(r);
            } else if (field.equals("usage")) {
                usage = usage(r);
            } else if (UNREAD.contains(field)) {
                r.skipChildren();
            } else {
                // a field of the server's own, or an error object in a 200 answer (see noChoices)
                rest = rest == null ? Json.object() : rest;
                rest.set(field, r.readTree());
            }
        }
        if (!standardUsage) {
            id = Json.text(rest, "id");
            model = Json.text(rest, "model");
        }
        if (choice == null) {
            throw noChoices(rest == null ? Json.object() : rest, provider);
        }
        String text = choice.content;
        String refusal = choice.refusal == null || choice.refusal.isEmpty() ? null : choice.refusal;
        if (text == null || text.isEmpty()) {
            // A refusal replaces the content; the caller should see why there is no answer.
            text = refusal == null ? "" : refusal;
        }
        String reasoning = choice.reasoning != null ? choice.reasoning
                : choice.reasoningContent != null ? choice.reasoningContent : "";
        String raw = choice.finishReason;
        List<ToolCall> calls = choice.toolCalls;
        FinishReason reason = raw == null ? (calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS) : d.finishReason(raw);
        if (refusal != null && reason == FinishReason.STOP) {
            reason = FinishReason.CONTENT_FILTER; // the model refused: the text is no answer to parse
        }
        return ChatResponse.builder()
                .id(id)
                .model(model == null ? requestedModel : model)
                .provider(provider)
                .message(Message.assistant(text, calls))
                .reasoning(reasoning)
                .finishReason(reason)
                .rawFinishReason(raw)
                .usage(standardUsage ? (usage == null ? Usage.NONE : usage.build()) : d.usage(rest))
                .rateLimits(limits)
                .build();
    }

    /**
     * The {@code usage} object as {@link OpenAiWire#usage(JsonNode)} reads it from a tree: each count as its node's
     * {@code asLong(0)}; null ({@link Usage#NONE}) when it is not an object.
     */
    private static Usage.@Nullable Builder usage(JsonReader r) throws IOException {
        if (r.currentToken() != Token.START_OBJECT) {
            r.skipChildren();
            return null;
        }
        long input = 0;
        long output = 0;
        long cached = 0;
        long cacheWrite = 0;
        long reasoning = 0;
        for (String field = r.nextFieldName(); field != null; field = r.nextFieldName()) {
            r.nextToken();
            switch (field) {
                case "prompt_tokens" -> input = count(r);
                case "completion_tokens" -> output = count(r);
                case "prompt_tokens_details" -> {
                    cached = 0;
                    cacheWrite = 0;
                    if (r.currentToken() != Token.START_OBJECT) {
                        r.skipChildren();
                        break;
                    }
                    for (String f = r.nextFieldName(); f != null; f = r.nextFieldName()) {
                        r.nextToken();
                        switch (f) {
                            case "cached_tokens" -> cached = count(r);
                            case "cache_write_tokens" -> cacheWrite = count(r);
                            default -> r.skipChildren();
                        }
                    }
                }
                case "completion_tokens_details" -> {
                    reasoning = 0;
                    if (r.currentToken() != Token.START_OBJECT) {
                        r.skipChildren();
                        break;
                    }
                    for (String f = r.nextFieldName(); f != null; f = r.nextFieldName()) {
                        r.nextToken();
                        if (f.equals("reasoning_tokens")) {
                            reasoning = count(r);
                        } else {
                            r.skipChildren();
                        }
                    }
                }
                default -> r.skipChildren(); // total_tokens, ...
            }
        }
        return Usage.builder().inputTokens(input).outputTokens(output).cachedInputTokens(cached)
                .reasoningTokens(reasoning).cacheWriteInputTokens(cacheWrite);
    }

    /** A count as a tree's {@code asLong(0)} reads it (a number, a numeric string, ...; 0 for anything else). */
    private static long count(JsonReader r) throws IOException {
        return r.readTree().asLong(0);
    }

    /**
     * A body without choices is a {@link ErrorKind#SERVER} failure carrying the error object's message if there is
     * one (some OpenAI-compatible servers answer 200 with only {@code {"error": ...}}): an empty answer would look
     * complete.
     */
    private static LlmException noChoices(JsonNode body, String provider) {
        // A 2xx body is not redacted on the way in, so mask anything shaped like a key before it enters a message.
        String message = Redactor.patternsOnly().redact(StandardErrorMapper.message(body, null));
        return LlmException.builder(ErrorKind.SERVER, provider)
                .code(StandardErrorMapper.code(body))
                .message("the response has no choices" + (message.isEmpty() ? "" : ": " + message))
                .build();
    }

    /** The first of the {@code choices}; null when they are not an array or an empty one. */
    private static @Nullable Choice firstChoice(JsonReader r) throws IOException {
        if (r.currentToken() != Token.START_ARRAY) {
            r.skipChildren();
            return null;
        }
        if (r.nextToken() == Token.END_ARRAY) {
            return null;
        }
        Choice choice = new Choice();
        if (r.currentToken() == Token.START_OBJECT) {
            for (String field = r.nextFieldName(); field != null; field = r.nextFieldName()) {
                r.nextToken();
                switch (field) {
                    case "message" -> message(r, choice);
                    case "finish_reason" -> choice.finishReason = text(r);
                    default -> r.skipChildren(); // index, logprobs, ...
                }
            }
        } else {
            r.skipChildren();
        }
        while (r.nextToken() != Token.END_ARRAY) {
            r.skipChildren(); // the other choices (n > 1): the answer is the first
        }
        return choice;
    }

    /** Reads a {@code message} into {@code choice}, replacing what an earlier {@code message} key left there. */
    private static void message(JsonReader r, Choice choice) throws IOException {
        choice.content = null;
        choice.refusal = null;
        choice.reasoning = null;
        choice.reasoningContent = null;
        choice.toolCalls = List.of();
        if (r.currentToken() != Token.START_OBJECT) {
            r.skipChildren();
            return;
        }
        for (String field = r.nextFieldName(); field != null; field = r.nextFieldName()) {
            r.nextToken();
            switch (field) {
                case "content" -> choice.content = text(r);
                case "refusal" -> choice.refusal = text(r);
                case "reasoning" -> choice.reasoning = text(r);
                case "reasoning_content" -> choice.reasoningContent = text(r);
                case "tool_calls" -> choice.toolCalls = toolCalls(r);
                default -> r.skipChildren(); // role, annotations, audio, ...
            }
        }
    }

    /** The calls of an array of them (or, as a tree iterates, of an object's values); none for anything else. */
    private static List<ToolCall> toolCalls(JsonReader r) throws IOException {
        Token container = r.currentToken();
        if (container != Token.START_ARRAY && container != Token.START_OBJECT) {
            return List.of();
        }
        List<ToolCall> calls = new ArrayList<>();
        if (container == Token.START_ARRAY) {
            while (r.nextToken() != Token.END_ARRAY) {
                calls.add(toolCall(r));
            }
        } else {
            for (String field = r.nextFieldName(); field != null; field = r.nextFieldName()) {
                r.nextToken();
                calls.add(toolCall(r));
            }
        }
        return calls;
    }

    /** One call: its id, its function's name and its arguments, as JSON text whether sent as a string or an object. */
    private static ToolCall toolCall(JsonReader r) throws IOException {
        String id = "";
        String name = "";
        String arguments = "{}";
        if (r.currentToken() != Token.START_OBJECT) {
            r.skipChildren();
            return new ToolCall(id, name, arguments);
        }
        for (String field = r.nextFieldName(); field != null; field = r.nextFieldName()) {
            r.nextToken();
            switch (field) {
                case "id" -> id = orEmpty(text(r));
                case "function" -> {
                    name = "";
                    arguments = "{}";
                    if (r.currentToken() != Token.START_OBJECT) {
                        r.skipChildren();
                        break;
                    }
                    for (String f = r.nextFieldName(); f != null; f = r.nextFieldName()) {
                        r.nextToken();
                        switch (f) {
                            case "name" -> name = orEmpty(text(r));
                            case "arguments" -> arguments = arguments(r);
                            default -> r.skipChildren();
                        }
                    }
                }
                default -> r.skipChildren(); // type, index
            }
        }
        return new ToolCall(id, name, arguments);
    }

    /** Arguments as JSON text: a string as it is, an object (as some servers send) written compactly, null as {@code {}}. */
    private static String arguments(JsonReader r) throws IOException {
        return switch (r.currentToken()) {
            case STRING -> r.getText();
            case NULL -> "{}";
            default -> r.readTree().toString();
        };
    }

    /**
     * The current value's text as {@link Json#text} reads it from a tree: a string's value, null for JSON null, and
     * for anything else its tree's {@code asText()} (a number as its text, an object or array as the empty string).
     */
    private static @Nullable String text(JsonReader r) throws IOException {
        return switch (r.currentToken()) {
            case STRING -> r.getText();
            case NULL -> null;
            default -> r.readTree().asText();
        };
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
