package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes OpenAI's Responses API {@code response} object and its output items. The same writer serves a whole answer,
 * and the {@code response} a stream's {@code response.created}, {@code response.completed}, {@code response.incomplete}
 * and {@code response.failed} events carry. Stateless and thread-safe.
 */
final class ResponseObject {

    private ResponseObject() {}

    /** One item of a response's {@code output}, in the order the model produced them. */
    sealed interface Item permits Reasoning, MessageItem, FunctionCall {
        String id();
    }

    /** The model's reasoning text, as a {@code reasoning} item with one {@code reasoning_text} part. */
    record Reasoning(String id, String text) implements Item {}

    /** Answer text, as an assistant {@code message} item with one {@code output_text} part. */
    record MessageItem(String id, String text) implements Item {}

    /** A {@code function_call} item: the call id the client answers with {@code function_call_output}. */
    record FunctionCall(String id, String callId, String name, String arguments) implements Item {}

    /** What is the same in every form of one response: its id, creation time, model and the request's echo. */
    record Head(String id, long createdAt, String model, ResponsesRequestReader.Echo echo) {
        Head {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(echo, "echo");
        }
    }

    /** A response's state: {@code in_progress}, {@code completed}, {@code incomplete} or {@code failed}. */
    enum Status {
        IN_PROGRESS("in_progress"), COMPLETED("completed"), INCOMPLETE("incomplete"), FAILED("failed");

        final String wire;

        Status(String wire) {
            this.wire = wire;
        }
    }

    /** {@code incomplete} for a length or content-filter stop (with its reason), else {@code completed}. */
    static Status statusOf(FinishReason reason) {
        return reason == FinishReason.LENGTH || reason == FinishReason.CONTENT_FILTER ? Status.INCOMPLETE
                : Status.COMPLETED;
    }

    /** The output items of a whole answer: reasoning, then text, then the calls, as a stream would have sent them. */
    static List<Item> items(ChatResponse r) {
        List<Item> items = new ArrayList<>(2 + r.toolCalls().size());
        if (!r.reasoning().isEmpty()) {
            items.add(new Reasoning(newId("rs_"), r.reasoning()));
        }
        if (!r.text().isEmpty() || r.toolCalls().isEmpty()) {
            items.add(new MessageItem(newId("msg_"), r.text()));
        }
        for (ToolCall c : r.toolCalls()) {
            items.add(new FunctionCall(newId("fc_"), c.id().isEmpty() ? newId("call_") : c.id(), c.name(),
                    c.arguments()));
        }
        return items;
    }

    /**
     * Writes a {@code response} object.
     *
     * @param finish the stop reason (for an {@code incomplete} status's reason); null while in progress or failed
     * @param usage  null when unknown (left out)
     * @param error  for a failed response, its {@code error.code} and message; null otherwise
     */
    static void write(JsonGenerator g, Head h, Status status, List<Item> output, FinishReason finish, Usage usage,
                      ErrorReply error) throws IOException {
        write(g, h, status, output, output.size(), finish, usage, error);
    }

