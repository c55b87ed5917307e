package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Usage;
import dev.switchboard.gateway.ResponseObject.FunctionCall;
import dev.switchboard.gateway.ResponseObject.Head;
import dev.switchboard.gateway.ResponseObject.Item;
import dev.switchboard.gateway.ResponseObject.MessageItem;
import dev.switchboard.gateway.ResponseObject.Reasoning;
import dev.switchboard.gateway.ResponseObject.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one answer's {@link ChatEvent}s into the Responses API's typed SSE events, each with the next
 * {@code sequence_number}: {@code response.created} and {@code response.in_progress}, then per output item
 * {@code response.output_item.added}, its deltas ({@code response.output_text.delta} inside a
 * {@code response.content_part}, {@code response.reasoning_text.delta}, {@code response.function_call_arguments.delta}),
 * their {@code .done} events and {@code response.output_item.done}, and last {@code response.completed} (or
 * {@code response.incomplete} after a length or content-filter stop) with the whole response. A failure after the
 * start ends with an {@code error} event and {@code response.failed}. Text and reasoning items close when another item
 * starts; function calls stay open until the end (a provider may interleave their argument pieces). One per stream,
 * used by one thread.
 */
final class ResponsesStream {

    /** Where the events go. */
    @FunctionalInterface
    interface Sink {
        void send(byte[] event) throws Outbox.ClientGone;
    }

    private final Head head;
    private final Sink sink;
    /** The items completed so far, by output index. */
    private final java.util.TreeMap<Integer, Item> done = new java.util.TreeMap<>();
    /** Output index of each function call, by the provider's call index. */
    private final Map<Integer, Integer> callSlots = new HashMap<>();
    private final Map<Integer, OpenCall> openCalls = new HashMap<>();
    private int sequence;
    private int outputs;
    /** The open text or reasoning item: its kind (null: none), id, output index and text so far. */
    private Class<? extends Item> openKind;
    private String openId;
    private int openIndex;
    private final StringBuilder openText = new StringBuilder();
    private FinishReason finish = FinishReason.STOP;

    private static final class OpenCall {
        final int outputIndex;
        final String id;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        OpenCall(int outputIndex, String id, String callId, String name) {
            this.outputIndex = outputIndex;
            this.id = id;
            this.callId = callId;
            this.name = name;
        }

        FunctionCall item() {
            return new FunctionCall(id, callId, name, arguments.toString());
        }
    }

    ResponsesStream(Head head, Sink sink) {
        this.head = head;
        this.sink = sink;
    }

    /** {@code response.created} and {@code response.in_progress}. */
    void start() throws Outbox.ClientGone {
        sink.send(responseEvent("response.created", Status.IN_PROGRESS, null, null));
        sink.send(responseEvent("response.in_progress", Status.IN_PROGRESS, null, null));
    }

    /** The events for one provider event (none for those with no Responses counterpart). */
    void on(ChatEvent e) throws Outbox.ClientGone {
        if (e instanceof ChatEvent.TextDelta t) {
            open(MessageItem.class);
            openText.append(t.text());
            sink.send(event("response.output_text.delta", g -> {
                itemRef(g, openId, openIndex);
                g.writeNumberField("content_index", 0);
                g.writeStringField("delta", t.text());
                g.writeArrayFieldStart("logprobs");
                g.writeEndArray();
            }));
        } else if (e instanceof ChatEvent.ReasoningDelta r) {
            open(Reasoning.class);
            openText.append(r.text());
            sink.send(event("response.reasoning_text.delta", g -> {
                itemRef(g, openId, openIndex);
                g.writeNumberField("content_index", 0);
                g.writeStringField("delta", r.text());
            }));
        } else if (e instanceof ChatEvent.ToolCallDelta d) {
            OpenCall call = openCalls.get(d.index());
            if (call == null) {
                if (callSlots.containsKey(d.index())) {
                    return; // more of a call already closed: cannot happen while calls stay open to the end
                }
                closeOpen();
                String callId = d.id() == null || d.id().isEmpty() ? ResponseObject.newId("call_") : d.id();
                call = new OpenCall(outputs++, ResponseObject.newId("fc_"), callId, d.name() == null ? "" : d.name());
                openCalls.put(d.index(), call);
                callSlots.put(d.index(), call.outputIndex);
                OpenCall c = call;
                sink.send(event("response.output_item.added", g -> {
                    g.writeNumberField("output_index", c.outputIndex);
                    g.writeFieldName("item");
                    ResponseObject.writeItem(g, c.item(), "in_progress");
                }));
            }
            if (!d.argumentsFragment().isEmpty()) {
                call.arguments.append(d.argumentsFragment());
                OpenCall c = call;
                sink.send(event("response.function_call_arguments.delta", g -> {
                    itemRef(g, c.id, c.outputIndex);
                    g.writeStringField("delta", d.argumentsFragment());
                }));
            }
        } else if (e instanceof ChatEvent.Finished f) {
            finish = f.reason();
        }
        // Started, UsageReport and ReasoningBlockEnd have no event of their own: the caller keeps usage for the end.
    }

