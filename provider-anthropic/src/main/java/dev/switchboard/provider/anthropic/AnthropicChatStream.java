package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ReasoningBlock;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Json;
import dev.switchboard.http.SseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The Messages API event stream: {@code message_start} (id, model, input usage), then per content block
 * {@code content_block_start}, {@code content_block_delta}s ({@code text_delta}, {@code input_json_delta} pieces of a
 * tool's input, {@code thinking_delta} and the block's {@code signature_delta}) and {@code content_block_stop}, then
 * {@code message_delta} (stop reason and
 * usage as running totals) and {@code message_stop}, the end marker. {@code ping}s are skipped, as are event types
 * this version does not know (the API may add some). An {@code error} event ({@code overloaded_error} is the
 * streamed form of a 529) fails the stream with its kind.
 *
 * <p>Tool calls are numbered 0, 1, ... in the order their blocks start, whatever the block indexes (text blocks
 * count there too). A {@code thinking} block's text is streamed as it comes; at its {@code content_block_stop} the
 * whole block with its signature follows as a {@link ChatEvent.ReasoningBlockEnd}, as does a
 * {@code redacted_thinking} block (which arrives whole in its start event), so the collected message carries the
 * same reasoning blocks as a non-streamed answer.
 */
final class AnthropicChatStream extends AbstractChatStream {

    private final StreamingResponse response;
    private final SseReader sse;
    private final ErrorMapper errors;
    private final RateLimits rateLimits;
    private final UsageTotals usage = new UsageTotals();
    /** Content block index to tool call number, for the blocks that are tool calls. */
    private final Map<Integer, ToolBlock> toolBlocks = new HashMap<>(4);
    /** Content block index to the thinking (or redacted thinking) block being received there. */
    private Map<Integer, ThinkingBlock> thinkingBlocks;
    private boolean emitted;
    private boolean finished;

    /** A streamed tool_use block: its call number, and the input its start event carried, used if no piece follows. */
    private static final class ToolBlock {
        final int call;
        final String initialInput;
        boolean gotPieces;

        ToolBlock(int call, String initialInput) {
            this.call = call;
            this.initialInput = initialInput;
        }
    }

    /** A streamed thinking block: its text so far and its signature, or a redacted block's data. */
    private static final class ThinkingBlock {
        final StringBuilder text = new StringBuilder();
        String signature;
        String redactedData;

        ReasoningBlock toBlock() {
            return redactedData != null ? ReasoningBlock.redacted(AnthropicWire.TYPE, redactedData)
                    : ReasoningBlock.thinking(AnthropicWire.TYPE, text.toString(), signature);
        }
    }

    AnthropicChatStream(String provider, String model, StreamingResponse response, ErrorMapper errors, RateLimits rateLimits) {
        super(provider, model);
        this.response = response;
        this.sse = new SseReader(response.body());
        this.errors = errors;
        this.rateLimits = rateLimits;
    }

    @Override
    protected boolean fetch() {
        emitted = false;
        while (!emitted) {
            JsonNode event = nextEvent();
            String type = Json.text(event, "type");
            if (type == null) {
                type = sse.event() == null ? "" : sse.event();
            }
            switch (type) {
                case "message_start" -> messageStart(event.path("message"));
                case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"));
                case "content_block_delta" -> blockDelta(event.path("index").asInt(), event.path("delta"));
                case "content_block_stop" -> blockStop(event.path("index").asInt());
                case "message_delta" -> messageDelta(event);
                case "message_stop" -> {
                    return false;
                }
                case "error" -> throw errors.mapStreamError(provider(), event.path("error"));
                default -> { } // ping, and event types added after this version
            }
        }
        return true;
    }

    private JsonNode nextEvent() {
        try {
            if (!sse.next()) {
                throw response.endedEarly();
            }
            return Json.read(sse.dataBuffer(), 0, sse.dataLength());
        } catch (JsonProcessingException e) {
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                    .message("malformed stream event: " + e.getOriginalMessage()).cause(e).build();
        } catch (IOException e) {
            throw response.failure(e);
        }
    }

    private void messageStart(JsonNode message) {
        send(new ChatEvent.Started(Json.text(message, "id"), Json.text(message, "model")));
        usage.update(message.get("usage"));
        send(new ChatEvent.UsageReport(usage.toUsage()));
    }

