package dev.switchboard.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A thread's buffer for JSON bodies and the generator that writes into it, kept from one body to the next: a generator
 * costs more to make than most bodies cost to write (its I/O context, content reference and write contexts, about
 * 0.4 KB). The gateway writes its answers with it and the provider client its request bodies, on the same thread one
 * after another, so a thread holds one generator and one buffer for both.
 *
 * <p>The generator writes root values one after another with no separator, so each body starts where the buffer was
 * reset. A body is {@link #open opened}, written, {@link #finish finished} and taken out ({@link #toByteArray}, or read
 * in place through {@link #array} while {@link #uses} is unchanged); {@link #close} gives the output back to its
 * thread. An output whose body was left unfinished (a writer that threw, or that left a value open) or grew past
 * {@value #KEPT_BYTES} bytes is not given back: the thread makes a new one for its next body. Not thread-safe: one
 * output is used by the thread that opened it, for one body at a time; a body written while another is open on the
 * same thread gets an output of its own.
 */
public final class ReusedJsonOutput extends ByteArrayOutputStream {

    /** The largest buffer kept between bodies; one grown larger (a body with images) is dropped after use. */
    public static final int KEPT_BYTES = 64 * 1024;

    /** A mapper's factory, so that trees and plain values can be written too. */
    private static final com.fasterxml.jackson.core.JsonFactory FACTORY = new ObjectMapper().getFactory();
    /**
     * Each thread's place for its free output. The place stays in the thread's map and only its field changes: taking
     * the output out of the map and putting it back for every body (a remove and a set) cost more than writing a small
     * body, and the entries it moved about slowed the thread's other thread-locals (the JDK's I/O buffers) too.
     */
    private static final ThreadLocal<Kept> KEPT = ThreadLocal.withInitial(Kept::new);

    private final JsonGenerator generator;
    /** The place of the thread that made this output, where {@link #close} gives it back (on that thread only). */
    private final Kept home;
    /** How many bodies this buffer has been opened for: a body read in place holds the count it was written under. */
    private int uses;
    private boolean finished;

    private ReusedJsonOutput(Kept home) {
        super(4096);
        this.home = home;
        try {
            generator = FACTORY.createGenerator(this, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a generator on memory: only a bug gets here
        }
        generator.setRootValueSeparator(null);
    }

    /** This thread's output (a new one if it has none free), emptied for a new body. */
    public static ReusedJsonOutput open() {
        Kept kept = KEPT.get();
        ReusedJsonOutput out = kept.output;
        if (out == null) {
            out = new ReusedJsonOutput(kept);
        } else {
            kept.output = null;
        }
        out.reset();
        out.uses++;
        out.finished = false;
        return out;
    }

    /** The generator that writes into this buffer. Bytes written to the buffer directly go after what it flushed. */
    public JsonGenerator generator() {
        return generator;
    }

    /**
     * Flushes what the generator holds into the buffer. Returns whether the body was complete (every value written
     * was ended); if not, the generator is closed, which ends what was left open and flushes it too, and this output
     * is not kept.
     */
    public boolean finish() throws IOException {
        if (generator.getOutputContext().inRoot()) {
            generator.flush();
            finished = true;
            return true;
        }
        generator.close();
        return false;
    }

    /** The buffer's array: the body is its first {@link #size()} bytes while {@link #uses()} is unchanged. */
    public byte[] array() {
        return buf;
    }

    /** How many bodies this output has been opened for. */
    public int uses() {
        return uses;
    }

    /** Gives the output back to its thread if its body was finished and its buffer did not grow too large. */
    @Override
    public void close() {
        if (finished && buf.length <= KEPT_BYTES && home.output == null && home.thread == Thread.currentThread()) {
            home.output = this;
        }
    }

    /** A thread's free output, if it has one. */
    private static final class Kept {
        final Thread thread = Thread.currentThread();
        ReusedJsonOutput output;
    }
}
