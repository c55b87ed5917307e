package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Usage;

/**
 * The token counts of one Messages API answer, updated from each {@code usage} object that arrives: the response's
 * own, or in a stream {@code message_start}'s and then each {@code message_delta}'s, whose counts are running
 * totals (a count present replaces the one before; a count absent keeps it). Not thread-safe.
 *
 * <p>Anthropic's {@code input_tokens} counts only the input after the last cache breakpoint; the whole input is that
 * plus {@code cache_creation_input_tokens} plus {@code cache_read_input_tokens}. {@link Usage} counts the whole
 * input, with the tokens read from the cache as its cached part and those written to it as its cache-write part.
 */
final class UsageTotals {

    private long input;
    private long cacheCreation;
    private long cacheRead;
    private long output;
    private long thinking;

    /** Takes the counts {@code usage} carries; a missing or null node changes nothing. */
    UsageTotals update(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return this;
        }
        input = count(usage, "input_tokens", input);
        cacheCreation = count(usage, "cache_creation_input_tokens", cacheCreation);
        cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
        output = count(usage, "output_tokens", output);
        thinking = count(usage.path("output_tokens_details"), "thinking_tokens", thinking);
        return this;
    }

    Usage toUsage() {
        return Usage.builder().inputTokens(input + cacheCreation + cacheRead).outputTokens(output)
                .cachedInputTokens(cacheRead).cacheWriteInputTokens(cacheCreation)
                .reasoningTokens(Math.min(thinking, output)).build();
    }

    private static long count(JsonNode node, String field, long previous) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() && v.asLong() >= 0 ? v.asLong() : previous;
    }
}
