package dev.switchboard.internal;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.json.async.NonBlockingJsonParser;
import com.fasterxml.jackson.databind.MappingJsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A JSON parser that a thread keeps and reads one whole document after another with: the gateway's I/O thread reads
 * a client's request body and, later, the upstream's answer with the same parser. Making a parser for every body cost
 * about 0.7 KB each time (the parser, its I/O context, read contexts, text buffer, name table and quad buffer); a
 * kept one costs nothing per body.
 *
 * <p>It is Jackson's non-blocking parser, which reads root values one after another as bytes are fed to it, given
 * each whole document at once ({@link #open}). To its reader it behaves as Jackson's parser of a whole byte array
 * does: after the document's value, {@link #nextToken()} returns null; a document that stops in the middle of a value
 * ends there, with the same kind of end-of-input error (never {@code NOT_AVAILABLE}). Only UTF-8 is read (JSON's
 * encoding; a caller whose reading fails may read the same bytes again with an ordinary parser, which also detects
 * UTF-16 and UTF-32).
 *
 * <p>{@link #close()} gives the parser back to its thread only when the document was read to its end and nothing but
 * whitespace followed: then the parser is at the root, between values, exactly as it was before the document, so what
 * one body held (a syntax error, a cut value, trailing text) never reaches the next. Any other parser is closed for
 * good, and the thread makes a new one for its next document. A parser that met an unusually large document, or many
 * field names it had not seen before, is not kept either, so that what one body grew does not stay with the thread.
 * Not thread-safe: a parser is used by the thread that opened it, until it is closed.
 */
public final class ReusedJsonParser extends NonBlockingJsonParser {

    /** Documents larger than this leave their parser's grown text buffer behind: the parser is not kept. */
    private static final int KEPT_DOCUMENT_BYTES = 64 * 1024;
    /** New field names a kept parser may learn before it is replaced (its name table is not shrunk while kept). */
    private static final int KEPT_NEW_NAMES = 512;
    private static final byte[] NO_BYTES = new byte[0];

    /** A mapper's factory, so that {@code readValueAsTree} works; its name table is shared by every thread's parser. */
    private static final Factory FACTORY = new Factory();
    /**
     * Each thread's place for its free parser; the place stays in the thread's map and only its field changes (as for
     * {@link ReusedJsonOutput}'s: a remove and a set per document cost more than they saved).
     */
    private static final ThreadLocal<Kept> KEPT = ThreadLocal.withInitial(Kept::new);

    private final int namesAtStart;
    /** The place of the thread that made this parser, where {@link #close} gives it back (on that thread only). */
    private final Kept home;
    /** The last token returned ended a root value. */
    private boolean valueDone;
    /** The document opened is larger than {@link #KEPT_DOCUMENT_BYTES}. */
    private boolean large;

    private ReusedJsonParser(Factory factory, Kept home) {
        super(factory.context(), factory.parserFeatures(), factory.names());
        this.home = home;
        namesAtStart = _symbols.size();
    }

    /**
     * A parser of the document {@code bytes[offset, offset + length)}: this thread's kept one, or a new one when the
     * thread has none (or is already reading another document with it). Close it once the document is read.
     */
    public static ReusedJsonParser open(byte[] bytes, int offset, int length) throws IOException {
        Kept kept = KEPT.get();
        ReusedJsonParser p = kept.parser;
        if (p == null) {
            p = new ReusedJsonParser(FACTORY, kept);
        } else {
            kept.parser = null;
        }
        p.start(bytes, offset, length);
        return p;
    }

    private void start(byte[] bytes, int offset, int length) throws IOException {
        valueDone = false;
        large = length > KEPT_DOCUMENT_BYTES;
        _currToken = null; // no token yet, as in a new parser
        // Locations and counts start again at the document's start, as a parser of this document alone counts them.
        _tokenCount = 0;
        _currInputProcessed = 0;
        _origBufferLen = 0;
        _currInputRow = 1;
        _currInputRowAlt = 1;
        _inputPtr = 0;
        _inputEnd = 0;
        feedInput(bytes, offset, offset + length);
        _currInputRowStart = offset;
    }

    /**
     * The next token, as a parser of the whole document returns it: null after the root value; at a document cut in
     * the middle of a value, what a parser meeting the end of its input there gives (the last token, or an error).
     */
    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken t = super.nextToken();
        if (t == JsonToken.NOT_AVAILABLE) {
            if (valueDone) {
                _currToken = null; // the document's end: only whitespace was left
                return null;
            }
            endOfInput(); // all of the document has been given: it ends here (and this parser is not kept)
            t = super.nextToken();
        }
        // true after a root value's last token; false again at the start of a second root value, which may be cut
        valueDone = t != null && (t.isScalarValue() || t.isStructEnd()) && _parsingContext.inRoot();
        return t;
    }

    /**
     * The mapper, for {@code readValueAsTree}: Jackson's non-blocking parser refuses one ({@code setCodec}) because a
     * mapper cannot read its {@code NOT_AVAILABLE} tokens; this parser never returns any.
     */
    @Override
    public ObjectCodec getCodec() {
        return FACTORY.getCodec();
    }

    /** Gives the parser back to its thread when it can read another document as if new; else closes it. */
    @Override
    public void close() throws IOException {
        if (keepable()) {
            feedInput(NO_BYTES, 0, 0); // the document's bytes are not held by the kept parser
            home.parser = this;
        } else {
            super.close();
        }
    }

    private boolean keepable() {
        if (isClosed() || _endOfInput || large || _symbols.size() - namesAtStart > KEPT_NEW_NAMES || home.parser != null
                || home.thread != Thread.currentThread()) {
            return false;
        }
        try {
            // the value read to its end, and only whitespace after it (the parser then asks for more input)
            return valueDone && _currToken != JsonToken.NOT_AVAILABLE
                    && (_currToken == null || super.nextToken() == JsonToken.NOT_AVAILABLE);
        } catch (IOException | RuntimeException trailingText) {
            return false;
        }
    }

    /** A thread's free parser, if it has one. */
    private static final class Kept {
        final Thread thread = Thread.currentThread();
        ReusedJsonParser parser;
    }

    /** A mapper's factory that makes the parts of a non-blocking parser, for a subclass of it. */
    private static final class Factory extends MappingJsonFactory {
        private static final long serialVersionUID = 1L;

        Factory() {
            new ObjectMapper(this); // the mapper sets itself as this factory's codec
        }

        com.fasterxml.jackson.core.io.IOContext context() {
            return _createNonBlockingContext(null);
        }

        int parserFeatures() {
            return _parserFeatures;
        }

        com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer names() {
            return _byteSymbolCanonicalizer.makeChildOrPlaceholder(_factoryFeatures);
        }
    }
}
