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
 * categories that fired: they become the exception's details, e.g. {@code hate (high)}, {@code jailbreak},
 * {@code custom_blocklists (my-list)}. The {@code apim-request-id} a support request needs is kept as a detail too.
 */
final class AzureErrorMapper extends StandardErrorMapper {

    static final AzureErrorMapper INSTANCE = new AzureErrorMapper();

    @Override
    protected List<String> details(HttpFailure f) {
        List<String> details = new ArrayList<>();
        if (f.body() != null) {
            JsonNode result = f.body().path("error").path("innererror").path("content_filter_result");
            for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> category = it.next();
                JsonNode v = category.getValue();
                if (v.isArray()) {
                    // custom_blocklists: one {filtered, id} per list
                    for (JsonNode list : v) {
                        if (list.path("filtered").asBoolean(false)) {
                            details.add(category.getKey() + " (" + list.path("id").asText("") + ")");
                        }
                    }
                } else if (v.path("filtered").asBoolean(false) || v.path("detected").asBoolean(false)) {
                    String severity = v.path("severity").asText("");
                    details.add(severity.isEmpty() || severity.equals("safe") ? category.getKey() : category.getKey() + " (" + severity + ")");
                }
            }
        }
        f.headers().get("apim-request-id").ifPresent(id -> details.add("apim-request-id " + id));
        return details;
    }
}
