package dev.switchboard.testkit;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.util.List;
import java.util.Objects;

/**
 * Builds newline-delimited JSON bodies for stubbed streaming endpoints: each value on its own line, each line ended
 * by {@code \n}. Values must be single-line JSON; one with a line break would be two broken values.
 */
public final class Ndjson {

    public static final String CONTENT_TYPE = "application/x-ndjson";

    private Ndjson() {}

    /** One line per value, each ended by a newline. */
    public static String of(String... jsonValues) {
        return of(List.of(jsonValues));
    }

    /** One line per value, each ended by a newline. */
    public static String of(List<String> jsonValues) {
        StringBuilder out = new StringBuilder();
        for (String v : jsonValues) {
            Objects.requireNonNull(v, "jsonValue");
            if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("an NDJSON value must be on one line: " + v);
            }
            out.append(v).append('\n');
        }
        return out.toString();
    }

    /** A 200 response carrying {@code body} as {@code application/x-ndjson}. */
    public static ResponseDefinitionBuilder ok(String body) {
        Objects.requireNonNull(body, "body");
        return WireMock.aResponse().withStatus(200).withHeader("Content-Type", CONTENT_TYPE).withBody(body);
    }
}
