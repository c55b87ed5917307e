package dev.switchboard.provider.gemini;

import dev.switchboard.http.Urls;
import dev.switchboard.spi.ProviderOptions;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.UnsupportedParams;
import java.util.Locale;
import java.util.Optional;

/**
 * The Gemini-specific keys of a provider block, read and checked once.
 *
 * @param baseUrl           the API root, without a trailing slash
 * @param schemaFormat      how JSON Schemas (tool parameters, response schemas) are sent
 * @param embeddingTaskType the {@code taskType} of embedding requests, e.g. {@code RETRIEVAL_DOCUMENT}; empty: none
 * @param unsupportedParams what to do with an OpenAI-only field the API has no equivalent for
 */
record GeminiSettings(String baseUrl, SchemaFormat schemaFormat, Optional<String> embeddingTaskType,
                      UnsupportedParams unsupportedParams) {

    static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    /** How a JSON Schema goes on the wire. */
    enum SchemaFormat {
        /** As is, in {@code parametersJsonSchema} / {@code responseJsonSchema} (the API reads JSON Schema itself). */
        JSON_SCHEMA,
        /** Converted to the OpenAPI subset of {@code parameters} / {@code responseSchema}, for models that lack the above. */
        OPENAPI
    }

    static GeminiSettings of(ProviderSettings s) {
        ProviderOptions c = s.options();
        String prefix = "switchboard.providers." + s.name() + ".";
        SchemaFormat format = SchemaFormat.JSON_SCHEMA;
        if (c.has("schema-format")) {
            String v = c.string("schema-format").orElseThrow().strip().toLowerCase(Locale.ROOT);
            if (v.equals("openapi")) {
                format = SchemaFormat.OPENAPI;
            } else if (!v.equals("json-schema")) {
                throw new IllegalArgumentException(prefix + "schema-format must be json-schema or openapi, was " + v);
            }
        }
        Optional<String> taskType = c.string("embedding-task-type").filter(t -> !t.isBlank()).map(String::strip);
        return new GeminiSettings(Urls.trimTrailingSlash(s.baseUrl().orElse(DEFAULT_BASE_URL)), format, taskType,
                UnsupportedParams.of(s));
    }
}
