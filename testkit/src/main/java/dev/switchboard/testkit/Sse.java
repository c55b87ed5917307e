package dev.switchboard.testkit;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.util.List;
import java.util.Objects;

/**
 * Builds Server-Sent Events bodies for stubbed streaming endpoints: one event per {@code data} payload, each ended by
 * a blank line, as the WHATWG event-stream format says. A payload that spans lines becomes several {@code data:}
 * lines. Nothing here knows a provider: end markers ({@code [DONE]}, {@code message_stop}, ...) are whatever the
 * caller adds.
 *
 * <pre>{@code
 * String body = Sse.builder().data("{\"n\":1}").event("done", "{}").build();
 * server.stubFor(post("/stream").willReturn(Sse.ok(body)));
 * }</pre>
 */
public final class Sse {

    public static final String CONTENT_TYPE = "text/event-stream";

    private Sse() {}

    /** A body with one unnamed event per payload, in order. */
    public static String data(String... payloads) {
        return data(List.of(payloads));
    }

    /** A body with one unnamed event per payload, in order. */
    public static String data(List<String> payloads) {
        Builder b = builder();
        payloads.forEach(b::data);
        return b.build();
    }

    /** A 200 response carrying {@code body} as {@code text/event-stream}. */
    public static ResponseDefinitionBuilder ok(String body) {
        Objects.requireNonNull(body, "body");
        return WireMock.aResponse().withStatus(200).withHeader("Content-Type", CONTENT_TYPE).withBody(body);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Appends events one by one. Not thread-safe. */
    public static final class Builder {
        private final StringBuilder out = new StringBuilder();

        private Builder() {}

        /** An unnamed event (the default "message" type). */
        public Builder data(String payload) {
            return event(null, payload);
        }

        /** A named event ({@code event: name}); a null name makes it unnamed. */
        public Builder event(String name, String payload) {
            Objects.requireNonNull(payload, "payload");
            if (name != null) {
                out.append("event: ").append(name).append('\n');
            }
            for (String line : payload.split("\n", -1)) {
                out.append("data: ").append(line).append('\n');
            }
            out.append('\n');
            return this;
        }

        /** A comment line, which readers skip (servers send them as keep-alives). */
        public Builder comment(String text) {
            out.append(':').append(Objects.requireNonNull(text, "text")).append("\n\n");
            return this;
        }

        /** Text appended as is, e.g. a half-written event to simulate a cut connection. */
        public Builder raw(String text) {
            out.append(Objects.requireNonNull(text, "text"));
            return this;
        }

        public String build() {
            return out.toString();
        }
    }
}
