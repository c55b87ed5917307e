package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import org.junit.jupiter.api.Test;

/** JSON Schema to the OpenAPI subset of Gemini's {@code parameters} / {@code responseSchema}. */
class GeminiSchemasTest {

    private static JsonNode convert(String schema) {
        return GeminiSchemas.toOpenApi(schema, "test schema");
    }

    @Test
    void typesAreUpperCasedAndKeywordsTheSubsetLacksAreLeftOut() {
        JsonNode out = convert("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"additionalProperties\":false,\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,"
                + "\"exclusiveMaximum\":10,\"description\":\"count\"}},\"required\":[\"n\"]}");

        assertThat(out).isEqualTo(Json.parse("{\"type\":\"OBJECT\",\"properties\":{\"n\":{\"type\":\"INTEGER\",\"minimum\":1,"
                + "\"description\":\"count\"}},\"required\":[\"n\"]}", "expected"));
    }

    @Test
    void aNullableUnionBecomesNullableAndOtherUnionsAnyOf() {
        JsonNode out = convert("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"string\",\"null\"]},"
                + "\"b\":{\"type\":[\"string\",\"integer\"]}}}");

        assertThat(out.at("/properties/a")).isEqualTo(Json.parse("{\"nullable\":true,\"type\":\"STRING\"}", "a"));
        assertThat(out.at("/properties/b/anyOf")).isEqualTo(Json.parse("[{\"type\":\"STRING\"},{\"type\":\"INTEGER\"}]", "b"));
    }

    @Test
    void constOneOfAndEnumsBecomeStringEnumsAndAnyOf() {
        JsonNode out = convert("{\"oneOf\":[{\"const\":\"celsius\"},{\"type\":\"integer\",\"enum\":[101,201]}]}");

        assertThat(out.at("/anyOf/0/enum")).isEqualTo(Json.parse("[\"celsius\"]", "c"));
        assertThat(out.at("/anyOf/1/enum")).isEqualTo(Json.parse("[\"101\",\"201\"]", "e"));
    }

    @Test
    void localRefsAreInlinedAndTheirDefinitionsDropped() {
        JsonNode out = convert("{\"type\":\"object\",\"properties\":{\"home\":{\"$ref\":\"#/$defs/Address\"},"
                + "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/Item\"}}},"
                + "\"$defs\":{\"Address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}},"
                + "\"definitions\":{\"Item\":{\"type\":\"string\"}}}");

        assertThat(out.at("/properties/home/properties/city/type").asText()).isEqualTo("STRING");
        assertThat(out.at("/properties/items/items/type").asText()).isEqualTo("STRING");
        assertThat(out.has("$defs")).isFalse();
        assertThat(out.has("definitions")).isFalse();
    }

    @Test
    void aRecursiveRefIsRefusedNamingTheOtherFormat() {
        assertThatThrownBy(() -> convert("{\"$defs\":{\"Node\":{\"type\":\"object\",\"properties\":{\"next\":"
                + "{\"$ref\":\"#/$defs/Node\"}}}},\"$ref\":\"#/$defs/Node\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recursive")
                .hasMessageContaining("schema-format = json-schema");
    }
}
