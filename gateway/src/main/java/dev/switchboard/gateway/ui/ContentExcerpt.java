package dev.switchboard.gateway.ui;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Message;
import dev.switchboard.api.Role;

/**
 * What the Requests page may show of a call's text when {@code switchboard.telemetry.capture-content = true}: the
 * last user message and the answer, each cut at {@link #MAX_CHARS}, so the ring of recent calls stays small. Without
 * that setting nothing of the text is kept at all.
 */
public final class ContentExcerpt {

    /** The most characters kept of a prompt or an answer. */
    public static final int MAX_CHARS = 1000;

    private ContentExcerpt() {}

    /** The last user message's text, cut. */
    public static String prompt(ChatRequest request) {
        String text = "";
        for (Message m : request.messages()) {
            if (m.role() == Role.USER) {
                text = m.text();
            }
        }
        return cut(text);
    }

    /** {@code text} cut at {@link #MAX_CHARS}, with an ellipsis when it was longer. */
    public static String cut(CharSequence text) {
        return text.length() <= MAX_CHARS ? text.toString() : text.subSequence(0, MAX_CHARS) + "…";
    }

    /** Appends a streamed part while the answer kept is shorter than the cut (one more part may pass it). */
    public static void append(StringBuilder answer, String part) {
        if (answer.length() <= MAX_CHARS) {
            answer.append(part);
        }
    }
}
