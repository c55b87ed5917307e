package dev.switchboard.provider.huggingface;

import dev.switchboard.http.JsonWriter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Embedding;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature-extraction task: {@code POST .../models/{model}/pipeline/feature-extraction} with
 * {@code {"inputs": [...]}}. The inputs always go as a list, so the answer's depth says what it is: one vector per
 * input ({@code [[float]]}, a sentence-embedding model), or one vector per token of each input
 * ({@code [[[float]]]}, a model without pooling, which is refused: its token features are no sentence embedding).
 * A server that answers a single input with a flat {@code [float]} is understood too. Stateless.
 */
final class FeatureExtraction {

    private FeatureExtraction() {}

    /** {@code template} with {@code {model}} replaced by the model id, each of its path segments percent-encoded. */
    static URI url(String template, String model) {
        return URI.create(template.replace("{model}", encodePath(model)));
    }

    static void writeRequest(JsonWriter g, List<String> inputs) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("inputs");
        for (String s : inputs) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static List<Embedding> readVectors(JsonNode body, int inputs, String provider, String model) {
        if (body == null || !body.isArray() || body.isEmpty()) {
            throw malformed(provider, model, "an empty or non-array body");
        }
        if (body.get(0).isNumber()) {
            if (inputs != 1) {
                throw malformed(provider, model, "one flat vector for " + inputs + " inputs");
            }
            return List.of(new Embedding(0, vector(body, provider, model)));
        }
        if (body.get(0).isArray() && body.get(0).size() > 0 && body.get(0).get(0).isArray()) {
            throw LlmException.builder(ErrorKind.UNSUPPORTED, provider)
                    .message("model " + model + " returns token-level features (one vector per token), not sentence"
                            + " embeddings; use a sentence-embedding model")
                    .build();
        }
        if (body.size() != inputs) {
            throw malformed(provider, model, body.size() + " vectors for " + inputs + " inputs");
        }
        List<Embedding> out = new ArrayList<>(inputs);
        for (int i = 0; i < inputs; i++) {
            out.add(new Embedding(i, vector(body.get(i), provider, model)));
        }
        return out;
    }

    private static float[] vector(JsonNode values, String provider, String model) {
        if (!values.isArray() || values.isEmpty()) {
            throw malformed(provider, model, "an empty vector");
        }
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = values.get(i);
            if (!x.isNumber()) {
                throw malformed(provider, model, "a vector holding " + x.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            v[i] = (float) x.asDouble();
        }
        return v;
    }

    private static LlmException malformed(String provider, String model, String what) {
        return LlmException.builder(ErrorKind.SERVER, provider)
                .message("unexpected feature-extraction answer for model " + model + ": " + what).build();
    }

    /** Percent-encodes each segment of a model id, keeping the slashes between them and RFC 3986 path characters. */
    static String encodePath(String model) {
        StringBuilder sb = new StringBuilder(model.length() + 8);
        for (byte b : model.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~/:@".indexOf(c) >= 0;
            if (keep) {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
