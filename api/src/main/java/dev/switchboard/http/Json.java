package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.jspecify.annotations.Nullable;

/** The one Jackson mapper Switchboard shares (thread-safe), and small helpers for reading provider JSON. */
public final class Json {

    public static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    public static final JsonFactory FACTORY = MAPPER.getFactory();
    /** For whole documents written by people or models: text after the first value is an error, not ignored. */
    private static final ObjectReader STRICT_TREE =
            MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

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

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
