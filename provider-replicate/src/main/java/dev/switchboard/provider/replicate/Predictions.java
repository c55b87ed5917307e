package dev.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Usage;
import dev.switchboard.http.Json;

/** Reading a prediction object. Stateless. */
final class Predictions {

    private Predictions() {}

    static String status(JsonNode prediction) {
        return prediction.path("status").asText("");
    }

    /** The statuses Replicate's OpenAPI calls terminal; {@code aborted} ended the prediction before it started. */
    static boolean isTerminal(JsonNode prediction) {
        String s = status(prediction);
        return s.equals("succeeded") || s.equals("failed") || s.equals("canceled") || s.equals("aborted");
    }

    /** A language model's {@code output}: an array of text pieces, joined; a single string; or nothing. */
    static String outputText(JsonNode output) {
        if (output == null || output.isNull() || output.isMissingNode()) {
            return "";
        }
        if (output.isTextual()) {
            return output.asText();
        }
        if (output.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode piece : output) {
                sb.append(piece.isTextual() ? piece.asText() : piece.toString());
            }
            return sb.toString();
        }
        return output.toString();
    }

    /**
     * {@code metrics.input_token_count} and {@code output_token_count}, when the model reports them. Best effort:
     * Replicate's OpenAPI documents only {@code predict_time} and {@code total_time} in {@code metrics}; the token
     * counts are what Replicate's official language models report there, and zero when a model does not.
     */
    static Usage usage(JsonNode prediction) {
        JsonNode metrics = prediction.path("metrics");
        return Usage.of(metrics.path("input_token_count").asLong(0), metrics.path("output_token_count").asLong(0));
    }

    static String id(JsonNode prediction) {
        String id = Json.text(prediction, "id");
        return id == null ? "" : id;
    }
}
