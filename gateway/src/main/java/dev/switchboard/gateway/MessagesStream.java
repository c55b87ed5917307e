package dev.switchboard.gateway;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.api.Usage;

/**
 * Turns one route stream's {@link ChatEvent}s into the Messages API's event sequence: {@code message_start} and
 * {@code ping}, then per content block {@code content_block_start}, its {@code content_block_delta}s
 * ({@code text_delta}, {@code input_json_delta}, {@code thinking_delta}, {@code signature_delta}) and
 * {@code content_block_stop}, and at the end {@code message_delta} (stop reason and usage) and
 * {@code message_stop}. Blocks follow each other as the runtime's events change kind; a tool call whose provider
 * gave no id gets a {@code toolu_} one. Not thread-safe: one per stream, on its worker.
 */
final class MessagesStream {

    private enum Block { NONE, TEXT, THINKING, TOOL_USE }

    /** Where each event's bytes go: the exchange's body. */
    @FunctionalInterface
    interface Sink {
        void send(byte[] event) throws Outbox.ClientGone;
    }

    private final boolean thinking;
    private final Sink out;
    /** The request's input tokens as the gateway estimates them, for a stream whose upstream reports no usage. */
    private final long inputEstimate;
    /** Characters answered (text, reasoning, tool names and arguments), for that estimate's output tokens. */
    private long outputChars;

    private int index = -1;
    private Block open = Block.NONE;
    private int openTool = -1;
    private Usage usage = Usage.NONE;
    private FinishReason reason = FinishReason.STOP;
    private String rawReason = "";

    /**
     * @param thinking whether the request turned thinking on (reasoning is otherwise not sent)
     * @param out      where each event's bytes go
     * @param inputEstimate the request's input tokens as estimated, standing in when the upstream reports no usage
     */
    MessagesStream(boolean thinking, Sink out, long inputEstimate) {
        this.thinking = thinking;
        this.out = out;
        this.inputEstimate = inputEstimate;
    }

    /**
     * {@code message_start} (an empty message; its usage follows in {@code message_delta}) and a {@code ping}. Events
     * given before it may only be those the client does not see (see {@link #shows}).
     */
    void start(String id, String model) throws Outbox.ClientGone {
        out.send(MessagesWriter.event("message_start", g -> {
            g.writeStartObject();
            g.writeStringField("type", "message_start");
            g.writeObjectFieldStart("message");
            g.writeStringField("id", id);
            g.writeStringField("type", "message");
            g.writeStringField("role", "assistant");
            g.writeStringField("model", model);
            g.writeArrayFieldStart("content");
            g.writeEndArray();
            g.writeNullField("stop_reason");
            g.writeNullField("stop_sequence");
            g.writeObjectFieldStart("usage");
            MessagesWriter.writeUsage(g, Usage.NONE);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }));
        out.send(MessagesWriter.event("ping", g -> {
            g.writeStartObject();
            g.writeStringField("type", "ping");
            g.writeEndObject();
        }));
    }

    /** Whether {@code event} is one the client sees (the caller starts the stream before the first of them). */
    static boolean shows(ChatEvent event, boolean thinking) {
        return event instanceof ChatEvent.TextDelta || event instanceof ChatEvent.ToolCallDelta
                || (thinking && (event instanceof ChatEvent.ReasoningDelta || event instanceof ChatEvent.ReasoningBlockEnd));
    }

