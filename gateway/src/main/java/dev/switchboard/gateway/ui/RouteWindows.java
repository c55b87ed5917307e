package dev.switchboard.gateway.ui;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Per-route figures over the last minutes: request rate, error rate, and p50/p95 of the latency and of the time to
 * first content (streams only). Each finished call is kept as one small sample for {@link #KEPT} (at most
 * {@link #MAX_SAMPLES} per route, the oldest dropped first), so percentiles are exact over what is kept, not
 * estimated from buckets. Thread-safe (a lock per route).
 */
public final class RouteWindows {

    /** The longest window asked for: samples older than this are dropped. */
    public static final Duration KEPT = Duration.ofMinutes(60);
    /** Bounds the memory of a busy route: at 20,000 samples the 60-minute window covers the last 20,000 calls. */
    static final int MAX_SAMPLES = 20_000;

    private record Sample(long atMillis, long nanos, long firstContentNanos, boolean failed) {}

    /**
     * What one route did in a window.
     *
     * @param requests       calls finished in the window
     * @param perMinute      requests per minute over the window
     * @param errorRate      the share of them answered with an error status, 0 to 1
     * @param latencyP50Ms   median latency in milliseconds; null without calls
     * @param latencyP95Ms   95th percentile latency; null without calls
     * @param firstContentP50Ms median time to first content of the streamed calls; null without streams
     * @param firstContentP95Ms 95th percentile of it; null without streams
     */
    public record Figures(long requests, double perMinute, double errorRate, @Nullable Double latencyP50Ms,
                          @Nullable Double latencyP95Ms, @Nullable Double firstContentP50Ms,
                          @Nullable Double firstContentP95Ms) {}

    private final ConcurrentHashMap<String, ArrayDeque<Sample>> routes = new ConcurrentHashMap<>();

    /** One finished call of {@code route}; {@code firstContentNanos} is -1 when it was not streamed. */
    public void add(String route, long atMillis, long nanos, long firstContentNanos, boolean failed) {
        ArrayDeque<Sample> samples = routes.computeIfAbsent(route, r -> new ArrayDeque<>());
        synchronized (samples) {
            samples.addLast(new Sample(atMillis, nanos, firstContentNanos, failed));
            while (samples.size() > MAX_SAMPLES
                    || (!samples.isEmpty() && samples.peekFirst().atMillis() < atMillis - KEPT.toMillis())) {
                samples.removeFirst();
            }
        }
    }

    /** Every route seen in the last {@link #KEPT}, by name, with its figures over the {@code window} before now. */
    public Map<String, Figures> figures(long nowMillis, Duration window) {
        Map<String, Figures> out = new TreeMap<>();
        routes.forEach((route, samples) -> {
            Figures f = figures(samples, nowMillis, window);
            if (f != null) {
                out.put(route, f);
            }
        });
        return out;
    }

    /** The figures of one route, or null when it has no samples kept at all. */
    private static @Nullable Figures figures(ArrayDeque<Sample> samples, long nowMillis, Duration window) {
        long since = nowMillis - window.toMillis();
        long[] latencies;
        long[] firsts;
        int n = 0;
        int streams = 0;
        int failed = 0;
        synchronized (samples) {
            if (samples.isEmpty() || samples.peekLast().atMillis() < nowMillis - KEPT.toMillis()) {
                return null;
            }
            latencies = new long[samples.size()];
            firsts = new long[samples.size()];
            for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
                Sample s = it.next();
                if (s.atMillis() < since) {
                    break; // samples are in the order they finished
                }
                if (s.atMillis() > nowMillis) {
                    continue;
                }
                latencies[n++] = s.nanos();
                if (s.firstContentNanos() >= 0) {
                    firsts[streams++] = s.firstContentNanos();
                }
                if (s.failed()) {
                    failed++;
                }
            }
        }
        double minutes = window.toMillis() / 60_000.0;
        return new Figures(n, n / minutes, n == 0 ? 0 : (double) failed / n, percentileMs(latencies, n, 0.50),
                percentileMs(latencies, n, 0.95), percentileMs(firsts, streams, 0.50), percentileMs(firsts, streams, 0.95));
    }

    /** The nearest-rank percentile of the first {@code n} values, in milliseconds; null when there are none. */
    static @Nullable Double percentileMs(long[] nanos, int n, double p) {
        if (n == 0) {
            return null;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * n);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
