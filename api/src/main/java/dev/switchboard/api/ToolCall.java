package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import java.util.Objects;

/**
 * A call the model asks the caller to make. {@code arguments} is JSON text (OpenAI style); providers that
 * send an object serialise it. {@link #parsedArguments()} parses it.
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }

    /** The arguments as a JSON tree; fails with {@link IllegalStateException} if the model produced invalid JSON. */
    public JsonNode parsedArguments() {
        try {
            return Json.parse(arguments, "arguments of tool call " + name);
        } catch (IllegalArgumentException e) {
            // the model wrote them, not the caller: the call is in a bad state, no argument of this method is wrong
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
