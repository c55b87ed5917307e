package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.Attempt;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.api.RateLimits;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes the command's JSON outputs field by field, so that their shape is a documented contract rather than
 * whatever a bean serialiser makes of records and {@code Optional}s. Absent values are left out.
 */
final class JsonOutput implements AutoCloseable {

    /** Writes one JSON document; may throw {@link IOException}. */
    interface Body {
        void write(JsonOutput json) throws IOException;
    }

    /** The command's own generators: a mapper's factory, so that trees can be written too. */
    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private final JsonGenerator g;

    private JsonOutput(Writer out, boolean pretty) throws IOException {
        JsonGenerator generator = FACTORY.createGenerator(out);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.g = pretty ? generator.useDefaultPrettyPrinter() : generator;
    }

    /** Writes one document to {@code out}, then a line break, and flushes. */
    static void write(Writer out, boolean pretty, Body body) {
        try (JsonOutput json = new JsonOutput(out, pretty)) {
            body.write(json);
            json.g.flush();
            out.write(System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JSON output: " + e.getMessage(), e);
        }
    }

    JsonGenerator generator() {
        return g;
    }

    @Override
    public void close() throws IOException {
        g.close();
    }

    /** A chat answer: identity, the message (text and tool calls), finish, usage, rate limits and the attempt trail. */
    void chatResponse(ChatResponse r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("provider", r.provider());
        g.writeStringField("model", r.model());
        g.writeStringField("text", r.text());
        if (!r.reasoning().isEmpty()) {
            g.writeStringField("reasoning", r.reasoning());
        }
        g.writeArrayFieldStart("toolCalls");
        for (ToolCall c : r.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("id", c.id());
            g.writeStringField("name", c.name());
            g.writeStringField("arguments", c.arguments());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("finishReason", r.finishReason().name().toLowerCase(Locale.ROOT));
        if (!r.rawFinishReason().isEmpty()) {
            g.writeStringField("rawFinishReason", r.rawFinishReason());
        }
        g.writeFieldName("usage");
        usage(r.usage());
        if (r.cost().isKnown()) {
            g.writeFieldName("costUsd");
            g.writeNumber(r.cost().usd().orElseThrow().toPlainString());
        }
        if (!r.rateLimits().isEmpty()) {
            g.writeFieldName("rateLimits");
            rateLimits(r.rateLimits());
        }
        g.writeFieldName("attempts");
        attempts(r);
        g.writeEndObject();
    }

    private void attempts(ChatResponse r) throws IOException {
        g.writeStartArray();
        for (Attempt a : r.attempts()) {
            attempt(a);
        }
        g.writeEndArray();
    }

    void attempt(Attempt a) throws IOException {
        g.writeStartObject();
        g.writeStringField("provider", a.provider());
        if (a.model().isPresent()) {
            g.writeStringField("model", a.model().get());
        }
        g.writeNumberField("latencyMs", a.latency().toMillis());
        g.writeStringField("outcome", a.outcome().name());
        g.writeBooleanField("succeeded", a.succeeded());
        if (a.errorKind().isPresent()) {
            g.writeStringField("errorKind", a.errorKind().get().name());
        }
        if (a.error().isPresent()) {
            g.writeStringField("error", a.error().get());
        }
        g.writeEndObject();
    }

    void usage(Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("inputTokens", u.inputTokens());
        g.writeNumberField("outputTokens", u.outputTokens());
        g.writeNumberField("totalTokens", u.totalTokens());
        g.writeNumberField("cachedInputTokens", u.cachedInputTokens());
        g.writeNumberField("reasoningTokens", u.reasoningTokens());
        g.writeEndObject();
    }

    private void rateLimits(RateLimits l) throws IOException {
        g.writeStartObject();
        number("limitRequests", l.limitRequests());
        number("remainingRequests", l.remainingRequests());
        millis("resetRequestsMs", l.resetRequests());
        number("limitTokens", l.limitTokens());
        number("remainingTokens", l.remainingTokens());
        millis("resetTokensMs", l.resetTokens());
        g.writeEndObject();
    }

    /** The vectors alone, in input order: {@code [[0.1, ...], ...]}. */
    void vectors(EmbeddingResponse r) throws IOException {
        g.writeStartArray();
        for (int i = 0; i < r.embeddings().size(); i++) {
            g.writeStartArray();
            // As floats: printed as doubles they would show binary noise (0.1f as 0.10000000149011612).
            for (float f : r.vector(i)) {
                g.writeNumber(f);
            }
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    void model(ModelInfo m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        if (m.kind().isPresent()) {
            g.writeStringField("kind", m.kind().get());
        }
        if (m.ownedBy().isPresent()) {
            g.writeStringField("ownedBy", m.ownedBy().get());
        }
        if (m.contextLength().isPresent()) {
            g.writeNumberField("contextLength", m.contextLength().getAsInt());
        }
        g.writeEndObject();
    }

    private void number(String field, OptionalLong value) throws IOException {
        if (value.isPresent()) {
            g.writeNumberField(field, value.getAsLong());
        }
    }

    private void millis(String field, Optional<Duration> value) throws IOException {
        if (value.isPresent()) {
            g.writeNumberField(field, value.get().toMillis());
        }
    }
}
