package dev.switchboard.state.redis;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.UsageSnapshot;
import dev.switchboard.runtime.UsageTotals;
import dev.switchboard.runtime.state.BucketDecision;
import dev.switchboard.runtime.state.BucketLimits;
import dev.switchboard.runtime.state.BucketView;
import dev.switchboard.runtime.state.BudgetDecision;
import dev.switchboard.runtime.state.BudgetView;
import dev.switchboard.runtime.state.CooldownPermit;
import dev.switchboard.runtime.state.CooldownView;
import dev.switchboard.runtime.state.ResponseStore;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.StateUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The state in one Redis server, shared by every instance that names it with the same key prefix. Each operation is
 * one Lua script ({@link Scripts}), so a check and its change happen as one step for all instances together: N
 * gateways on one server enforce one limit, one budget and one cooldown, and a reset or a window's rollover is seen
 * by every instance at its next request. Nothing is cached here; each call asks the server.
 *
 * <p>Keys, under the prefix: {@code budget:<name>} and {@code budget-holds:<name>} (hashes), {@code bucket:<name>},
 * {@code cooldown:<target>}, {@code usage} (every call's totals), {@code usage-key:<key>} (a key's own) and
 * {@code cache:<key>} (the response cache's answers, with {@code switchboard.cache.backend = redis}). Holds of
 * calls in flight expire after {@link #HOLD_TTL} on the server's clock, so those of an instance that died are given
 * back; so does a probe's claim on a target. When the server cannot be reached every method throws
 * {@link StateUnavailableException} at once (commands are not queued while disconnected) and the client reconnects
 * in the background. Thread-safe: one connection, which Lettuce multiplexes.
 */
public final class RedisStateStore implements StateStore {

    /** How long a budget hold or a probe's claim lasts without its call ending (longer than any call's timeout). */
    static final Duration HOLD_TTL = Duration.ofMinutes(15);
    /** Money is kept in nano-dollars. */
    private static final int SCALE = 9;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final ClientResources resources;
    /** Null until a first connection is made (the server may be away when this store opens). */
    private volatile @Nullable StatefulRedisConnection<String, String> connection;
    private final String prefix;
    private final String where;
    private final Clock clock;
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    private RedisStateStore(ClientResources resources, RedisClient client, String prefix, String where, Clock clock) {
        this.resources = resources;
        this.client = client;
        this.prefix = prefix;
        this.where = where;
        this.clock = clock;
    }

    /**
     * Connects to {@code uri} ({@code redis://[[user:]password@]host:port[/db][?password=...]}, {@code rediss://} for
     * TLS). A server that cannot be reached now (refused, or slow to answer) is no reason to fail: the store opens
     * unconnected, each operation then throws {@link StateUnavailableException} and tries to connect again, and
     * {@code switchboard.state.on-failure} decides meanwhile.
     *
     * @throws IllegalArgumentException when the URI cannot be read, or the server answered and refused this client (a
     *                                  wrong password, say); the message never repeats a password
     */
    public static RedisStateStore open(String uri, String keyPrefix, Clock clock) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(clock, "clock");
        RedisURI redisUri = RedisUris.parse(uri);
        if (redisUri.getTimeout() == null || redisUri.getTimeout().compareTo(COMMAND_TIMEOUT) > 0) {
            redisUri.setTimeout(COMMAND_TIMEOUT);
        }
        String where = "redis at " + redisUri.getHost() + ":" + redisUri.getPort();
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
                        java.util.concurrent.TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while the server is away, so on-failure decides, instead of queueing the call
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        RedisStateStore store = new RedisStateStore(resources, client, keyPrefix, where, clock);
        try {
            store.redis();
        } catch (StateUnavailableException e) {
            if (e.getCause() != null && refusedThisClient(e.getCause())) {
                store.close();
                throw new IllegalArgumentException("the server at " + redisUri.getHost() + ":" + redisUri.getPort()
                        + " refused this client: " + reason(e.getCause()) + " (check the password in"
                        + " switchboard.state.redis.uri)");
            }
            // unreachable now: the first operation reports the outage, and the store connects when the server comes
        }
        return store;
    }

    /** Whether the server answered with an error (a wrong or missing password), rather than not answering at all. */
    private static boolean refusedThisClient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
                return true;
            }
        }
        return false;
    }

    /** The connection's commands, connecting first when there is no connection yet. */
    private RedisCommands<String, String> redis() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    try {
                        c = client.connect();
                    } catch (RedisException e) {
                        throw new StateUnavailableException("cannot connect to " + where + ": " + reason(e), e);
                    }
                    connection = c;
                }
            }
        }
        return c.sync();
    }

    @Override
    public void ping() {
        call(() -> redis().ping());
    }

    @Override
    public String backend() {
        return "redis";
    }

    // ------------------------------------------------------------------------------------------- budgets

    @Override
    public BudgetDecision reserveBudget(String budget, String hold, long window, BigDecimal amount,
                                       BigDecimal estimate) {
        List<Object> r = run(Scripts.RESERVE_BUDGET, List.of(key("budget:", budget), key("budget-holds:", budget)),
                Long.toString(window), nanos(amount), nanos(estimate), hold, Long.toString(HOLD_TTL.toMillis()));
        return new BudgetDecision(number(r.get(0)) == 1, usd(r.get(1)), usd(r.get(2)));
    }

    @Override
    public void settleBudget(String budget, String hold, BigDecimal estimate, long window, BigDecimal cost) {
        runForNumber(Scripts.SETTLE_BUDGET, List.of(key("budget:", budget), key("budget-holds:", budget)), hold,
                Long.toString(window), nanos(cost));
    }

    @Override
    public BudgetView budget(String budget, long window) {
        List<Object> r = run(Scripts.VIEW_BUDGET, List.of(key("budget:", budget), key("budget-holds:", budget)),
                Long.toString(window));
        return new BudgetView(usd(r.get(0)), usd(r.get(1)), (int) number(r.get(2)));
    }

    @Override
    public void resetBudget(String budget, long window) {
        runForNumber(Scripts.RESET_BUDGET, List.of(key("budget:", budget)), Long.toString(window));
    }

    // ------------------------------------------------------------------------------------------- rate limits

    @Override
    public BucketDecision takeFromBucket(String bucket, BucketLimits limits, long tokens, Instant now) {
        List<Object> r = run(Scripts.TAKE, List.of(key("bucket:", bucket)), rpm(limits), tpm(limits),
                Long.toString(tokens), micros(now));
        if (number(r.get(0)) == 1) {
            return BucketDecision.GRANTED;
        }
        Duration wait = Duration.ofNanos(Math.max(1, Long.parseLong(text(r.get(1)))));
        String reason = switch (text(r.get(2))) {
            case "held" -> text(r.get(3));
            case "requests" -> "requests-per-minute " + limits.requestsPerMinute() + " reached";
            default -> "tokens-per-minute " + limits.tokensPerMinute() + " reached (this request is estimated at "
                    + tokens + " tokens)";
        };
        return BucketDecision.refused(wait, reason);
    }

    @Override
    public void returnToBucket(String bucket, BucketLimits limits, long tokens, boolean request, Instant now) {
        runForNumber(Scripts.RETURN, List.of(key("bucket:", bucket)), rpm(limits), tpm(limits), Long.toString(tokens),
                request ? "1" : "0", micros(now));
    }

    @Override
    public void holdBucket(String bucket, BucketLimits limits, Instant until, String why, Instant now) {
        runForNumber(Scripts.HOLD, List.of(key("bucket:", bucket)), rpm(limits), tpm(limits), micros(until), why, micros(now));
    }

    @Override
    public BucketView bucket(String bucket, BucketLimits limits, Instant now) {
        List<Object> r = run(Scripts.VIEW_BUCKET, List.of(key("bucket:", bucket)), rpm(limits), tpm(limits),
                micros(now));
        String heldUntil = text(r.get(2));
        return new BucketView(Double.parseDouble(text(r.get(0))), Double.parseDouble(text(r.get(1))),
                heldUntil.isEmpty() ? null : instant(heldUntil), heldUntil.isEmpty() ? null : text(r.get(3)));
    }

    // ------------------------------------------------------------------------------------------- cooldowns

    @Override
    public CooldownPermit acquireCooldown(String target, Instant now) {
        long permit = runForNumber(Scripts.ACQUIRE, List.of(key("cooldown:", target)), micros(now),
                Long.toString(HOLD_TTL.toMillis()));
        return permit == 0 ? CooldownPermit.CALL : permit == 1 ? CooldownPermit.PROBE : CooldownPermit.REJECTED;
    }

    @Override
    public void cooldownSucceeded(String target, CooldownPermit permit) {
        runForNumber(Scripts.SUCCEEDED, List.of(key("cooldown:", target)), permit == CooldownPermit.PROBE ? "1" : "0");
    }

    @Override
    public boolean cooldownFailed(String target, CooldownPermit permit, ErrorKind kind, int threshold,
                                  Duration duration, Instant now) {
        return runForNumber(Scripts.FAILED, List.of(key("cooldown:", target)), permit == CooldownPermit.PROBE ? "1" : "0",
                kind.name(), Integer.toString(threshold), Long.toString(duration.toNanos() / 1000), micros(now)) == 1;
    }

    @Override
    public void cooldownReleased(String target, CooldownPermit permit) {
        if (permit == CooldownPermit.PROBE) {
            call(() -> redis().hdel(key("cooldown:", target), "probe_until"));
        }
    }

    @Override
    public CooldownView cooldown(String target) {
        List<Object> r = run(Scripts.VIEW_COOLDOWN, List.of(key("cooldown:", target)));
        String openUntil = text(r.get(1));
        String last = text(r.get(3));
        return new CooldownView((int) Long.parseLong(text(r.get(0))), openUntil.isEmpty() ? null : instant(openUntil),
                number(r.get(2)) == 1, last.isEmpty() ? null : ErrorKind.valueOf(last));
    }

    // ------------------------------------------------------------------------------------------- ledger

    @Override
    public void recordUsage(UsageRecord record) {
        UsageTotals t = UsageTotals.ZERO.plus(record);
        String model = record.model().isEmpty() ? record.provider() : record.provider() + "/" + record.model();
        runForNumber(Scripts.RECORD, List.of(key("", "usage"), key("usage-key:", record.key())), record.provider(), model,
                record.route(), record.key(), Long.toString(t.requests()), Long.toString(t.inputTokens()),
                Long.toString(t.outputTokens()), Long.toString(t.cachedInputTokens()), nanos(t.costUsd()),
                Long.toString(t.unpricedRequests()), Long.toString(t.estimatedRequests()));
    }

    @Override
    public UsageSnapshot usage() {
        return snapshot(call(() -> redis().hgetall(key("", "usage"))));
    }

    @Override
    public UsageSnapshot usageOfKey(String key) {
        return snapshot(call(() -> redis().hgetall(key("usage-key:", key))));
    }

    /** Reads the hash {@link Scripts#RECORD} writes back into totals per dimension and name. */
    private static UsageSnapshot snapshot(Map<String, String> fields) {
        Map<String, Map<String, long[]>> dims = new HashMap<>();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String[] parts = f.getKey().split("\0", -1);
            if (parts.length != 3) {
                continue;
            }
            long[] metrics = dims.computeIfAbsent(parts[0], d -> new HashMap<>())
                    .computeIfAbsent(parts[1], n -> new long[METRICS.size()]);
            int m = METRICS.indexOf(parts[2]);
            if (m >= 0) {
                metrics[m] = Long.parseLong(f.getValue());
            }
        }
        long[] total = dims.getOrDefault("total", Map.of()).getOrDefault("", new long[METRICS.size()]);
        return new UsageSnapshot(totals(total), totalsOf(dims.get("provider")), totalsOf(dims.get("model")),
                totalsOf(dims.get("route")), totalsOf(dims.get("key")));
    }

    private static final List<String> METRICS =
            List.of("requests", "input", "output", "cached", "cost", "unpriced", "estimated");

    private static Map<String, UsageTotals> totalsOf(Map<String, long[]> byName) {
        Map<String, UsageTotals> out = new HashMap<>();
        if (byName != null) {
            byName.forEach((name, m) -> out.put(name, totals(m)));
        }
        return out;
    }

    private static UsageTotals totals(long[] m) {
        return new UsageTotals(m[0], m[1], m[2], m[3], usd(m[4]), m[5], m[6]);
    }

    @Override
    public synchronized void close() {
        try {
            StatefulRedisConnection<String, String> c = connection;
            if (c != null) {
                c.close();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown();
        }
    }

    // ------------------------------------------------------------------------------------------- response cache

    /**
     * The response cache's answers, as plain strings under {@code <prefix>cache:<key>} with the entry's time to live
     * set by the server ({@code SET ... PX}), so every instance on this server finds what another kept and Redis
     * forgets it on time, whichever instance wrote it.
     */
    @Override
    public Optional<ResponseStore> responses() {
        return Optional.of(responses);
    }

    private final ResponseStore responses = new ResponseStore() {
        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(call(() -> redis().get(key("cache:", key))));
        }

        @Override
        public void put(String key, String value, Duration ttl) {
            call(() -> redis().set(key("cache:", key), value, SetArgs.Builder.px(Math.max(1, ttl.toMillis()))));
        }
    };

    // ------------------------------------------------------------------------------------------- plumbing

    private String key(String kind, String name) {
        return prefix + kind + name;
    }

    /** Runs a script that answers a list. */
    private List<Object> run(String script, List<String> keys, String... args) {
        return eval(script, ScriptOutputType.MULTI, keys, args);
    }

    /** Runs a script that answers a number. */
    private long runForNumber(String script, List<String> keys, String... args) {
        Long n = eval(script, ScriptOutputType.INTEGER, keys, args);
        return n;
    }

    /** Runs a script by its digest, loading it when the server does not know it (first use, or after a restart). */
    private <T> T eval(String script, ScriptOutputType type, List<String> keys, String... args) {
        String[] k = keys.toArray(String[]::new);
        return call(() -> {
            String digest = digests.get(script);
            if (digest != null) {
                try {
                    return redis().evalsha(digest, type, k, args);
                } catch (RedisNoScriptException e) {
                    // the server restarted and forgot its scripts: load it again below
                }
            }
            digest = redis().scriptLoad(script);
            digests.put(script, digest);
            return redis().evalsha(digest, type, k, args);
        });
    }

    private <T> T call(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new StateUnavailableException(where + " failed: " + reason(e), e);
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static String nanos(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.HALF_UP).unscaledValue().toString();
    }

    private static BigDecimal usd(Object nanos) {
        return usd(Long.parseLong(text(nanos)));
    }

    private static BigDecimal usd(long nanos) {
        BigDecimal d = BigDecimal.valueOf(nanos, SCALE).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    private static String micros(Instant t) {
        return Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, t));
    }

    private static Instant instant(String micros) {
        return Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
    }

    private static String rpm(BucketLimits limits) {
        return Integer.toString(limits.requestsPerMinute());
    }

    private static String tpm(BucketLimits limits) {
        return Long.toString(limits.tokensPerMinute());
    }

    private static long number(Object reply) {
        return reply instanceof Long l ? l : Long.parseLong(text(reply));
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
