package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * Writes JSON as it goes, with no intermediate tree: what request codecs write bodies with (see {@link BodyWriter}).
 * The method names are those of Jackson's streaming generator, which this wraps so that the SPI names no streaming
 * type of Jackson's. Not thread-safe; get one from {@link Json#writer(java.io.OutputStream)} or from
 * {@link HttpProviderClient}.
 */
public final class JsonWriter implements Closeable {

    private final JsonGenerator g;

    JsonWriter(JsonGenerator generator) {
        this.g = Objects.requireNonNull(generator, "generator");
    }

    public void writeStartObject() throws IOException { g.writeStartObject(); }
    public void writeEndObject() throws IOException { g.writeEndObject(); }
    public void writeStartArray() throws IOException { g.writeStartArray(); }
    public void writeEndArray() throws IOException { g.writeEndArray(); }
    public void writeFieldName(String name) throws IOException { g.writeFieldName(name); }
    /** {@code "name": {}} opened: the field name and the start of an object. */
    public void writeObjectFieldStart(String name) throws IOException { g.writeObjectFieldStart(name); }
    /** {@code "name": []} opened: the field name and the start of an array. */
    public void writeArrayFieldStart(String name) throws IOException { g.writeArrayFieldStart(name); }

    public void writeString(String text) throws IOException { g.writeString(text); }
    public void writeNumber(int n) throws IOException { g.writeNumber(n); }
    public void writeNumber(long n) throws IOException { g.writeNumber(n); }
    public void writeNumber(double n) throws IOException { g.writeNumber(n); }
    public void writeNumber(float n) throws IOException { g.writeNumber(n); }
    public void writeNumber(BigDecimal n) throws IOException { g.writeNumber(n); }
    public void writeBoolean(boolean b) throws IOException { g.writeBoolean(b); }
    public void writeNull() throws IOException { g.writeNull(); }

    public void writeStringField(String name, String text) throws IOException { g.writeStringField(name, text); }
    public void writeNumberField(String name, int n) throws IOException { g.writeNumberField(name, n); }
    public void writeNumberField(String name, long n) throws IOException { g.writeNumberField(name, n); }
    public void writeNumberField(String name, double n) throws IOException { g.writeNumberField(name, n); }
    public void writeNumberField(String name, float n) throws IOException { g.writeNumberField(name, n); }
    public void writeNumberField(String name, BigDecimal n) throws IOException { g.writeNumberField(name, n); }
    public void writeBooleanField(String name, boolean b) throws IOException { g.writeBooleanField(name, b); }
    public void writeNullField(String name) throws IOException { g.writeNullField(name); }

    /** JSON text written as it is, e.g. a schema the caller already checked with {@link Json#parse}. */
    public void writeRawValue(String json) throws IOException { g.writeRawValue(json); }

    public void writeTree(JsonNode node) throws IOException { g.writeTree(node); }

    /**
     * A plain Java value: a string, number, boolean, {@code null}, a {@link JsonNode}, or a map or list of these (e.g.
     * extra body parameters a caller set).
     */
    public void writeValue(Object value) throws IOException { Json.writeValue(g, value); }

    public void flush() throws IOException { g.flush(); }

    /** Ends what is open and flushes; does not close the stream underneath when it came from the HTTP client. */
    @Override
    public void close() throws IOException { g.close(); }
}
