package dev.switchboard.spi;

/**
 * The most a provider's answers may hold ({@code switchboard.providers.<name>.limits}), so an upstream that sends a
 * huge body, an endless line or a stream that never ends costs a bounded amount of memory instead of the process.
 * Over a limit the call fails with a {@code SERVER} error naming the limit's key, and a route moves on to its next
 * target. Separate from the provider's rate limits, which the same config block holds: setting these never switches
 * rate limiting on. Immutable.
 *
 * @param maxResponseBytes the largest whole (non-streamed) response body, in bytes; {@code max-response-bytes}
 * @param maxLineBytes     the longest line of a streamed body (one SSE or NDJSON line), in bytes;
 *                         {@code max-line-bytes}
 * @param maxStreamBytes   the most a streamed body may hold in all, in bytes; {@code max-stream-bytes}
 */
public record ResponseLimits(long maxResponseBytes, long maxLineBytes, long maxStreamBytes) {

    /** The smallest value any of the limits may take: less would refuse ordinary answers. */
    public static final long MIN_BYTES = 1024;

    /** 16 MiB per body, 1 MiB per line, 64 MiB per stream: far beyond any real answer, far under a small heap. */
    public static final ResponseLimits DEFAULTS = new ResponseLimits(16L << 20, 1L << 20, 64L << 20);

    public ResponseLimits {
        requireAtLeastMin(maxResponseBytes, "max-response-bytes");
        requireAtLeastMin(maxLineBytes, "max-line-bytes");
        requireAtLeastMin(maxStreamBytes, "max-stream-bytes");
    }

    private static void requireAtLeastMin(long value, String key) {
        if (value < MIN_BYTES) {
            throw new IllegalArgumentException(key + " must be at least " + MIN_BYTES + " bytes, was " + value);
        }
    }

    /** A byte count as people write it in config: {@code 16MiB}, {@code 1KiB}, {@code 1500 bytes}. */
    public static String describe(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return bytes + " bytes";
    }
}
