package dev.switchboard.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Cost;
import dev.switchboard.api.LlmException;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.BucketLimits;
import dev.switchboard.runtime.state.FailurePolicyStore;
import dev.switchboard.runtime.state.OnFailure;
import dev.switchboard.runtime.state.StateUnavailableException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real redis-server that hangs (SIGSTOP: connections stay open, nothing is answered), is away when the store opens,
 * or wants a password: once an outage is declared no operation asks the server again until a background probe finds
 * it back, so a hung server costs one operation its timeout, not every operation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisOutageTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    /** A ticker the test moves: probes are due {@link FailurePolicyStore#PROBE_INTERVAL} after the last. */
    static final class TestClock implements LongSupplier {
        final AtomicLong nanos = new AtomicLong();

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }

        @Override
        public long getAsLong() {
            return nanos.get();
        }
    }

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static UsageRecord call(String key) {
        return new UsageRecord(NOW, "up", "m", "default", key, Usage.of(1, 1), Cost.usd("0.015"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aHungServerIsNotAskedAgainOnceTheOutageIsDeclaredAndIsUsedAgainAfterAProbe() throws Exception {
        TestClock clock = new TestClock();
        try (RedisServer server = RedisServer.start(dir);
             FailurePolicyStore store = new FailurePolicyStore(RedisStateStore.open(server.uri(), "hang:", CLOCK),
                     OnFailure.ALLOW, clock)) {
            store.recordUsage(call("team-a"));
            server.hang();
            try {
                // the first operation waits out the command timeout and declares the outage
                store.recordUsage(call("team-a"));
                assertThat(store.unavailable()).isTrue();
                // the next ones are not sent: a server that resumes would otherwise run every one of them
                for (int i = 0; i < 5; i++) {
                    store.recordUsage(call("team-a"));
                    assertThat(store.takeFromBucket("provider:up", new BucketLimits(1, 0), 0, NOW).granted()).isTrue();
                }
                assertThat(store.failedOperations()).isEqualTo(11);
            } finally {
                server.resume();
            }
            assertThat(store.unavailable()).as("no probe is due before the interval").isTrue();
            clock.advance(FailurePolicyStore.PROBE_INTERVAL);
            store.recordUsage(call("team-a")); // due: starts a probe in the background, and is not sent itself
            await(() -> !store.unavailable(), "the probe finds the server back");
            store.recordUsage(call("team-a"));
            // before the hang, the one in flight when it was declared (the server ran it on resuming), after it
            assertThat(store.usage().total().requests()).isEqualTo(3);
            assertThat(store.outages()).isEqualTo(1);
        }
    }

    @Test
    void underDenyAnOutageRefusesAtOnceWithoutAskingTheServer() throws Exception {
        TestClock clock = new TestClock();
        try (RedisServer server = RedisServer.start(dir);
             FailurePolicyStore store = new FailurePolicyStore(RedisStateStore.open(server.uri(), "deny:", CLOCK),
                     OnFailure.DENY, clock)) {
            BucketLimits limits = new BucketLimits(100, 0);
            store.takeFromBucket("provider:up", limits, 0, NOW); // the script is loaded: the next take is one command
            server.hang();
            try {
                for (int i = 0; i < 4; i++) {
                    assertThatThrownBy(() -> store.takeFromBucket("provider:up", limits, 0, NOW))
                            .isInstanceOfSatisfying(LlmException.class, e -> {
                                assertThat(e.code()).contains("state_unavailable");
                                assertThat(e.retryAfter()).contains(FailurePolicyStore.PROBE_INTERVAL);
                            });
                }
            } finally {
                server.resume();
            }
            clock.advance(FailurePolicyStore.PROBE_INTERVAL);
            assertThatThrownBy(() -> store.takeFromBucket("provider:up", limits, 0, NOW))
                    .isInstanceOf(LlmException.class);
            await(() -> !store.unavailable(), "the probe finds the server back");
            store.takeFromBucket("provider:up", limits, 0, NOW);
            // the take before, the one in flight when the outage was declared (run on resuming) and the one after
            assertThat(store.bucket("provider:up", limits, NOW).requestsAvailable()).isEqualTo(97.0);
        }
    }

    @Test
    void callsOfAnOutageCountNeitherInUsageNorInTheBudget() throws Exception {
        TestClock clock = new TestClock();
        try (RedisServer server = RedisServer.start(dir);
             FailurePolicyStore store = new FailurePolicyStore(RedisStateStore.open(server.uri(), "agree:", CLOCK),
                     OnFailure.ALLOW, clock)) {
            BigDecimal amount = new BigDecimal("0.10");
            BigDecimal estimate = new BigDecimal("0.015");
            server.hang();
            try {
                for (int i = 0; i < 4; i++) { // what the gateway does for each call of key team-a
                    String hold = "h" + i;
                    assertThat(store.reserveBudget("key:team-a", hold, 1, amount, estimate).granted()).isTrue();
                    store.settleBudget("key:team-a", hold, estimate, 1, estimate);
                    store.recordUsage(call("team-a"));
                }
            } finally {
                server.resume();
            }
            clock.advance(FailurePolicyStore.PROBE_INTERVAL);
            store.budget("key:team-a", 1);
            await(() -> !store.unavailable(), "the probe finds the server back");
            assertThat(store.usageOfKey("team-a").total().requests()).isZero();
            assertThat(store.budget("key:team-a", 1).spent()).isZero();
        }
    }

    @Test
    void aServerAwayAtStartIsAnOutageAndIsUsedOnceItComes() throws Exception {
        TestClock clock = new TestClock();
        int port = RedisServer.freePort();
        try (FailurePolicyStore store = new FailurePolicyStore(
                RedisStateStore.open("redis://127.0.0.1:" + port, "late:", CLOCK), OnFailure.DENY, clock)) {
            store.checkAtStart();
            assertThat(store.unavailable()).isTrue();
            assertThatThrownBy(() -> store.budget("key:team-a", 1)).isInstanceOf(LlmException.class);
            try (RedisServer server = RedisServer.start(dir, port)) {
                clock.advance(FailurePolicyStore.PROBE_INTERVAL);
                assertThatThrownBy(() -> store.budget("key:team-a", 1)).isInstanceOf(LlmException.class);
                await(() -> !store.unavailable(), "the probe connects");
                store.recordUsage(call("team-a"));
                assertThat(store.usage().total().requests()).isEqualTo(1);
            }
        }
    }

    @Test
    void aPasswordGivenAsAQueryParameterIsSentAndAWrongOneIsAConfigurationError() throws Exception {
        String password = "Redis_Secret_4711";
        try (RedisServer server = RedisServer.start(dir, "--requirepass", password)) {
            try (RedisStateStore store = RedisStateStore.open(server.uri() + "?password=" + password, "pw:",
                    Clock.systemUTC())) {
                store.recordUsage(call("team-a"));
                assertThat(store.usage().total().requests()).isEqualTo(1);
            }
            try (RedisStateStore store = RedisStateStore.open("redis://default:" + password + "@127.0.0.1:"
                    + server.port, "pw:", Clock.systemUTC())) {
                assertThat(store.usage().total().requests()).isEqualTo(1);
            }
            assertThatThrownBy(() -> RedisStateStore.open(server.uri() + "?password=wrong_one", "pw:",
                    Clock.systemUTC()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("switchboard.state.redis.uri")
                    .hasMessageNotContaining("wrong_one");
        }
    }
}
