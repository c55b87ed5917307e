package dev.switchboard.api;

import dev.switchboard.http.Json;
import java.util.Map;
import java.util.Objects;

/**
 * A call the model asks the caller to make. {@code arguments} is JSON text (OpenAI style); providers that
 * send an object serialise it. {@link #argumentsAsMap()} parses it into plain Java values.
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }

    /**
     * The arguments as plain Java values: a map from argument name to a {@code String}, a {@code Number}, a
     * {@code Boolean}, {@code null}, a {@code List} or a {@code Map} of these; a fresh copy the caller may change.
     *
     * @throws IllegalStateException if the model wrote something other than one JSON object
     */
    public Map<String, Object> argumentsAsMap() {
        try {
            return Json.parseObject(arguments, "arguments of tool call " + name);
        } catch (IllegalArgumentException e) {
            // the model wrote them, not the caller: the call is in a bad state, no argument of this method is wrong
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
