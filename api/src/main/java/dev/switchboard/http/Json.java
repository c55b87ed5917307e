package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.internal.ReusedJsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON for wire codecs: trees to build and read, parsing, and a {@link JsonWriter} for bodies. Switchboard's one
 * Jackson mapper stays inside this class (a mapper is mutable; shared, one plugin could change it for everyone).
 * Thread-safe.
 */
public final class Json {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    /** For whole documents written by people or models: text after the first value is an error, not ignored. */
    private static final ObjectReader STRICT_TREE =
            MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<LinkedHashMap<String, Object>> PLAIN_OBJECT = new TypeReference<>() {};

    private Json() {}

    /** A new, empty JSON object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A new, empty JSON array. */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** The mapper's factory of tree nodes, for {@link JsonReader}. */
    static JsonNodeFactory nodeFactory() {
        return MAPPER.getNodeFactory();
    }

    /** A JSON string. */
    public static TextNode textNode(String text) {
        return MAPPER.getNodeFactory().textNode(text);
    }

    /**
     * Parses JSON text that must be one whole value; {@link IllegalArgumentException} names {@code what} if it is
     * not valid JSON or has text after the value.
     */
    public static JsonNode parse(String json, String what) {
        try {
            return STRICT_TREE.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Parses a JSON object into plain Java values (maps, lists, strings, numbers, booleans, {@code null}), a fresh
     * copy the caller may change; {@link IllegalArgumentException} names {@code what} if it is not one whole object.
     */
    public static Map<String, Object> parseObject(String json, String what) {
        JsonNode node = parse(json, what);
        if (!node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return MAPPER.convertValue(node, PLAIN_OBJECT);
    }

    /** Reads one JSON value from text a server sent (text after it is ignored, as in a stream). */
    public static JsonNode read(String json) throws IOException {
        return MAPPER.readTree(json);
    }

    /** Reads one JSON value from part of a buffer (an SSE {@code data} field, an NDJSON line). */
    public static JsonNode read(byte[] buffer, int offset, int length) throws IOException {
        return MAPPER.readTree(buffer, offset, length);
    }

    /** Reads one JSON value from a stream; a stream with no content reads as a missing node. */
    public static JsonNode read(InputStream in) throws IOException {
        return MAPPER.readTree(in);
    }

    /**
     * A reader of one JSON value from a stream, token by token, with no tree (text after the value is not read);
     * closing it closes {@code in}.
     */
    public static JsonReader reader(InputStream in) throws IOException {
        return new JsonReader(MAPPER.createParser(in));
    }

    /** A reader of one JSON value in part of a buffer, token by token, with no tree (text after the value is not read). */
    static JsonReader reader(byte[] buffer, int offset, int length) throws IOException {
        return new JsonReader(MAPPER.createParser(buffer, offset, length));
    }

    /**
     * As {@link #reader(byte[], int, int)}, with the parser this thread keeps for one whole document after another
     * ({@link ReusedJsonParser}); it reads UTF-8 only. A caller whose reading fails with a {@code
     * JsonProcessingException} reads the bytes again with {@link #reader(byte[], int, int)}, whose error (or answer,
     * for a body in another encoding) is the one to report.
     */
    static JsonReader reusedReader(byte[] buffer, int offset, int length) throws IOException {
        return new JsonReader(ReusedJsonParser.open(buffer, offset, length));
    }

    /** A reader of a tree token by token, as if its JSON arrived on a stream: one reader then serves both. */
    public static JsonReader reader(JsonNode tree) {
        return new JsonReader(MAPPER.treeAsTokens(tree));
    }

    /** A writer of UTF-8 JSON onto {@code out}; closing it flushes and closes {@code out}. */
    public static JsonWriter writer(OutputStream out) throws IOException {
        return new JsonWriter(FACTORY.createGenerator(out, JsonEncoding.UTF8));
    }

    /** Checks that {@code json} is a JSON object; {@link IllegalArgumentException} names {@code what} if not. */
    public static void requireObject(String json, String what) {
        if (json == null || !parse(json, what).isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
    }

    /** The text of a field, or {@code null} when it is missing or JSON null. */
    public static @Nullable String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A path of fields; missing steps give a {@link MissingNode}. */
    public static JsonNode at(JsonNode node, String... fields) {
        JsonNode n = node;
        for (String f : fields) {
            n = n.path(f);
        }
        return n;
    }

    /** A plain Java value (or a tree) as JSON text. */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** For {@link JsonWriter#writeValue}: the mapper knows how to write maps, lists and trees. */
    static void writeValue(JsonGenerator g, Object value) throws IOException {
        MAPPER.writeValue(g, value);
    }
}
