package dev.switchboard.gateway.ui;

import dev.switchboard.api.Attempt;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One finished call as the dashboard's Requests page lists it: when, which endpoint and route, which key (by name,
 * never the key), who answered, the status sent, how long it took and its attempt trail; its text only when the
 * configuration asks for it.
 *
 * @param id            the gateway's request id
 * @param at            when it finished, on the Switchboard's clock
 * @param endpoint      e.g. {@code chat}, {@code embeddings}
 * @param route         the route or provider the model named; {@code -} when none was resolved
 * @param key           the access key's name; null when the gateway has no keys
 * @param provider      the provider that answered; {@code -} when none did
 * @param status        the HTTP status sent (499: the client left first)
 * @param latencyNanos  the whole time the gateway spent on it
 * @param firstContentNanos time until a streamed answer's first content went out; -1 when not streamed
 * @param trail         the route's attempt trail
 * @param prompt        the last user message, cut; null unless {@code switchboard.telemetry.capture-content} is on
 * @param answer        the answer's text, cut; null unless {@code switchboard.telemetry.capture-content} is on
 * @param error         the error answer sent (its type, code and message, secrets masked); null for a success
 */
public record CallRecord(String id, Instant at, String endpoint, String route, @Nullable String key, String provider,
                         int status, long latencyNanos, long firstContentNanos, List<Attempt> trail,
                         @Nullable String prompt, @Nullable String answer, @Nullable ErrorAnswer error) {

    /** An error answer as the client got it: OpenAI's {@code error.type} and {@code error.code}, and the message. */
    public record ErrorAnswer(String type, @Nullable String code, String message) {}

    public CallRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        trail = List.copyOf(trail);
    }

    /** Whether it counts as an error in the route figures: any answer with an error status. */
    public boolean failed() {
        return status >= 400;
    }

    public boolean streamed() {
        return firstContentNanos >= 0;
    }
}
