package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's request schema: a JSON Schema document (a subset: {@code type}, {@code properties}, {@code required},
 * {@code additionalProperties}, {@code items}, {@code enum}, {@code const}, {@code anyOf}, {@code oneOf} read as
 * "at least one", {@code allOf}, and {@code $ref} to {@code #/$defs/...}), derived from the provider's published
 * specification and naming its source and date in {@code $comment}. A body with a field the schema does not define,
 * or without one it requires, is a violation. Immutable and thread-safe.
 */
public final class RequestSchema {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final JsonNode root;

    private RequestSchema(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    /** Loads a schema from the class path, e.g. {@code schemas/openai-chat-request.json}. */
    public static RequestSchema load(String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = Objects.requireNonNull(loader.getResourceAsStream(resource),
                () -> "no schema " + resource + " on the class path")) {
            JsonNode root = MAPPER.readTree(in);
            if (!root.hasNonNull("$comment")) {
                throw new IllegalArgumentException(resource + " must name its source and date in $comment");
            }
            return new RequestSchema(resource, root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    public String name() {
        return name;
    }

    /** Every place {@code body} breaks the schema, as {@code /path: problem}; empty when it conforms. */
    public List<String> violations(JsonNode body) {
        List<String> out = new ArrayList<>();
        check(root, body, "", out);
        return out;
    }

    /** @throws AssertionError naming the schema and every violation, when {@code body} does not conform */
    public void check(JsonNode body, String what) {
        List<String> problems = violations(body);
        if (!problems.isEmpty()) {
            throw new AssertionError(what + " does not conform to " + name + ":\n  " + String.join("\n  ", problems)
                    + "\nbody: " + body);
        }
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> out) {
        if (schema.isBoolean()) {
            if (!schema.asBoolean()) {
                out.add(at(path) + ": not allowed here");
            }
            return;
        }
        if (schema.has("$ref")) {
            check(resolve(schema.get("$ref").asText()), value, path, out);
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            out.add(at(path) + ": expected " + schema.get("type") + ", was " + kind(value));
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            out.add(at(path) + ": must be " + schema.get("const") + ", was " + value);
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            out.add(at(path) + ": must be one of " + schema.get("enum") + ", was " + value);
        }
        if (schema.has("allOf")) {
            for (JsonNode s : schema.get("allOf")) {
                check(s, value, path, out);
            }
        }
        for (String alternatives : List.of("anyOf", "oneOf")) {
            if (schema.has(alternatives)) {
                checkAlternatives(schema.get(alternatives), value, path, out);
            }
        }
        if (value.isObject()) {
            checkObject(schema, value, path, out);
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "/" + i, out);
            }
        }
    }

    private void checkAlternatives(JsonNode alternatives, JsonNode value, String path, List<String> out) {
        List<String> closest = null;
        for (JsonNode s : alternatives) {
            List<String> problems = new ArrayList<>();
            check(s, value, path, problems);
            if (problems.isEmpty()) {
                return;
            }
            if (closest == null || problems.size() < closest.size()) {
                closest = problems;
            }
        }
        out.add(at(path) + ": matches none of its alternatives; the closest fails with " + closest);
    }

    private void checkObject(JsonNode schema, JsonNode value, String path, List<String> out) {
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                out.add(at(path) + ": required field '" + required.asText() + "' is missing");
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        boolean closed = schema.has("properties") || additional != null;
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String child = path + "/" + f.getKey();
            if (properties.has(f.getKey())) {
                check(properties.get(f.getKey()), f.getValue(), child, out);
            } else if (additional != null && additional.isObject()) {
                check(additional, f.getValue(), child, out);
            } else if (closed && (additional == null || !additional.asBoolean(false)) && !combines(schema)) {
                out.add(at(child) + ": unknown field (the spec does not define it)");
            }
        }
    }

    /** A schema that only adds constraints beside alternatives leaves the fields to them. */
    private static boolean combines(JsonNode schema) {
        return !schema.has("properties") && (schema.has("anyOf") || schema.has("oneOf") || schema.has("allOf"));
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException(name + ": only local references are supported, was " + ref);
        }
        JsonNode target = root.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw new IllegalArgumentException(name + ": unresolved reference " + ref);
        }
        return target;
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String kind(JsonNode value) {
        return value.isNull() ? "null" : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String at(String path) {
        return path.isEmpty() ? "/" : path;
    }
}
