package dev.switchboard.gateway;

import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.metering.TokenEstimate;

/**
 * Whether an upstream reported its usage, and the estimate that stands in for it where an API requires counts.
 * A provider that reports nothing leaves every count at zero, and no real call has zero tokens both ways; such a
 * usage is unknown, and the gateway says so instead of answering 0/0/0: OpenAI's chat and Responses shapes leave it
 * out (or {@code null}), Anthropic's Messages shape, which requires counts, gets the gateway's estimate.
 */
final class ReportedUsage {

    /** On an answer whose usage is the gateway's estimate (value {@value #ESTIMATED}). */
    static final String HEADER = "x-switchboard-usage";
    static final String ESTIMATED = "estimated";

    private ReportedUsage() {}

    /** Whether {@code usage} holds counts an upstream reported. */
    static boolean known(Usage usage) {
        return usage.totalTokens() > 0;
    }

    /**
     * The gateway's estimate of a call whose upstream reported no usage, as the ledger records it: the input from
     * the request, the output from the characters answered (text, reasoning and tool-call arguments).
     */
    static Usage estimate(long inputEstimate, long outputChars) {
        return Usage.of(inputEstimate, TokenEstimate.ofText(outputChars));
    }

    /** The characters of a whole answer that count as output. */
    static long outputChars(ChatResponse r) {
        long chars = r.text().length() + r.reasoning().length();
        for (ToolCall c : r.toolCalls()) {
            chars += c.name().length() + c.arguments().length();
        }
        return chars;
    }
}
