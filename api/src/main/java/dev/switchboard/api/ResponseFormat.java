package dev.switchboard.api;

import dev.switchboard.http.Json;
import java.util.Objects;

/** The shape the answer must take. */
public sealed interface ResponseFormat permits ResponseFormat.Text, ResponseFormat.JsonObject, ResponseFormat.JsonSchema {

    Text TEXT = new Text();
    JsonObject JSON = new JsonObject();

    static JsonSchema jsonSchema(String name, String schema) {
        return new JsonSchema(name, schema, true);
    }

    /** Free text (the default). */
    record Text() implements ResponseFormat {}

    /** Any valid JSON object. */
    record JsonObject() implements ResponseFormat {}

    /** JSON that follows a schema, given as JSON text. */
    record JsonSchema(String name, String schema, boolean strict) implements ResponseFormat {
        public JsonSchema {
            Objects.requireNonNull(name, "name");
            Json.requireObject(schema, "response schema " + name);
        }
    }
}
