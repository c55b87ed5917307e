package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.http.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts a JSON Schema into the OpenAPI 3.0 subset that Gemini's {@code parameters} and {@code responseSchema}
 * fields take (the {@code Schema} object of the API reference), for {@code schema-format = openapi}. Stateless.
 *
 * <ul>
 *   <li>kept: {@code type} (upper-cased), {@code format}, {@code title}, {@code description}, {@code nullable},
 *       {@code enum} (values as strings), {@code properties}, {@code required}, {@code propertyOrdering},
 *       {@code items}, {@code anyOf}, {@code minItems}/{@code maxItems}, {@code minimum}/{@code maximum},
 *       {@code minLength}/{@code maxLength}, {@code pattern}, {@code minProperties}/{@code maxProperties},
 *       {@code default}, {@code example};</li>
 *   <li>converted: {@code "type": ["string", "null"]} to {@code STRING} plus {@code nullable: true} (several
 *       non-null types to an {@code anyOf}); {@code const} to a one-value {@code enum}; {@code oneOf} to
 *       {@code anyOf}; {@code examples[0]} to {@code example}; local {@code $ref}s ({@code #/$defs/...},
 *       {@code #/definitions/...}) inlined;</li>
 *   <li>stripped: {@code $schema}, {@code $id}, {@code $comment}, {@code $defs}/{@code definitions} (after inlining),
 *       {@code additionalProperties}, {@code patternProperties}, {@code unevaluatedProperties}, {@code allOf},
 *       {@code not}, {@code exclusiveMinimum}/{@code exclusiveMaximum}, {@code multipleOf}, {@code uniqueItems},
 *       and any other keyword the subset lacks; the model then simply is not held to them;</li>
 *   <li>refused ({@link IllegalArgumentException}): recursive or non-local {@code $ref}s, which the subset cannot
 *       express (use {@code schema-format = json-schema}).</li>
 * </ul>
 */
final class GeminiSchemas {

    private static final Set<String> COPIED = Set.of("format", "title", "description", "nullable", "required",
            "propertyOrdering", "minItems", "maxItems", "minimum", "maximum", "minLength", "maxLength", "pattern",
            "minProperties", "maxProperties", "default", "example");
    private static final int MAX_REF_DEPTH = 16;

    private GeminiSchemas() {}

    /** The OpenAPI-subset form of JSON Schema {@code schema} (a JSON object's text). */
    static ObjectNode toOpenApi(String schema, String what) {
        JsonNode root = Json.parse(schema, what);
        return convert(root, root, what, 0);
    }

    private static ObjectNode convert(JsonNode node, JsonNode root, String what, int refDepth) {
        ObjectNode out = Json.object();
        if (!node.isObject()) {
            return out; // "true" (anything) and other non-object schemas: no constraint the subset can state
        }
        JsonNode ref = node.get("$ref");
        if (ref != null) {
            if (refDepth >= MAX_REF_DEPTH) {
                throw new IllegalArgumentException(what + ": $ref " + ref.asText() + " is recursive, which Gemini's "
                        + "OpenAPI schema subset cannot express; use schema-format = json-schema");
            }
            return convert(resolve(ref.asText(), root, what), root, what, refDepth + 1);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "type" -> writeType(out, v);
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    for (Iterator<Map.Entry<String, JsonNode>> p = v.fields(); p.hasNext(); ) {
                        Map.Entry<String, JsonNode> prop = p.next();
                        props.set(prop.getKey(), convert(prop.getValue(), root, what, refDepth));
                    }
                }
                case "items" -> {
                    if (v.isObject()) {
                        out.set("items", convert(v, root, what, refDepth));
                    }
                }
                case "anyOf", "oneOf" -> {
                    ArrayNode any = out.putArray("anyOf");
                    for (JsonNode option : v) {
                        any.add(convert(option, root, what, refDepth));
                    }
                }
                case "enum" -> out.set("enum", strings(v));
                case "const" -> out.putArray("enum").add(v.isTextual() ? v.asText() : v.toString());
                case "examples" -> {
                    if (v.isArray() && !v.isEmpty() && !node.has("example")) {
                        out.set("example", v.get(0));
                    }
                }
                default -> {
                    if (COPIED.contains(key)) {
                        out.set(key, v);
                    }
                }
            }
        }
        return out;
    }

    /** {@code "string"} as {@code STRING}; {@code ["string", "null"]} as {@code STRING} + nullable; several as anyOf. */
    private static void writeType(ObjectNode out, JsonNode v) {
        if (v.isTextual()) {
            out.put("type", v.asText().toUpperCase(Locale.ROOT));
            return;
        }
        List<String> types = new ArrayList<>();
        for (JsonNode t : v) {
            if (t.asText().equals("null")) {
                out.put("nullable", true);
            } else {
                types.add(t.asText().toUpperCase(Locale.ROOT));
            }
        }
        if (types.size() == 1) {
            out.put("type", types.get(0));
        } else if (types.size() > 1) {
            ArrayNode any = out.putArray("anyOf");
            types.forEach(t -> any.addObject().put("type", t));
        }
    }

    private static ArrayNode strings(JsonNode values) {
        ArrayNode out = Json.array();
        for (JsonNode v : values) {
            if (!v.isNull()) {
                out.add(v.isTextual() ? v.asText() : v.toString());
            }
        }
        return out;
    }

    private static JsonNode resolve(String ref, JsonNode root, String what) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException(what + ": only local $refs (#/$defs/...) can be inlined, not " + ref);
        }
        JsonNode target = root;
        for (String step : ref.substring(2).split("/")) {
            target = target.path(step.replace("~1", "/").replace("~0", "~"));
        }
        if (target.isMissingNode()) {
            throw new IllegalArgumentException(what + ": $ref " + ref + " points at nothing");
        }
        return target;
    }
}
