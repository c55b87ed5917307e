package dev.switchboard.gateway.ui;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Per-route figures over the last minutes: request rate, error rate, and p50/p95 of the latency and of the time to
 * first content (streams only). Each finished call is kept as one sample for {@link #KEPT} (at most
 * {@link #MAX_SAMPLES} per route, the oldest dropped first), so percentiles are exact over what is kept, not
 * estimated from buckets. A route's samples are numbers in arrays used as a ring, not an object per call: a busy
 * route keeps its last 20,000 calls for a few seconds, long enough for each young collection to copy an object per
 * call and then promote it (at 9,000 calls a second that was most of what a young collection copied, and made its
 * pauses two to three times longer). Thread-safe (a lock per route).
 */
public final class RouteWindows {

    /** The longest window asked for: samples older than this are dropped. */
    public static final Duration KEPT = Duration.ofMinutes(60);
    /** Bounds the memory of a busy route: at 20,000 samples the 60-minute window covers the last 20,000 calls. */
    static final int MAX_SAMPLES = 20_000;

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

    private final ConcurrentHashMap<String, Samples> routes = new ConcurrentHashMap<>();
    private final int maxSamples;

    public RouteWindows() {
        this(MAX_SAMPLES);
    }

    /** With another bound per route, for tests. */
    RouteWindows(int maxSamples) {
        if (maxSamples < 1) {
            throw new IllegalArgumentException("maxSamples must be at least 1");
        }
        this.maxSamples = maxSamples;
    }

    /** One finished call of {@code route}; {@code firstContentNanos} is -1 when it was not streamed. */
    public void add(String route, long atMillis, long nanos, long firstContentNanos, boolean failed) {
        Samples samples = routes.computeIfAbsent(route, r -> new Samples(maxSamples));
        synchronized (samples) {
            samples.add(atMillis, nanos, firstContentNanos, failed);
            samples.dropBefore(atMillis - KEPT.toMillis());
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
    private static @Nullable Figures figures(Samples samples, long nowMillis, Duration window) {
        long since = nowMillis - window.toMillis();
        long[] latencies;
        long[] firsts;
        int n = 0;
        int streams = 0;
        int failed = 0;
        synchronized (samples) {
            if (samples.size == 0 || samples.at(samples.size - 1) < nowMillis - KEPT.toMillis()) {
                return null;
            }
            latencies = new long[samples.size];
            firsts = new long[samples.size];
            for (int i = samples.size - 1; i >= 0; i--) {
                long at = samples.at(i);
                if (at < since) {
                    break; // samples are in the order they finished
                }
                if (at > nowMillis) {
                    continue;
                }
                latencies[n++] = samples.nanos(i);
                long first = samples.firstContentNanos(i);
                if (first >= 0) {
                    firsts[streams++] = first;
                }
                if (samples.failed(i)) {
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

    /**
     * One route's samples in the order they finished, oldest first: parallel arrays used as a ring from
     * {@code oldest}, grown by doubling up to {@code max} (a quiet route keeps small arrays), after which each new
     * sample replaces the oldest. Guarded by its own monitor.
     */
    private static final class Samples {
        private static final int FIRST_CAPACITY = 16;

        private final int max;
        private long[] atMillis;
        private long[] nanos;
        private long[] firstContentNanos;
        private boolean[] failed;
        private int oldest;
        private int size;

        Samples(int max) {
            this.max = max;
            int capacity = Math.min(FIRST_CAPACITY, max);
            atMillis = new long[capacity];
            nanos = new long[capacity];
            firstContentNanos = new long[capacity];
            failed = new boolean[capacity];
        }

        void add(long at, long latencyNanos, long firstNanos, boolean wasFailed) {
            if (size == atMillis.length) {
                if (size < max) {
                    grow();
                } else {
                    dropOldest();
                }
            }
            int slot = slot(size);
            atMillis[slot] = at;
            nanos[slot] = latencyNanos;
            firstContentNanos[slot] = firstNanos;
            failed[slot] = wasFailed;
            size++;
        }

        /** Drops the samples that finished before {@code cutoff} (they are the oldest). */
        void dropBefore(long cutoff) {
            while (size > 0 && at(0) < cutoff) {
                dropOldest();
            }
        }

        /** The {@code i}-th sample's end, {@code 0} being the oldest kept. */
        long at(int i) {
            return atMillis[slot(i)];
        }

        long nanos(int i) {
            return nanos[slot(i)];
        }

        long firstContentNanos(int i) {
            return firstContentNanos[slot(i)];
        }

        boolean failed(int i) {
            return failed[slot(i)];
        }

        private void dropOldest() {
            oldest = slot(1);
            size--;
        }

        private int slot(int i) {
            int slot = oldest + i;
            return slot < atMillis.length ? slot : slot - atMillis.length;
        }

        private void grow() {
            int capacity = Math.min(max, atMillis.length * 2);
            long[] at = new long[capacity];
            long[] latency = new long[capacity];
            long[] first = new long[capacity];
            boolean[] fail = new boolean[capacity];
            copyInOrder(atMillis, at);
            copyInOrder(nanos, latency);
            copyInOrder(firstContentNanos, first);
            copyInOrder(failed, fail);
            atMillis = at;
            nanos = latency;
            firstContentNanos = first;
            failed = fail;
            oldest = 0;
        }

        /** Copies the ring {@code from} (one of the arrays, full) into {@code to} from index 0, oldest first. */
        private void copyInOrder(Object from, Object to) {
            int tail = atMillis.length - oldest;
            System.arraycopy(from, oldest, to, 0, tail);
            System.arraycopy(from, 0, to, tail, oldest);
        }
    }
}