    /**
     * As above, the items from {@code partialFrom} on marked {@code incomplete}: those a failed stream had started and
     * not finished.
     */
    static void write(JsonGenerator g, Head h, Status status, List<Item> output, int partialFrom, FinishReason finish,
                      Usage usage, ErrorReply error) throws IOException {
        ResponsesRequestReader.Echo e = h.echo();
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeStringField("object", "response");
        g.writeNumberField("created_at", h.createdAt());
        g.writeStringField("status", status.wire);
        g.writeBooleanField("background", false);
        if (error == null) {
            g.writeNullField("error");
        } else {
            g.writeObjectFieldStart("error");
            g.writeStringField("code", errorCode(error));
            g.writeStringField("message", error.message());
            g.writeEndObject();
        }
        if (status == Status.INCOMPLETE) {
            g.writeObjectFieldStart("incomplete_details");
            g.writeStringField("reason", finish == FinishReason.CONTENT_FILTER ? "content_filter" : "max_output_tokens");
            g.writeEndObject();
        } else {
            g.writeNullField("incomplete_details");
        }
        nullableString(g, "instructions", e.instructions());
        if (e.maxOutputTokens() == null) {
            g.writeNullField("max_output_tokens");
        } else {
            g.writeNumberField("max_output_tokens", e.maxOutputTokens());
        }
        g.writeStringField("model", h.model());
        g.writeArrayFieldStart("output");
        for (int i = 0; i < output.size(); i++) {
            writeItem(g, output.get(i), i < partialFrom ? "completed" : "incomplete");
        }
        g.writeEndArray();
        g.writeBooleanField("parallel_tool_calls", e.parallelToolCalls());
        g.writeNullField("previous_response_id");
        g.writeObjectFieldStart("reasoning");
        nullableString(g, "effort", e.reasoningEffort());
        g.writeNullField("summary");
        g.writeEndObject();
        g.writeBooleanField("store", false); // nothing is stored, whatever the request said (see ResponsesCall)
        nullableNumber(g, "temperature", e.temperature());
        g.writeObjectFieldStart("text");
        g.writeFieldName("format");
        if (e.textFormat() == null) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeEndObject();
        } else {
            g.writeTree(e.textFormat());
        }
        g.writeEndObject();
        g.writeFieldName("tool_choice");
        if (e.toolChoice() == null) {
            g.writeString("auto");
        } else {
            g.writeTree(e.toolChoice());
        }
        g.writeFieldName("tools");
        JsonNode tools = e.tools();
        if (tools == null) {
            g.writeStartArray();
            g.writeEndArray();
        } else {
            g.writeTree(tools);
        }
        nullableNumber(g, "top_p", e.topP());
        g.writeStringField("truncation", "disabled");
        if (usage != null) {
            writeUsage(g, usage);
        }
        nullableString(g, "user", e.user());
        g.writeFieldName("metadata");
        if (e.metadata() == null) {
            g.writeStartObject();
            g.writeEndObject();
        } else {
            g.writeTree(e.metadata());
        }
        g.writeEndObject();
    }

    /** The Responses API's {@code error.code} for a failure: its short list has no word for most gateway failures. */
    static String errorCode(ErrorReply e) {
        if (e.status() == 429 && !e.noRetry()) {
            return "rate_limit_exceeded";
        }
        return e.status() == 400 ? "invalid_prompt" : "server_error";
    }

    /**
     * Writes one output item; {@code status} is {@code in_progress} when an item opens in a stream (its content still
     * empty), {@code incomplete} for what a failed stream had of it.
     */
    static void writeItem(JsonGenerator g, Item item, String status) throws IOException {
        g.writeStartObject();
        if (item instanceof MessageItem m) {
            g.writeStringField("type", "message");
            g.writeStringField("id", m.id());
            g.writeStringField("status", status);
            g.writeStringField("role", "assistant");
            g.writeArrayFieldStart("content");
            if (!status.equals("in_progress")) {
                writeTextPart(g, m.text());
            }
            g.writeEndArray();
        } else if (item instanceof FunctionCall f) {
            g.writeStringField("type", "function_call");
            g.writeStringField("id", f.id());
            g.writeStringField("call_id", f.callId());
            g.writeStringField("name", f.name());
            g.writeStringField("arguments", f.arguments());
            g.writeStringField("status", status);
        } else if (item instanceof Reasoning r) {
            g.writeStringField("type", "reasoning");
            g.writeStringField("id", r.id());
            g.writeArrayFieldStart("summary");
            g.writeEndArray();
            g.writeArrayFieldStart("content");
            if (!status.equals("in_progress")) {
                g.writeStartObject();
                g.writeStringField("type", "reasoning_text");
                g.writeStringField("text", r.text());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** An {@code output_text} content part. */
    static void writeTextPart(JsonGenerator g, String text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "output_text");
        g.writeStringField("text", text);
        g.writeArrayFieldStart("annotations");
        g.writeEndArray();
        g.writeArrayFieldStart("logprobs");
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", u.inputTokens());
        g.writeObjectFieldStart("input_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedInputTokens());
        g.writeEndObject();
        g.writeNumberField("output_tokens", u.outputTokens());
        g.writeObjectFieldStart("output_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        g.writeEndObject();
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeEndObject();
    }

    private static void nullableString(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }

    private static void nullableNumber(JsonGenerator g, String field, Double value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    /** A fresh id with the Responses API's prefix for its kind ({@code resp_}, {@code msg_}, {@code fc_}, ...). */
    static String newId(String prefix) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return prefix + Long.toUnsignedString(r.nextLong(), 36) + Long.toUnsignedString(r.nextLong(), 36);
    }
}
