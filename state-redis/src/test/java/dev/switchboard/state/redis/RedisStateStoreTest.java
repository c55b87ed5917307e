package dev.switchboard.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Cost;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.BucketDecision;
import dev.switchboard.runtime.state.BucketLimits;
import dev.switchboard.runtime.state.CooldownPermit;
import dev.switchboard.runtime.state.StateUnavailableException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three stores (three connections, as three processes would have) on one real redis-server: each operation is one
 * atomic step for all of them, money stays exact, and an unreachable server fails fast and is used again by itself
 * once it is back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisStateStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path dir;
    static RedisServer server;

    private final List<RedisStateStore> stores = new ArrayList<>();
    private RedisStateStore a;
    private RedisStateStore b;
    private RedisStateStore c;
    private static final AtomicInteger TEST = new AtomicInteger();

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start(dir);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void open() {
        String prefix = "test" + TEST.incrementAndGet() + ":"; // each test its own keys
        a = open(prefix);
        b = open(prefix);
        c = open(prefix);
    }

    private RedisStateStore open(String prefix) {
        RedisStateStore s = RedisStateStore.open(server.uri(), prefix, CLOCK);
        stores.add(s);
        return s;
    }

    @AfterEach
    void close() {
        stores.forEach(RedisStateStore::close);
    }

    @Test
    void twoHundredConcurrentTakesFromThreeStoresGrantExactlyThirtyOfAThirtyPerMinuteBucket() throws Exception {
        BucketLimits limits = new BucketLimits(30, 0);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RedisStateStore s = List.of(a, b, c).get(i % 3);
                calls.add(pool.submit(() -> {
                    if (s.takeFromBucket("provider:up", limits, 0, NOW).granted()) {
                        granted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted).hasValue(30);
        BucketDecision next = a.takeFromBucket("provider:up", limits, 0, NOW);
        assertThat(next.granted()).isFalse();
        assertThat(next.reason()).isEqualTo("requests-per-minute 30 reached");
        assertThat(next.retryAfter()).isEqualTo(Duration.ofSeconds(2)); // one request refills in 60 s / 30
        assertThat(b.takeFromBucket("provider:up", limits, 0, NOW.plusSeconds(2)).granted()).isTrue();
    }

    @Test
    void aHoldSetThroughOneStoreRefusesTakesOnTheOthersUntilItEnds() {
        BucketLimits none = new BucketLimits(0, 0);
        a.holdBucket("provider:up", none, NOW.plusSeconds(30), "the provider asked to wait", NOW);

        BucketDecision onB = b.takeFromBucket("provider:up", none, 10, NOW.plusSeconds(10));
        assertThat(onB.granted()).isFalse();
        assertThat(onB.reason()).isEqualTo("the provider asked to wait");
        assertThat(onB.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.takeFromBucket("provider:up", none, 10, NOW.plusSeconds(30)).granted()).isTrue();
    }

    @Test
    void concurrentReservationsOnThreeStoresNeverHoldMoreThanTheBudgetAndSettleExactly() throws Exception {
        BigDecimal amount = new BigDecimal("0.0010");
        BigDecimal estimate = new BigDecimal("0.0002");
        List<String> granted = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                RedisStateStore s = List.of(a, b, c).get(i % 3);
                String hold = "hold-" + i;
                calls.add(pool.submit(() -> {
                    if (s.reserveBudget("key:team-a", hold, 7, amount, estimate).granted()) {
                        granted.add(hold);
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted).hasSize(5);
        assertThat(c.budget("key:team-a", 7).reserved()).isEqualByComparingTo("0.001");
        assertThat(c.budget("key:team-a", 7).inFlight()).isEqualTo(5);

        a.settleBudget("key:team-a", granted.get(0), estimate, 7, new BigDecimal("0.000123456789"));
        assertThat(b.budget("key:team-a", 7).spent()).isEqualByComparingTo("0.000123457"); // nano-dollars, half up
        assertThat(b.budget("key:team-a", 7).inFlight()).isEqualTo(4);
        assertThat(b.budget("key:team-a", 8).spent()).isZero(); // the next window starts at zero

        b.resetBudget("key:team-a", 7);
        assertThat(a.budget("key:team-a", 7).spent()).isZero();
    }

    @Test
    void aCooldownOpenedThroughOneStoreIsHonouredByTheOthersAndOneProbeIsLetThrough() {
        assertThat(a.acquireCooldown("default:up", NOW)).isEqualTo(CooldownPermit.CALL);
        assertThat(a.cooldownFailed("default:up", CooldownPermit.CALL, ErrorKind.SERVER, 2, Duration.ofMinutes(1),
                NOW)).isFalse();
        assertThat(b.cooldownFailed("default:up", CooldownPermit.CALL, ErrorKind.SERVER, 2, Duration.ofMinutes(1),
                NOW)).isTrue();

        assertThat(c.acquireCooldown("default:up", NOW.plusSeconds(59))).isEqualTo(CooldownPermit.REJECTED);
        assertThat(c.cooldown("default:up").openUntil()).isEqualTo(NOW.plusSeconds(60));
        assertThat(c.cooldown("default:up").lastFailure()).isEqualTo(ErrorKind.SERVER);
        assertThat(a.acquireCooldown("default:up", NOW.plusSeconds(60))).isEqualTo(CooldownPermit.PROBE);
        assertThat(b.acquireCooldown("default:up", NOW.plusSeconds(61))).isEqualTo(CooldownPermit.REJECTED);

        a.cooldownSucceeded("default:up", CooldownPermit.PROBE);
        assertThat(c.acquireCooldown("default:up", NOW.plusSeconds(61))).isEqualTo(CooldownPermit.CALL);
        assertThat(c.cooldown("default:up").consecutiveFailures()).isZero();
    }

    @Test
    void usageRecordedThroughAnyStoreAddsUpInEveryOnesTotals() {
        a.recordUsage(new UsageRecord(NOW, "up", "m", "default", "team-a", Usage.of(10, 5), Cost.usd("0.25")));
        b.recordUsage(new UsageRecord(NOW, "up", "m", "default", "team-b", Usage.of(1, 1), Cost.usd("0.000000001")));
        c.recordUsage(new UsageRecord(NOW, "up", "", "", "", Usage.of(2, 2), Cost.UNKNOWN));

        var all = a.usage();
        assertThat(all.total().requests()).isEqualTo(3);
        assertThat(all.total().inputTokens()).isEqualTo(13);
        assertThat(all.total().costUsd()).isEqualByComparingTo("0.250000001");
        assertThat(all.total().unpricedRequests()).isEqualTo(1);
        assertThat(all.models()).containsOnlyKeys("up/m", "up");
        assertThat(all.routes()).containsOnlyKeys("default");
        assertThat(all.keys()).containsOnlyKeys("team-a", "team-b");
        assertThat(c.usageOfKey("team-a").total().costUsd()).isEqualByComparingTo("0.25");
        assertThat(c.usageOfKey("team-a").keys()).containsOnlyKeys("team-a");
    }

    @Test
    void whileTheServerIsDownEveryOperationFailsAtOnceAndWorksAgainWhenItIsBack() throws Exception {
        BucketLimits limits = new BucketLimits(5, 0);
        assertThat(a.takeFromBucket("provider:up", limits, 0, NOW).granted()).isTrue();
        server.stop();
        try {
            assertThatThrownBy(() -> a.takeFromBucket("provider:up", limits, 0, NOW))
                    .isInstanceOf(StateUnavailableException.class)
                    .hasMessageStartingWith("redis at 127.0.0.1:" + server.port + " failed: ");
            assertThatThrownBy(() -> b.recordUsage(new UsageRecord(NOW, "up", "m", "", "", Usage.of(1, 1),
                    Cost.usd("0.1")))).isInstanceOf(StateUnavailableException.class);
        } finally {
            server.start();
        }
        // the client reconnects by itself; the server came back empty (no persistence), so the bucket starts full
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        BucketDecision d = null;
        while (d == null) {
            try {
                d = a.takeFromBucket("provider:up", limits, 0, NOW);
            } catch (StateUnavailableException e) {
                assertThat(System.nanoTime()).as("reconnected within 30 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        assertThat(d.granted()).isTrue();
        assertThat(a.bucket("provider:up", limits, NOW).requestsAvailable()).isEqualTo(4.0);
    }
}