    private void blockStart(int index, JsonNode block) {
        switch (block.path("type").asText("")) {
            case "text" -> text(Json.text(block, "text"));
            case "thinking" -> {
                ThinkingBlock thinking = thinkingBlock(index);
                thinking.signature = Json.text(block, "signature");
                String initial = Json.text(block, "thinking");
                if (initial != null) {
                    thinking.text.append(initial);
                }
                reasoning(initial);
            }
            case "redacted_thinking" -> {
                String data = Json.text(block, "data");
                if (data != null && !data.isEmpty()) {
                    thinkingBlock(index).redactedData = data;
                }
            }
            case "tool_use" -> {
                JsonNode input = block.get("input");
                String initial = input == null || input.isNull() || (input.isObject() && input.isEmpty())
                        ? "" : AnthropicWire.argumentsText(input);
                ToolBlock tool = new ToolBlock(toolBlocks.size(), initial);
                toolBlocks.put(index, tool);
                send(new ChatEvent.ToolCallDelta(tool.call, Json.text(block, "id"), Json.text(block, "name"), ""));
            }
            default -> { } // server tool blocks and their results are not part of our answer
        }
    }

    private void blockDelta(int index, JsonNode delta) {
        switch (delta.path("type").asText("")) {
            case "text_delta" -> text(Json.text(delta, "text"));
            case "thinking_delta" -> {
                String piece = Json.text(delta, "thinking");
                ThinkingBlock thinking = thinkingBlocks == null ? null : thinkingBlocks.get(index);
                if (thinking != null && piece != null) {
                    thinking.text.append(piece);
                }
                reasoning(piece);
            }
            case "signature_delta" -> {
                ThinkingBlock thinking = thinkingBlocks == null ? null : thinkingBlocks.get(index);
                String signature = Json.text(delta, "signature");
                if (thinking != null && signature != null) {
                    thinking.signature = thinking.signature == null ? signature : thinking.signature + signature;
                }
            }
            case "input_json_delta" -> {
                ToolBlock tool = toolBlocks.get(index);
                String piece = Json.text(delta, "partial_json");
                if (tool != null && piece != null && !piece.isEmpty()) {
                    tool.gotPieces = true;
                    send(new ChatEvent.ToolCallDelta(tool.call, null, null, piece));
                }
            }
            default -> { } // citation deltas
        }
    }

    private ThinkingBlock thinkingBlock(int index) {
        if (thinkingBlocks == null) {
            thinkingBlocks = new HashMap<>(2);
        }
        return thinkingBlocks.computeIfAbsent(index, i -> new ThinkingBlock());
    }

    private void blockStop(int index) {
        ThinkingBlock thinking = thinkingBlocks == null ? null : thinkingBlocks.remove(index);
        if (thinking != null) {
            send(new ChatEvent.ReasoningBlockEnd(thinking.toBlock()));
            return;
        }
        ToolBlock tool = toolBlocks.get(index);
        if (tool != null && !tool.gotPieces && !tool.initialInput.isEmpty()) {
            send(new ChatEvent.ToolCallDelta(tool.call, null, null, tool.initialInput));
        }
    }

    private void messageDelta(JsonNode event) {
        String raw = Json.text(event.path("delta"), "stop_reason");
        if (raw != null && !finished) {
            finished = true;
            send(new ChatEvent.Finished(AnthropicWire.finishReason(raw), raw));
        }
        JsonNode u = event.get("usage");
        if (u != null && u.isObject()) {
            usage.update(u);
            send(new ChatEvent.UsageReport(usage.toUsage()));
        }
    }

    private void text(String text) {
        if (text != null && !text.isEmpty()) {
            send(new ChatEvent.TextDelta(text));
        }
    }

    private void reasoning(String text) {
        if (text != null && !text.isEmpty()) {
            send(new ChatEvent.ReasoningDelta(text));
        }
    }

    private void send(ChatEvent event) {
        emit(event);
        emitted = true;
    }

    @Override
    public RateLimits rateLimits() {
        return rateLimits;
    }

    @Override
    protected void release(boolean completed) {
        if (completed) {
            response.finish(); // the end marker was read: drain the end of the body so the connection is reused
        } else {
            response.close();
        }
    }
}
