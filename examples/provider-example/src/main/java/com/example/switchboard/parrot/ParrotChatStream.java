package com.example.switchboard.parrot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.RateLimits;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Json;
import dev.switchboard.http.SseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.IOException;

/**
 * Parrot's stream: Server-Sent Events named {@code begin} (id and model), {@code text} (a piece of the answer),
 * {@code call} (one whole tool call), {@code done} (stop reason and token counts: the end marker) and {@code fault}
 * (an error after the 200 status). A body that ends before {@code done} is an interrupted stream. The base class
 * queues the events, folds them for {@code collect()}, and releases the connection on every way out.
 */
final class ParrotChatStream extends AbstractChatStream {

    private final StreamingResponse response;
    private final SseReader events;
    private final ErrorMapper errors;
    private int calls;

    ParrotChatStream(String provider, String model, StreamingResponse response, ErrorMapper errors) {
        super(provider, model);
        this.response = response;
        this.events = new SseReader(response.body());
        this.errors = errors;
    }

    /** Reads one event; each emits at most one stream event, except {@code done}, which ends the stream. */
    @Override
    protected boolean fetch() {
        String name = nextEvent();
        JsonNode data = data(name);
        switch (name) {
            case "begin" -> emit(new ChatEvent.Started(Json.text(data, "generation_id"), Json.text(data, "model")));
            case "text" -> emit(new ChatEvent.TextDelta(data.path("text").asText("")));
            case "call" -> {
                var call = ParrotWire.toolCall(data);
                emit(new ChatEvent.ToolCallDelta(calls++, call.id(), call.name(), call.arguments()));
            }
            case "fault" -> throw errors.mapStreamError(provider(), response.redacted(data));
            case "done" -> {
                String stop = Json.text(data, "stop");
                emit(new ChatEvent.UsageReport(ParrotWire.usage(data.path("tokens"))));
                emit(new ChatEvent.Finished(ParrotWire.finishReason(stop), stop));
                return false;
            }
            default -> { } // an event this plugin does not know yet: newer API versions may add some
        }
        return true;
    }

    /** The next event's name; the body ending first means the stream broke. */
    private String nextEvent() {
        try {
            if (!events.next()) {
                throw response.endedEarly();
            }
        } catch (IOException e) {
            throw response.failure(e);
        }
        return events.event() == null ? "message" : events.event();
    }

    private JsonNode data(String event) {
        try {
            return Json.parse(events.data(), "data of the '" + event + "' event");
        } catch (IllegalArgumentException e) {
            throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider()).message(e.getMessage()).build();
        }
    }

    /** The quota headers came with the stream's response head. */
    @Override
    public RateLimits rateLimits() {
        return ParrotWire.rateLimits(response.headers());
    }

    @Override
    protected void release(boolean completed) {
        if (completed) {
            response.finish(); // hands the connection back to the pool
        } else {
            response.close(); // aborts the exchange: nobody reads the rest of this answer
        }
    }
}
