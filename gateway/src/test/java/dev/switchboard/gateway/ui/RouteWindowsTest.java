package dev.switchboard.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Attempt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dashboard's bookkeeping on a given clock: route figures per window, and the bounded ring of recent calls. */
class RouteWindowsTest {

    private static final long NOW = Instant.parse("2026-12-05T12:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    @Test
    void figuresCountOnlyTheWindowAndTakeNearestRankPercentiles() {
        RouteWindows w = new RouteWindows();
        w.add("default", NOW - 30 * MINUTE, 9_000_000_000L, -1, true); // in the hour, not in the last 5 minutes
        for (int i = 1; i <= 20; i++) { // 1..20 ms, one in four streamed with first content at a tenth
            w.add("default", NOW - MINUTE, i * 1_000_000L, i % 4 == 0 ? i * 100_000L : -1, i == 20);
        }

        RouteWindows.Figures last5 = w.figures(NOW, Duration.ofMinutes(5)).get("default");
        RouteWindows.Figures last60 = w.figures(NOW, Duration.ofMinutes(60)).get("default");

        assertThat(last5.requests()).isEqualTo(20);
        assertThat(last5.perMinute()).isEqualTo(4.0);
        assertThat(last5.errorRate()).isEqualTo(0.05);
        assertThat(last5.latencyP50Ms()).isEqualTo(10.0);
        assertThat(last5.latencyP95Ms()).isEqualTo(19.0);
        assertThat(last5.firstContentP50Ms()).isEqualTo(1.2); // the 3rd of 0.4, 0.8, 1.2, 1.6, 2.0
        assertThat(last5.firstContentP95Ms()).isEqualTo(2.0);
        assertThat(last60.requests()).isEqualTo(21);
        assertThat(last60.errorRate()).isEqualTo(2.0 / 21);
        assertThat(last60.latencyP95Ms()).isEqualTo(20.0);
    }

    @Test
    void aRouteQuietForAnHourDropsOut() {
        RouteWindows w = new RouteWindows();
        w.add("old", NOW - 61 * MINUTE, 1_000_000, -1, false);
        w.add("quiet", NOW - 10 * MINUTE, 1_000_000, -1, false);

        assertThat(w.figures(NOW, Duration.ofMinutes(60))).containsOnlyKeys("quiet");
        RouteWindows.Figures last5 = w.figures(NOW, Duration.ofMinutes(5)).get("quiet");
        assertThat(last5.requests()).isZero();
        assertThat(last5.latencyP50Ms()).isNull();
    }

    @Test
    void aBusyRouteKeepsItsNewestCallsUpToTheBound() {
        RouteWindows w = new RouteWindows(24);
        for (int i = 1; i <= 40; i++) { // past the first arrays (16), grown to the bound (24), then round the ring
            w.add("busy", NOW - (40 - i), i * 1_000_000L, -1, i % 10 == 0);
        }

        RouteWindows.Figures f = w.figures(NOW, Duration.ofMinutes(5)).get("busy");
        assertThat(f.requests()).isEqualTo(24); // calls 17 to 40
        assertThat(f.latencyP50Ms()).isEqualTo(28.0); // the 12th of 17..40
        assertThat(f.latencyP95Ms()).isEqualTo(39.0); // the 23rd
        assertThat(f.errorRate()).isEqualTo(3.0 / 24); // 20, 30 and 40
    }

    @Test
    void figuresAreThoseOfEveryCallKeptInOrder() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int max = 1 + random.nextInt(70);
            RouteWindows w = new RouteWindows(max);
            Map<String, ArrayDeque<long[]>> expected = new TreeMap<>();
            long at = NOW - 3 * 60 * MINUTE;
            for (int i = 0, calls = random.nextInt(300); i < calls; i++) {
                at += random.nextInt(4) == 0 ? random.nextInt((int) (20 * MINUTE)) : random.nextInt(1000);
                String route = "r" + random.nextInt(3);
                long[] call = {at, 1 + random.nextInt(50_000_000), random.nextBoolean() ? -1 : random.nextInt(9_000_000),
                        random.nextInt(5) == 0 ? 1 : 0};
                w.add(route, call[0], call[1], call[2], call[3] == 1);
                ArrayDeque<long[]> kept = expected.computeIfAbsent(route, r -> new ArrayDeque<>());
                kept.addLast(call);
                while (kept.size() > max || kept.peekFirst()[0] < at - RouteWindows.KEPT.toMillis()) {
                    kept.removeFirst();
                }
            }
            for (Duration window : List.of(Duration.ofMinutes(5), RouteWindows.KEPT)) {
                long now = at + random.nextInt((int) (10 * MINUTE)) - 5 * MINUTE;
                assertThat(w.figures(now, window)).as("trial %d, window %s", trial, window)
                        .isEqualTo(figures(expected, now, window));
            }
        }
    }

    /** The figures of the calls each route keeps, as a list of them in order gives them. */
    private static Map<String, RouteWindows.Figures> figures(Map<String, ArrayDeque<long[]>> kept, long now,
                                                             Duration window) {
        Map<String, RouteWindows.Figures> out = new TreeMap<>();
        kept.forEach((route, calls) -> {
            if (calls.isEmpty() || calls.peekLast()[0] < now - RouteWindows.KEPT.toMillis()) {
                return;
            }
            long[] latencies = calls.stream().filter(c -> c[0] >= now - window.toMillis() && c[0] <= now)
                    .mapToLong(c -> c[1]).toArray();
            long[] firsts = calls.stream().filter(c -> c[0] >= now - window.toMillis() && c[0] <= now && c[2] >= 0)
                    .mapToLong(c -> c[2]).toArray();
            long failed = calls.stream().filter(c -> c[0] >= now - window.toMillis() && c[0] <= now && c[3] == 1)
                    .count();
            int n = latencies.length;
            out.put(route, new RouteWindows.Figures(n, n / (window.toMillis() / 60_000.0),
                    n == 0 ? 0 : (double) failed / n, nearestRankMs(latencies, 0.50), nearestRankMs(latencies, 0.95),
                    nearestRankMs(firsts, 0.50), nearestRankMs(firsts, 0.95)));
        });
        return out;
    }

    private static Double nearestRankMs(long[] values, double p) {
        if (values.length == 0) {
            return null;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    @Test
    void theRingKeepsTheNewestCallsFirstAndForgetsTheOldest() {
        RecentCalls ring = new RecentCalls(3);
        for (int i = 1; i <= 5; i++) {
            ring.add(new CallRecord("req_" + i, Instant.ofEpochMilli(NOW + i), "chat", "default", "team-a", "primary",
                    200, 1_000_000, -1, List.of(Attempt.answered("primary", null, Duration.ofMillis(1))), null, null, null));
        }

        assertThat(ring.newestFirst()).extracting(CallRecord::id).containsExactly("req_5", "req_4", "req_3");
        assertThat(ring.added()).isEqualTo(5);
    }
}
