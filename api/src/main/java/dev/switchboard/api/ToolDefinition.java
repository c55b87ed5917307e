package dev.switchboard.api;

import dev.switchboard.http.Json;
import java.util.Objects;

/**
 * A function the model may call. {@code parametersSchema} is a JSON Schema object as JSON text; it is checked
 * to be a JSON object when the definition is made, so a typo fails here and not at the provider.
 */
public record ToolDefinition(String name, String description, String parametersSchema, boolean strict) {

    private static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        description = description == null ? "" : description;
        parametersSchema = parametersSchema == null ? EMPTY_OBJECT_SCHEMA : parametersSchema;
        Json.requireObject(parametersSchema, "parameters schema of tool " + name);
    }

    public static ToolDefinition of(String name, String description, String parametersSchema) {
        return new ToolDefinition(name, description, parametersSchema, false);
    }
}
