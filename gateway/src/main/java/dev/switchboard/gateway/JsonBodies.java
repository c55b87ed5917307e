package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.internal.ReusedJsonOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writes JSON bodies and SSE events to byte arrays, with the thread's kept buffer and generator. */
final class JsonBodies {

    /** A mapper's factory, for the gateway's parsers made per body (a cache key's {@link CanonicalBody}). */
    static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private JsonBodies() {}

    /** A JSON document. */
    static byte[] json(Writer w) {
        return write(w, null);
    }

    /** One SSE event: {@code data: <json>\n\n}. */
    static byte[] event(Writer w) {
        return write(w, "");
    }

    /**
     * One SSE event with a name: {@code event: <name>\ndata: <json>\n\n}, as APIs whose events are typed send them
     * (OpenAI's Responses API, Anthropic's Messages API).
     */
    static byte[] namedEvent(String name, Writer w) {
        return write(w, name);
    }

    /**
     * {@code name}: null for a bare JSON document, empty for an unnamed event. Written with the thread's kept buffer
     * and generator ({@link ReusedJsonOutput}), then copied out: the one copy, as the bytes leave with the answer.
     */
    private static byte[] write(Writer w, String name) {
        boolean event = name != null;
        try (ReusedJsonOutput out = ReusedJsonOutput.open()) {
            if (event && !name.isEmpty()) {
                out.write(EVENT);
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
            if (event) {
                out.write(DATA);
            }
            w.write(out.generator());
            if (!out.finish()) {
                throw new IllegalStateException("a JSON body was left unfinished"); // a writer's bug
            }
            if (event) {
                out.write(EVENT_END);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory: only a bug gets here
        }
    }
}
