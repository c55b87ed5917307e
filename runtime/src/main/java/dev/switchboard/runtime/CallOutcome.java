package dev.switchboard.runtime;

import dev.switchboard.api.ErrorKind;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a recorded call ended, as the usage log keeps it: {@code ok} (answered in full), {@code cancelled} (a stream its
 * caller closed before the end), {@code cache_hit} (answered from a response cache, sent nowhere), or the
 * {@link ErrorKind} in lower case of a failure (e.g. {@code stream_interrupted}, {@code timeout}): after content had
 * been delivered for an answered call, before any for an unanswered one ({@link UsageRecord#unanswered}), which may
 * also end {@code refused} (a budget or a key limit) or {@code skipped} (every target skipped untried). Immutable.
 *
 * @param label the word stored in the log: lower-case letters and underscores
 */
public record CallOutcome(String label) {

    private static final Pattern LABEL = Pattern.compile("[a-z][a-z_]*");

    /** Answered in full. */
    public static final CallOutcome OK = new CallOutcome("ok");
    /** A stream its caller closed (or left) before its end; the tokens received are counted. */
    public static final CallOutcome CANCELLED = new CallOutcome("cancelled");
    /** Answered from a response cache: nothing sent upstream. */
    public static final CallOutcome CACHE_HIT = new CallOutcome("cache_hit");

    /** Refused before any provider was asked: a spent budget, or a key over its own limits. */
    public static final CallOutcome REFUSED = new CallOutcome("refused");
    /** Every target was skipped untried (cooling down, or over Switchboard's own rate limit): nothing was sent. */
    public static final CallOutcome SKIPPED = new CallOutcome("skipped");

    public CallOutcome {
        Objects.requireNonNull(label, "label");
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("a call outcome is lower-case letters and underscores, not " + label);
        }
    }

    /** A call cut by a failure of kind {@code kind} after content had been delivered. */
    public static CallOutcome failed(ErrorKind kind) {
        return new CallOutcome(kind.name().toLowerCase(Locale.ROOT));
    }

    /** Whether the call was answered in full (or from the cache). */
    public boolean answered() {
        return this.equals(OK) || this.equals(CACHE_HIT);
    }

    @Override
    public String toString() {
        return label;
    }
}
