package dev.switchboard.runtime.metering;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.Usage;
import dev.switchboard.api.Content;
import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.Message;
import dev.switchboard.api.ToolCall;
import dev.switchboard.api.ToolDefinition;

/**
 * How many tokens a request will use, guessed before it is sent so a token limit can be reserved; the reservation
 * is settled against the provider's real count afterwards. The heuristic: one token per four characters of
 * everything sent (message text, tool-call arguments, tool definitions), a flat {@value #IMAGE_TOKENS} per image,
 * plus the request's maximum output tokens, or {@code defaultOutputTokens} when it sets none. The same quarter
 * estimates the tokens of a stream whose provider never reported them: its input from the request, its output from
 * the text it delivered.
 */
public final class TokenEstimate {

    /** Roughly what providers bill for a mid-sized image. */
    static final int IMAGE_TOKENS = 1_000;

    private TokenEstimate() {}

    public static long of(ChatRequest request, int defaultOutputTokens) {
        return input(request) + output(request, defaultOutputTokens);
    }

    /** The input tokens of {@code request}: what it sends, without its output. */
    public static long input(ChatRequest request) {
        long chars = 0;
        long images = 0;
        for (Message m : request.messages()) {
            for (Content c : m.content()) {
                if (c instanceof Content.Text t) {
                    chars += t.text().length();
                } else {
                    images++;
                }
            }
            for (ToolCall call : m.toolCalls()) {
                chars += call.name().length() + call.arguments().length();
            }
        }
        for (ToolDefinition t : request.tools()) {
            chars += t.name().length() + (t.description() == null ? 0 : t.description().length())
                    + (t.parametersSchema() == null ? 0 : t.parametersSchema().length());
        }
        return ceilQuarter(chars) + images * IMAGE_TOKENS;
    }

    /** The most output {@code request} can produce: its max output tokens, or {@code defaultOutputTokens}. */
    public static long output(ChatRequest request, int defaultOutputTokens) {
        return request.maxOutputTokens().orElse(defaultOutputTokens);
    }

    /** The tokens of {@code chars} characters of text (e.g. a stream's delivered output). */
    public static long ofText(long chars) {
        return ceilQuarter(chars);
    }

    /**
     * {@code reported} with each count the provider left at zero estimated: the input from {@code inputEstimate}, the
     * output from {@code outputChars} characters of content received. {@code reported} itself when nothing changes.
     */
    static Usage withEstimates(Usage reported, long inputEstimate, long outputChars) {
        long input = reported.inputTokens() > 0 ? reported.inputTokens() : inputEstimate;
        long output = reported.outputTokens() > 0 ? reported.outputTokens() : ofText(outputChars);
        if (input == reported.inputTokens() && output == reported.outputTokens()) {
            return reported;
        }
        return reported.toBuilder().inputTokens(input).outputTokens(output).build();
    }

    /** The tokens of an embeddings request: counted exactly for token arrays, estimated from the length of texts. */
    public static long of(EmbeddingRequest request) {
        if (request.hasTokenInputs()) {
            long tokens = 0;
            for (java.util.List<Integer> t : request.tokenInputs()) {
                tokens += t.size();
            }
            return tokens;
        }
        long chars = 0;
        for (String input : request.inputs()) {
            chars += input.length();
        }
        return Math.max(1, ceilQuarter(chars));
    }

    private static long ceilQuarter(long chars) {
        return (chars + 3) / 4;
    }
}