    /** Closes every item and returns the last event, {@code response.completed} or {@code response.incomplete}. */
    byte[] finish(Usage usage) throws Outbox.ClientGone {
        closeOpen();
        closeCalls();
        Status status = ResponseObject.statusOf(finish);
        return responseEvent(status == Status.INCOMPLETE ? "response.incomplete" : "response.completed", status,
                usage, null);
    }

    /** The last events of a stream that failed after it started: {@code error}, then {@code response.failed}. */
    byte[] fail(ErrorReply error) {
        byte[] errorEvent = event("error", g -> {
            g.writeStringField("code", error.code() == null ? ResponseObject.errorCode(error) : error.code());
            g.writeStringField("message", error.message());
            if (error.param() == null) {
                g.writeNullField("param");
            } else {
                g.writeStringField("param", error.param());
            }
        });
        List<Item> output = new ArrayList<>(done.values());
        int partialFrom = output.size();
        if (openKind != null) {
            String text = openText.toString();
            output.add(openKind == MessageItem.class ? new MessageItem(openId, text) : new Reasoning(openId, text));
        }
        for (OpenCall c : openCalls.values()) {
            output.add(c.item());
        }
        byte[] failed = event("response.failed", g -> {
            g.writeFieldName("response");
            ResponseObject.write(g, head, Status.FAILED, output, partialFrom, finish, null, error);
        });
        byte[] both = java.util.Arrays.copyOf(errorEvent, errorEvent.length + failed.length);
        System.arraycopy(failed, 0, both, errorEvent.length, failed.length);
        return both;
    }

    private void open(Class<? extends Item> kind) throws Outbox.ClientGone {
        if (openKind == kind) {
            return;
        }
        closeOpen();
        openKind = kind;
        openIndex = outputs++;
        openId = ResponseObject.newId(kind == MessageItem.class ? "msg_" : "rs_");
        Item empty = kind == MessageItem.class ? new MessageItem(openId, "") : new Reasoning(openId, "");
        sink.send(event("response.output_item.added", g -> {
            g.writeNumberField("output_index", openIndex);
            g.writeFieldName("item");
            ResponseObject.writeItem(g, empty, "in_progress");
        }));
        if (kind == MessageItem.class) {
            sink.send(event("response.content_part.added", g -> {
                itemRef(g, openId, openIndex);
                g.writeNumberField("content_index", 0);
                g.writeFieldName("part");
                ResponseObject.writeTextPart(g, "");
            }));
        }
    }

    private void closeOpen() throws Outbox.ClientGone {
        if (openKind == null) {
            return;
        }
        String text = openText.toString();
        Item item;
        if (openKind == MessageItem.class) {
            item = new MessageItem(openId, text);
            sink.send(event("response.output_text.done", g -> {
                itemRef(g, openId, openIndex);
                g.writeNumberField("content_index", 0);
                g.writeStringField("text", text);
                g.writeArrayFieldStart("logprobs");
                g.writeEndArray();
            }));
            sink.send(event("response.content_part.done", g -> {
                itemRef(g, openId, openIndex);
                g.writeNumberField("content_index", 0);
                g.writeFieldName("part");
                ResponseObject.writeTextPart(g, text);
            }));
        } else {
            item = new Reasoning(openId, text);
            sink.send(event("response.reasoning_text.done", g -> {
                itemRef(g, openId, openIndex);
                g.writeNumberField("content_index", 0);
                g.writeStringField("text", text);
            }));
        }
        itemDone(openIndex, item);
        openKind = null;
        openText.setLength(0);
    }

    private void closeCalls() throws Outbox.ClientGone {
        List<OpenCall> calls = new ArrayList<>(openCalls.values());
        calls.sort((a, b) -> Integer.compare(a.outputIndex, b.outputIndex));
        for (OpenCall c : calls) {
            FunctionCall item = c.item();
            sink.send(event("response.function_call_arguments.done", g -> {
                itemRef(g, c.id, c.outputIndex);
                g.writeStringField("name", c.name);
                g.writeStringField("arguments", item.arguments());
            }));
            itemDone(c.outputIndex, item);
        }
        openCalls.clear();
    }

    private void itemDone(int index, Item item) throws Outbox.ClientGone {
        done.put(index, item);
        sink.send(event("response.output_item.done", g -> {
            g.writeNumberField("output_index", index);
            g.writeFieldName("item");
            ResponseObject.writeItem(g, item, "completed");
        }));
    }

    private byte[] responseEvent(String type, Status status, Usage usage, ErrorReply error) {
        List<Item> output = status == Status.IN_PROGRESS ? List.of() : new ArrayList<>(done.values());
        return event(type, g -> {
            g.writeFieldName("response");
            ResponseObject.write(g, head, status, output, finish, usage, error);
        });
    }

    private static void itemRef(JsonGenerator g, String itemId, int outputIndex) throws IOException {
        g.writeStringField("item_id", itemId);
        g.writeNumberField("output_index", outputIndex);
    }

    /** One typed event: {@code event: <type>} and its JSON with {@code type} and the next sequence number. */
    private byte[] event(String type, JsonBodies.Writer fields) {
        int n = sequence++;
        return JsonBodies.namedEvent(type, g -> {
            g.writeStartObject();
            g.writeStringField("type", type);
            g.writeNumberField("sequence_number", n);
            fields.write(g);
            g.writeEndObject();
        });
    }
}