    void on(ChatEvent event) throws Outbox.ClientGone {
        count(event);
        if (event instanceof ChatEvent.TextDelta t) {
            if (open != Block.TEXT) {
                begin(Block.TEXT, "{\"type\":\"text\",\"text\":\"\"}");
            }
            delta("text_delta", "text", t.text());
        } else if (event instanceof ChatEvent.ToolCallDelta d) {
            boolean starts = d.id() != null || d.name() != null;
            if (open != Block.TOOL_USE || (starts && d.index() != openTool)) {
                String toolId = MessagesWriter.toolUseId(d.id());
                String name = d.name() == null ? "" : d.name();
                begin(Block.TOOL_USE, null, g -> {
                    g.writeStringField("type", "tool_use");
                    g.writeStringField("id", toolId);
                    g.writeStringField("name", name);
                    g.writeObjectFieldStart("input");
                    g.writeEndObject();
                });
                openTool = d.index();
            }
            if (!d.argumentsFragment().isEmpty()) {
                delta("input_json_delta", "partial_json", d.argumentsFragment());
            }
        } else if (event instanceof ChatEvent.ReasoningDelta r && thinking) {
            if (open != Block.THINKING) {
                begin(Block.THINKING, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
            }
            delta("thinking_delta", "thinking", r.text());
        } else if (event instanceof ChatEvent.ReasoningBlockEnd e && thinking) {
            blockEnded(e.block());
        } else if (event instanceof ChatEvent.UsageReport u) {
            usage = u.usage();
        } else if (event instanceof ChatEvent.Finished f) {
            reason = f.reason();
            rawReason = f.rawReason();
        }
    }

    /** A signed reasoning block is complete: its signature ends the open thinking block; redacted ones stand alone. */
    private void blockEnded(ReasoningBlock b) throws Outbox.ClientGone {
        if (!b.isFrom(MessagesRequestReader.ANTHROPIC)) {
            return;
        }
        if (b.isRedacted()) {
            String data = b.redactedData().orElse("");
            begin(Block.THINKING, null, g -> {
                g.writeStringField("type", "redacted_thinking");
                g.writeStringField("data", data);
            });
            close();
            return;
        }
        if (open != Block.THINKING) {
            begin(Block.THINKING, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
        }
        if (b.signature().isPresent()) {
            delta("signature_delta", "signature", b.signature().get());
        }
        close();
    }

    private void count(ChatEvent event) {
        if (event instanceof ChatEvent.TextDelta t) {
            outputChars += t.text().length();
        } else if (event instanceof ChatEvent.ReasoningDelta r) {
            outputChars += r.text().length();
        } else if (event instanceof ChatEvent.ToolCallDelta d) {
            outputChars += (d.name() == null ? 0 : d.name().length()) + d.argumentsFragment().length();
        }
    }

    /**
     * The open block's stop, {@code message_delta} with the stop reason and usage, and {@code message_stop}. The
     * Messages API requires {@code output_tokens}: when the upstream reported no usage, the counts are the gateway's
     * estimate ({@link ReportedUsage#estimate}), as the usage ledger records them.
     */
    void end() throws Outbox.ClientGone {
        close();
        String stop = MessagesWriter.stopReason(reason, rawReason);
        Usage u = ReportedUsage.known(usage) ? usage : ReportedUsage.estimate(inputEstimate, outputChars);
        out.send(MessagesWriter.event("message_delta", g -> {
            g.writeStartObject();
            g.writeStringField("type", "message_delta");
            g.writeObjectFieldStart("delta");
            g.writeStringField("stop_reason", stop);
            g.writeNullField("stop_sequence");
            g.writeEndObject();
            g.writeObjectFieldStart("usage");
            MessagesWriter.writeUsage(g, u);
            g.writeEndObject();
            g.writeEndObject();
        }));
        out.send(MessagesWriter.event("message_stop", g -> {
            g.writeStartObject();
            g.writeStringField("type", "message_stop");
            g.writeEndObject();
        }));
    }

    /** The usage the stream reported, or {@link Usage#NONE} (never the estimate {@link #end} writes). */
    Usage usage() {
        return usage;
    }

    private void begin(Block kind, String rawBlock) throws Outbox.ClientGone {
        begin(kind, rawBlock, null);
    }

    /** Closes the open block and starts the next: its content block as raw JSON, or written by {@code fields}. */
    private void begin(Block kind, String rawBlock, JsonBodies.Writer fields) throws Outbox.ClientGone {
        close();
        index++;
        open = kind;
        int at = index;
        out.send(MessagesWriter.event("content_block_start", g -> {
            g.writeStartObject();
            g.writeStringField("type", "content_block_start");
            g.writeNumberField("index", at);
            g.writeFieldName("content_block");
            if (rawBlock != null) {
                g.writeRawValue(rawBlock);
            } else {
                g.writeStartObject();
                fields.write(g);
                g.writeEndObject();
            }
            g.writeEndObject();
        }));
    }

    private void delta(String type, String field, String value) throws Outbox.ClientGone {
        int at = index;
        out.send(MessagesWriter.event("content_block_delta", g -> {
            g.writeStartObject();
            g.writeStringField("type", "content_block_delta");
            g.writeNumberField("index", at);
            g.writeObjectFieldStart("delta");
            g.writeStringField("type", type);
            g.writeStringField(field, value);
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    private void close() throws Outbox.ClientGone {
        if (open == Block.NONE) {
            return;
        }
        int at = index;
        open = Block.NONE;
        openTool = -1;
        out.send(MessagesWriter.event("content_block_stop", g -> {
            g.writeStartObject();
            g.writeStringField("type", "content_block_stop");
            g.writeNumberField("index", at);
            g.writeEndObject();
        }));
    }
}
