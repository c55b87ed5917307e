package dev.switchboard.api;

/**
 * Token counts of one call. {@code cachedInputTokens} is part of {@code inputTokens}; {@code reasoningTokens}
 * is part of {@code outputTokens}. A provider that does not report a count leaves it at zero.
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    public static Usage of(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cachedInputTokens + other.cachedInputTokens,
                reasoningTokens + other.reasoningTokens);
    }
}
