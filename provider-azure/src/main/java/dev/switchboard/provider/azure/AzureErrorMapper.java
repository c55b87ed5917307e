package dev.switchboard.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.HttpFailure;
import dev.switchboard.http.StandardErrorMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Azure's errors are OpenAI's plus, for content-filter refusals, {@code innererror.content_filter_result} naming the
 * categories that fired: they become the exception's details, e.g. {@code hate (high)}, {@code jailbreak}.
 */
final class AzureErrorMapper extends StandardErrorMapper {

    static final AzureErrorMapper INSTANCE = new AzureErrorMapper();

    @Override
    protected List<String> details(HttpFailure f) {
        if (f.body() == null) {
            return List.of();
        }
        JsonNode result = f.body().path("error").path("innererror").path("content_filter_result");
        List<String> fired = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> category = it.next();
            JsonNode v = category.getValue();
            if (v.path("filtered").asBoolean(false) || v.path("detected").asBoolean(false)) {
                String severity = v.path("severity").asText("");
                fired.add(severity.isEmpty() || severity.equals("safe") ? category.getKey() : category.getKey() + " (" + severity + ")");
            }
        }
        return fired;
    }
}
