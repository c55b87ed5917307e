package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which of a provider's endpoints take bodies of which {@link RequestSchema}, and the check of recorded requests
 * against them. Endpoints without a schema (a GET, a cancel) are not checked. Immutable and thread-safe once built.
 */
public final class RequestSchemas {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Pattern> paths;
    private final Map<String, RequestSchema> schemas;

    private RequestSchemas(Map<String, Pattern> paths, Map<String, RequestSchema> schemas) {
        this.paths = paths;
        this.schemas = schemas;
    }

    /** No endpoint checked. */
    public static RequestSchemas none() {
        return new RequestSchemas(Map.of(), Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every way {@code requests} break their endpoints' schemas, one line each; empty when all conform. */
    public List<String> problems(List<LoggedRequest> requests) {
        List<String> out = new ArrayList<>();
        for (LoggedRequest r : requests) {
            problems(r, out);
        }
        return out;
    }

    /** @throws AssertionError listing every problem, when a request breaks its endpoint's schema */
    public void check(List<LoggedRequest> requests) {
        List<String> problems = problems(requests);
        if (!problems.isEmpty()) {
            throw new AssertionError("request bodies that break the provider's spec:\n" + String.join("\n", problems));
        }
    }

    private void problems(LoggedRequest request, List<String> out) {
        RequestSchema schema = schemaFor(request);
        if (schema == null) {
            return;
        }
        String what = request.getMethod().value() + " " + request.getUrl();
        JsonNode body;
        try {
            body = MAPPER.readTree(request.getBodyAsString());
        } catch (IOException e) {
            out.add(what + ": the body is not JSON: " + e.getMessage());
            return;
        }
        if (body == null || body.isMissingNode()) {
            out.add(what + ": the body is empty, " + schema.name() + " wants one");
            return;
        }
        for (String v : schema.violations(body)) {
            out.add(what + " (" + schema.name() + "): " + v);
        }
    }

    private RequestSchema schemaFor(LoggedRequest request) {
        String url = request.getUrl();
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        for (Map.Entry<String, Pattern> e : paths.entrySet()) {
            if (e.getKey().startsWith(request.getMethod().value() + " ")
                    && (e.getValue().matcher(path).matches() || e.getValue().matcher(url).matches())) {
                return schemas.get(e.getKey());
            }
        }
        return null;
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final Map<String, Pattern> paths = new LinkedHashMap<>();
        private final Map<String, RequestSchema> schemas = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Bodies sent with {@code method} to a URL whose path (or path and query) matches {@code pathRegex} must
         * conform to the schema at class-path {@code resource}; the first matching entry wins.
         */
        public Builder schema(String method, String pathRegex, String resource) {
            String key = method + " " + pathRegex;
            paths.put(key, Pattern.compile(pathRegex));
            schemas.put(key, RequestSchema.load(resource));
            return this;
        }

        public RequestSchemas build() {
            return new RequestSchemas(new LinkedHashMap<>(paths), new LinkedHashMap<>(schemas));
        }
    }
}
