package dev.switchboard.runtime;

/**
 * The assistant prefix a resumed stream sends to the next target: the last characters of the text delivered so far,
 * at most {@code routes.<name>.resume-prefix-chars}. Bounded so that a resume request never grows with what an
 * upstream managed to send before failing (an endless stream would otherwise be sent on whole), and stays within
 * what the next target accepts; the tail is what the continuation must follow on from.
 */
final class ResumePrefix {

    /** The default of {@code resume-prefix-chars}. */
    static final int DEFAULT_CHARS = 16_000;

    private ResumePrefix() {}

    /**
     * The last {@code maxChars} characters of {@code delivered} (all of it when shorter), never starting in the middle
     * of a surrogate pair.
     */
    static String of(String delivered, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("resume-prefix-chars must be at least 1, was " + maxChars);
        }
        if (delivered.length() <= maxChars) {
            return delivered;
        }
        int start = delivered.length() - maxChars;
        if (Character.isLowSurrogate(delivered.charAt(start)) && Character.isHighSurrogate(delivered.charAt(start - 1))) {
            start++; // half a character is no text: drop it rather than send an unpaired surrogate
        }
        return delivered.substring(start);
    }
}
