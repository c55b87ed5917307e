package dev.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.BodyWriter;
import dev.switchboard.http.HttpProviderClient;
import dev.switchboard.http.StreamingResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The prediction endpoints: create, get, cancel, and a prediction's event stream. Get and cancel URLs are built from
 * the prediction id under the configured base URL rather than taken from the response, so the key only goes where
 * the configuration says; the stream URL is the response's own (it is on another host), checked to be HTTP(S).
 * Thread-safe.
 */
final class PredictionApi {

    private static final System.Logger LOG = System.getLogger(PredictionApi.class.getName());

    private final String provider;
    private final String baseUrl;
    private final HttpProviderClient http;

    PredictionApi(String provider, String baseUrl, HttpProviderClient http) {
        this.provider = provider;
        this.baseUrl = baseUrl;
        this.http = http;
    }

    JsonNode create(ModelRef model, Map<String, String> headers, BodyWriter body) {
        return http.postJson(URI.create(baseUrl + model.createPath()), headers, body).body();
    }

    JsonNode get(String id) {
        return http.getJson(predictionUri(id, ""), Map.of()).body();
    }

    /** Asks Replicate to stop a prediction we no longer wait for; a failure is logged, not thrown. */
    void cancel(String id) {
        try {
            http.postWithoutBody(predictionUri(id, "/cancel"), Map.of()); // the spec defines no body here
        } catch (LlmException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: could not cancel prediction {1}: {2}", provider, id, e.getMessage());
        }
    }

    StreamingResponse openStream(String streamUrl) {
        URI uri;
        try {
            uri = URI.create(streamUrl);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw LlmException.builder(ErrorKind.SERVER, provider)
                    .message("the prediction's stream URL is not an http(s) URL: " + streamUrl).build();
        }
        return http.openGet(uri, Map.of("Cache-Control", "no-store"), "text/event-stream");
    }

    private URI predictionUri(String id, String suffix) {
        return URI.create(baseUrl + "/predictions/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + suffix);
    }
}
