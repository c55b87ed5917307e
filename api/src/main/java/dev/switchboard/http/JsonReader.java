package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads JSON token by token as it arrives, with no intermediate tree: what a {@link ResponseReader} reads an answer
 * with. The method names are those of Jackson's streaming parser, which this wraps so that the SPI names no streaming
 * type of Jackson's (as {@link JsonWriter} does for writing). A part of a document that is easier to read whole, or
 * that must be handed on as a tree, is read with {@link #readTree()}. Not thread-safe; get one from
 * {@link Json#reader(java.io.InputStream)}, {@link Json#reader(JsonNode)} or from {@link HttpProviderClient}.
 */
public final class JsonReader implements Closeable {

    /** The kinds of token, as JSON has them (Jackson's integer and float tokens are one {@link #NUMBER}). */
    public enum Token { START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY, FIELD_NAME, STRING, NUMBER, TRUE, FALSE, NULL }

    private final JsonParser p;

    JsonReader(JsonParser parser) {
        this.p = Objects.requireNonNull(parser, "parser");
    }

    /** Moves to the next token and returns it; {@code null} at the end of the input. */
    public @Nullable Token nextToken() throws IOException {
        return token(p.nextToken());
    }

    /** The token the reader is on; {@code null} before the first and after the last. */
    public @Nullable Token currentToken() {
        return token(p.currentToken());
    }

    /**
     * Moves to the next token and, when it is a field name, returns it; {@code null} when it is anything else (in an
     * object, its end). Loop over an object's fields with it, calling {@link #nextToken()} to move onto each value.
     */
    public @Nullable String nextFieldName() throws IOException {
        return p.nextFieldName();
    }

    /** The text of the current token: a string's value, a number as written, a field's name. */
    public String getText() throws IOException {
        return p.getText();
    }

    /**
     * Reads the value that starts at the current token (an object or array with everything in it) into the tree
     * Jackson's mapper would make of it; the reader is then on that value's last token.
     */
    public JsonNode readTree() throws IOException {
        return node(p.currentToken());
    }

    /**
     * The tree of the value at {@code t}, built here rather than by the mapper ({@code readValueAsTree}), which makes
     * a deserialization context of about 300 bytes for every value: answer readers read several small ones each call.
     * Numbers get the node types the mapper gives them.
     */
    private JsonNode node(@Nullable JsonToken t) throws IOException {
        JsonNodeFactory f = Json.nodeFactory();
        if (t == null) {
            return f.missingNode(); // past the end of the input
        }
        switch (t) {
            case START_OBJECT: {
                ObjectNode object = f.objectNode();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    object.replace(name, node(p.nextToken())); // a repeated key: the last wins, as in the mapper's tree
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = f.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY && e != null; e = p.nextToken()) {
                    array.add(node(e));
                }
                return array;
            }
            case VALUE_STRING:
                return f.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return switch (p.getNumberTypeFP()) {
                    case BIG_DECIMAL -> f.numberNode(p.getDecimalValue());
                    case FLOAT32 -> f.numberNode(p.getFloatValue());
                    default -> f.numberNode(p.getDoubleValue());
                };
            case VALUE_TRUE:
                return f.booleanNode(true);
            case VALUE_FALSE:
                return f.booleanNode(false);
            case VALUE_NULL:
                return f.nullNode();
            default: // an embedded object, from a tree built in code: the mapper knows what to make of it
                JsonNode node = p.readValueAsTree();
                return node == null ? f.nullNode() : node;
        }
    }

    /** Skips the object or array that starts at the current token, leaving the reader on its end; on any other token, nothing. */
    public void skipChildren() throws IOException {
        p.skipChildren();
    }

    /** Closes the reader and, if it reads a stream, the stream. */
    @Override
    public void close() throws IOException {
        p.close();
    }

    private static @Nullable Token token(@Nullable JsonToken t) {
        if (t == null) {
            return null;
        }
        return switch (t) {
            case START_OBJECT -> Token.START_OBJECT;
            case END_OBJECT -> Token.END_OBJECT;
            case START_ARRAY -> Token.START_ARRAY;
            case END_ARRAY -> Token.END_ARRAY;
            case FIELD_NAME -> Token.FIELD_NAME;
            case VALUE_STRING -> Token.STRING;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Token.NUMBER;
            case VALUE_TRUE -> Token.TRUE;
            case VALUE_FALSE -> Token.FALSE;
            case VALUE_NULL -> Token.NULL;
            // JSON text yields no other: NOT_AVAILABLE is a non-blocking parser's, an embedded object a built tree's
            default -> throw new IllegalStateException("unexpected JSON token " + t);
        };
    }
}
