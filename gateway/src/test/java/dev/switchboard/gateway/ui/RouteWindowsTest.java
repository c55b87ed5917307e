package dev.switchboard.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Attempt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
