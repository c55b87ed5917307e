package dev.switchboard.state.redis;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.routing.RouteStrategy;
import dev.switchboard.runtime.routing.TargetGroup;
import dev.switchboard.runtime.routing.TargetStats;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What sharing a target group's statistics through Redis would cost each pick: a least-busy pick of three members as
 * the route makes it now (the members' in-flight counts from this process's {@link TargetStats}), next to the same
 * pick after reading the three counts from a real redis-server on loopback with one {@code HMGET}, the least a
 * shared pick needs (keeping the counts would add an {@code HINCRBY} when a call starts and another when it ends; a
 * latency pick reads its averages the same way). Prints each side's median per pick over rounds, and their ratio.
 * Opt-in, as it measures rather than checks: {@code mvn -pl state-redis -am verify -Dbench=true
 * -Dtest=GroupPickCostBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class GroupPickCostBench {

    private static final int ROUNDS = 7;
    private static final int PICKS = 20_000;

    @TempDir
    Path dir;

    @Test
    void onePickInProcessAndThroughRedis() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bench"), "a measurement: run with -Dbench=true");
        List<TargetGroup.Member> members = new ArrayList<>();
        Map<ProviderManager.Target, TargetStats> stats = new HashMap<>();
        for (String name : List.of("azure-eu", "azure-us", "azure-asia")) {
            ProviderManager.Target t = new ProviderManager.Target(provider(name), null);
            members.add(new TargetGroup.Member(t, 1));
            stats.put(t, new TargetStats());
        }
        TargetGroup group = TargetGroup.of(RouteStrategy.LEAST_BUSY, members);
        SplittableRandom random = new SplittableRandom(17);

        try (RedisServer redis = RedisServer.start(dir)) {
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> commands = connection.sync();
                commands.hset("bench:inflight", Map.of("azure-eu", "2", "azure-us", "1", "azure-asia", "3"));
                long[] local = new long[ROUNDS];
                long[] shared = new long[ROUNDS];
                int sink = 0;
                for (int round = -2; round < ROUNDS; round++) { // two rounds of warm-up
                    long t0 = System.nanoTime();
                    for (int i = 0; i < PICKS; i++) {
                        sink += group.order(random::nextDouble, stats).size();
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < PICKS; i++) {
                        sink += commands.hmget("bench:inflight", "azure-eu", "azure-us", "azure-asia").size();
                        sink += group.order(random::nextDouble, stats).size();
                    }
                    long t2 = System.nanoTime();
                    if (round >= 0) {
                        local[round] = (t1 - t0) / PICKS;
                        shared[round] = (t2 - t1) / PICKS;
                    }
                }
                Arrays.sort(local);
                Arrays.sort(shared);
                long l = local[ROUNDS / 2];
                long s = shared[ROUNDS / 2];
                System.out.printf("least-busy pick of 3 members, median of %d rounds of %d picks (checksum %d):%n"
                        + "  in process      %,8d ns (rounds %s)%n  through Redis   %,8d ns (rounds %s)%n"
                        + "  ratio           %.0fx%n", ROUNDS, PICKS, sink, l, Arrays.toString(local), s,
                        Arrays.toString(shared), (double) s / l);
            } finally {
                client.shutdown();
            }
        }
    }

    private static LlmProvider provider(String name) {
        return (LlmProvider) Proxy.newProxyInstance(GroupPickCostBench.class.getClassLoader(),
                new Class<?>[] {LlmProvider.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
