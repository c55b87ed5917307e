package dev.switchboard.runtime;

import java.util.Locale;

/**
 * What a route's stream does when the answering provider fails after content has reached the caller (a cut
 * connection, a stall past the idle timeout, a malformed chunk, an error event). Config key {@code stream-failover}.
 */
public enum StreamFailover {

    /**
     * Ask the route's next targets (after the one that failed, through the same retry, cooldown and fallback rules)
     * to continue the same answer: the original messages plus an assistant message holding the text delivered so
     * far. The caller keeps pulling one stream. Answers that had started a tool call, or had already finished, are
     * not resumed.
     */
    RESUME,

    /** Let the failure reach the caller. */
    FAIL;

    /** The config spelling: {@code resume} or {@code fail}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the config spelling, case-insensitively; {@link IllegalArgumentException} names the choices. */
    public static StreamFailover parse(String text) {
        for (StreamFailover f : values()) {
            if (f.configName().equalsIgnoreCase(text.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("must be resume or fail, not '" + text + "'");
    }
}
