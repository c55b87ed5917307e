package dev.switchboard.runtime.routing;

import dev.switchboard.spi.ChatAccumulator;

/**
 * The assistant prefix a resumed stream sends to the next target: the last characters of the text delivered so far,
 * at most {@code routes.<name>.resume-prefix-chars}. Bounded so that a resume request never grows with what an
 * upstream managed to send before failing (an endless stream would otherwise be sent on whole), and stays within
 * what the next target accepts; the tail is what the continuation must follow on from.
 *
 * <p>The prefix leaves out trailing whitespace: Anthropic's Messages API refuses a final assistant message ending in
 * whitespace (400 "final assistant content cannot end with trailing whitespace"), and a model continues a prefill
 * ending in a space badly anyway (its tokens usually carry their leading space). The caller already has that
 * whitespace, so the route's stream drops the continuation's leading whitespace instead of repeating it.
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
        return delivered.textTail(maxChars).stripTrailing();
    }

    /** Whether the delivered text ends in whitespace that {@link #of} leaves out of the prefix. */
    public static boolean endsInWhitespace(ChatAccumulator delivered) {
        String last = delivered.textTail(1);
        return !last.isEmpty() && Character.isWhitespace(last.charAt(0));
    }
}
