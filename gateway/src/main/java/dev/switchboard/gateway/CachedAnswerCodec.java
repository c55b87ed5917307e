package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;
import dev.switchboard.openai.OpenAiWire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResponseCache.Entry} as text, for a cache kept outside the process. An answer that was not streamed is
 * kept as the {@code chat.completion} the gateway writes for it (and read back by the OpenAI codec, so a hit writes
 * the same body); a streamed answer as its events, one small object each, so a replay gives the same chunks,
 * whatever {@code stream_options} the replaying request has. Signed reasoning blocks are left out: a
 * {@code chat.completion.chunk} has no place for them.
 */
final class CachedAnswerCodec {

    /** Bumped when the form changes, so entries of another version are misses rather than misread. */
    private static final int VERSION = 1;

    /** Reads the finish reasons and usage the gateway itself wrote. */
    private static final OpenAiWire.Dialect OWN = new OpenAiWire.Dialect() {
        @Override
        public FinishReason finishReason(String raw) {
            return OpenAiWire.finishReason(raw);
        }

        @Override
        public Usage usage(JsonNode responseOrChunk) {
            return OpenAiWire.usage(responseOrChunk.get("usage"));
        }
    };

    private CachedAnswerCodec() {}

    static String encode(ResponseCache.Entry entry) {
        byte[] bytes = JsonBodies.json(g -> {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("provider", entry.provider());
            ChatResponse r = entry.response();
            if (r != null) {
                g.writeFieldName("response");
                OpenAiServerCodec.writeChatCompletion(g, r, r.id(), r.model(), 0);
            } else {
                g.writeArrayFieldStart("events");
                for (ChatEvent e : entry.events()) {
                    writeEvent(g, e);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The entry {@code text} holds, or null when it is not one this version wrote. */
    static ResponseCache.@Nullable Entry decode(String text) {
        JsonNode node;
        try {
            node = Json.read(text);
        } catch (IOException e) {
            return null;
        }
        if (node == null || node.path("v").asInt() != VERSION || !node.path("provider").isTextual()) {
            return null;
        }
        try {
            return decode(node);
        } catch (RuntimeException e) { // not what this version writes: a miss, and the answer is kept anew
            return null;
        }
    }

    private static ResponseCache.Entry decode(JsonNode node) {
        String provider = node.path("provider").asText();
        JsonNode response = node.get("response");
        if (response != null) {
            return new ResponseCache.Entry(OpenAiWire.readChatResponse(response, provider, "", OWN, RateLimits.NONE),
                    List.of(), provider);
        }
        List<ChatEvent> events = new ArrayList<>();
        for (JsonNode e : node.path("events")) {
            ChatEvent event = readEvent(e);
            if (event != null) {
                events.add(event);
            }
        }
        return new ResponseCache.Entry(null, events, provider);
    }

    private static void writeEvent(JsonGenerator g, ChatEvent e) throws IOException {
        if (e instanceof ChatEvent.ReasoningBlockEnd) {
            return;
        }
        g.writeStartObject();
        if (e instanceof ChatEvent.Started s) {
            g.writeStringField("t", "start");
            writeOptional(g, "id", s.id());
            writeOptional(g, "model", s.model());
        } else if (e instanceof ChatEvent.TextDelta t) {
            g.writeStringField("t", "text");
            g.writeStringField("text", t.text());
        } else if (e instanceof ChatEvent.ReasoningDelta r) {
            g.writeStringField("t", "reasoning");
            g.writeStringField("text", r.text());
        } else if (e instanceof ChatEvent.ToolCallDelta d) {
            g.writeStringField("t", "tool");
            g.writeNumberField("index", d.index());
            writeOptional(g, "id", d.id());
            writeOptional(g, "name", d.name());
            g.writeStringField("arguments", d.argumentsFragment());
        } else if (e instanceof ChatEvent.UsageReport u) {
            g.writeStringField("t", "usage");
            Usage usage = u.usage();
            g.writeNumberField("input", usage.inputTokens());
            g.writeNumberField("output", usage.outputTokens());
            g.writeNumberField("cached", usage.cachedInputTokens());
            g.writeNumberField("reasoning", usage.reasoningTokens());
            g.writeNumberField("cache_write", usage.cacheWriteInputTokens());
        } else if (e instanceof ChatEvent.Finished f) {
            g.writeStringField("t", "finish");
            g.writeStringField("reason", f.reason().name());
            g.writeStringField("raw", f.rawReason());
        }
        g.writeEndObject();
    }

    private static @Nullable ChatEvent readEvent(JsonNode e) {
        switch (e.path("t").asText()) {
            case "start":
                return new ChatEvent.Started(Json.text(e, "id"), Json.text(e, "model"));
            case "text":
                return new ChatEvent.TextDelta(e.path("text").asText());
            case "reasoning":
                return new ChatEvent.ReasoningDelta(e.path("text").asText());
            case "tool":
                return new ChatEvent.ToolCallDelta(e.path("index").asInt(), Json.text(e, "id"), Json.text(e, "name"),
                        e.path("arguments").asText());
            case "usage":
                return new ChatEvent.UsageReport(Usage.builder().inputTokens(e.path("input").asLong())
                        .outputTokens(e.path("output").asLong()).cachedInputTokens(e.path("cached").asLong())
                        .reasoningTokens(e.path("reasoning").asLong())
                        .cacheWriteInputTokens(e.path("cache_write").asLong()).build());
            case "finish":
                return new ChatEvent.Finished(FinishReason.valueOf(e.path("reason").asText()),
                        e.path("raw").asText());
            default:
                return null;
        }
    }

    private static void writeOptional(JsonGenerator g, String field, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }
}
