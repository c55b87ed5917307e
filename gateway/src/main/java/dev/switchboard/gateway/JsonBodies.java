package dev.switchboard.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writes JSON bodies and SSE events to byte arrays, with one reusable buffer per thread. */
final class JsonBodies {

    /** The gateway's own generators: a mapper's factory, so that trees can be written too. */
    static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * A thread's buffer and the generator writing into it, kept for the thread's next body: a generator costs more to
     * make than most bodies cost to write. The generator writes root values one after another without a separator, so
     * each body starts where the last one was taken out of the buffer.
     */
    private static final class Output {
        final ByteArrayBuilder out = new ByteArrayBuilder(2048);
        final JsonGenerator g;

        Output() {
            try {
                g = FACTORY.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a generator on memory: only a bug gets here
            }
            g.setRootValueSeparator(null);
        }
    }

    private static final ThreadLocal<Output> OUTPUTS = ThreadLocal.withInitial(Output::new);

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

    /** {@code name}: null for a bare JSON document, empty for an unnamed event. */
    private static byte[] write(Writer w, String name) {
        boolean event = name != null;
        Output output = OUTPUTS.get();
        ByteArrayBuilder out = output.out;
        out.reset();
        boolean written = false;
        try {
            if (event && !name.isEmpty()) {
                out.write(EVENT);
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
            if (event) {
                out.write(DATA);
            }
            w.write(output.g);
            output.g.flush();
            if (!output.g.getOutputContext().inRoot()) {
                throw new IllegalStateException("a JSON body was left unfinished"); // a writer's bug
            }
            if (event) {
                out.write(EVENT_END);
            }
            written = true;
            return out.toByteArray(); // the one copy: the buffer is this thread's, the bytes leave with the answer
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory: only a bug gets here
        } finally {
            if (!written || out.size() > 64 * 1024) {
                OUTPUTS.remove(); // a generator left mid-value, or a large body's buffer: not kept for the thread
            }
        }
    }
}
