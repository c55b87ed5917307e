package dev.switchboard.runtime.routing;

import dev.switchboard.spi.ChatAccumulator;

/**
 * The assistant prefix a resumed stream sends to the next target: the last characters of the text delivered so far,
 * at most {@code routes.<name>.resume-prefix-chars}. Bounded so that a resume request never grows with what an
 * upstream managed to send before failing (an endless stream would otherwise be sent on whole), and stays within
 * what the next target accepts; the tail is what the continuation must follow on from.
 */
public final class ResumePrefix {

    /** The default of {@code resume-prefix-chars}. */
    public static final int DEFAULT_CHARS = 16_000;

    private ResumePrefix() {}

    /**
     * The last {@code maxChars} characters of the delivered text (all of it when shorter), never starting in the
     * middle of a surrogate pair, copied without copying the rest.
     */
    public static String of(ChatAccumulator delivered, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("resume-prefix-chars must be at least 1, was " + maxChars);
        }
        return delivered.textTail(maxChars);
    }
}
