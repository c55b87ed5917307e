package dev.switchboard.runtime;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a call is made for, on the calling thread: the route it goes through and the caller's key, so that the
 * {@link UsageLedger} can attribute its usage (and a key's budget can count it), and what the usage log says of the
 * call besides: the request it serves (a server's request id), when that request started (its latency is counted
 * from there) and the tries a route made before the one being sent. Routes open their scope themselves; a server
 * opens one per request for its request id and one for its caller's key:
 *
 * <pre>{@code
 * try (UsageScope r = UsageScope.request("req_1x2y", clock.instant()); UsageScope s = UsageScope.key("team-a")) {
 *     route.chat(request);
 * }
 * }</pre>
 *
 * The scope is read when a call starts (a stream's usage is attributed when it ends, to the scope it started in).
 * The outermost route wins when routes are nested, as does the outermost start. Close scopes in the reverse order of
 * opening, on the same thread.
 */
public final class UsageScope implements AutoCloseable {

    private static final ThreadLocal<UsageScope> CURRENT = new ThreadLocal<>();
    private static final UsageScope NONE = new UsageScope("", "", "", null, List.of(), null, false);

    private final String route;
    private final String key;
    private final String requestId;
    private final Instant startedAt;
    private final List<String> triedBefore;
    private final UsageScope previous;
    private final boolean installed;

    private UsageScope(String route, String key, String requestId, Instant startedAt, List<String> triedBefore,
                       UsageScope previous, boolean installed) {
        this.route = route;
        this.key = key;
        this.requestId = requestId;
        this.startedAt = startedAt;
        this.triedBefore = triedBefore;
        this.previous = previous;
        this.installed = installed;
    }

    private static UsageScope install(String route, String key, String requestId, Instant startedAt,
                                      List<String> triedBefore, UsageScope outer) {
        UsageScope s = new UsageScope(route, key, requestId, startedAt, triedBefore, outer, true);
        CURRENT.set(s);
        return s;
    }

    /**
     * Marks the calls made on this thread until {@link #close()} as serving request {@code requestId}, which started
     * at {@code startedAt} (unless an outer scope already says when its request started).
     */
    public static UsageScope request(String requestId, Instant startedAt) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(startedAt, "startedAt");
        UsageScope o = current();
        return install(o.route, o.key, requestId, o.startedAt != null ? o.startedAt : startedAt, o.triedBefore,
                CURRENT.get());
    }

    /** Attributes the calls made on this thread until {@link #close()} to the key named {@code key}. */
    public static UsageScope key(String key) {
        Objects.requireNonNull(key, "key");
        UsageScope o = current();
        return install(o.route, key, o.requestId, o.startedAt, o.triedBefore, CURRENT.get());
    }

    /** Attributes calls to {@code route}, unless an outer route already does. */
    static UsageScope route(String route) {
        return route(route, null, null);
    }

    /**
     * Attributes calls to {@code route}, unless an outer route already does; a route that is the outermost scope
     * with a start counts its calls' latency from {@code now}.
     */
    static UsageScope route(String route, Instant now) {
        return route(route, now, null);
    }

    /**
     * As {@link #route(String, Instant)} at {@code clock}'s now, reading the clock only when the route's start counts:
     * a server's request scope usually says when the request started already.
     */
    static UsageScope route(String route, Clock clock) {
        return route(route, null, Objects.requireNonNull(clock, "clock"));
    }

    private static UsageScope route(String route, Instant now, Clock clock) {
        UsageScope outer = CURRENT.get();
        if (outer != null && !outer.route.isEmpty()) {
            return new UsageScope(outer.route, outer.key, outer.requestId, outer.startedAt, outer.triedBefore, outer,
                    false);
        }
        UsageScope o = current();
        Instant start = o.startedAt != null ? o.startedAt : clock != null ? clock.instant() : now;
        return install(route, o.key, o.requestId, start, List.of(), outer);
    }

    /**
     * Says, until {@link #close()}, which targets (provider names, one per try, retries included) the route tried
     * before the call about to be sent; its usage record lists them before its own provider.
     */
    public static UsageScope tries(List<String> triedBefore) {
        UsageScope o = current();
        return install(o.route, o.key, o.requestId, o.startedAt, List.copyOf(triedBefore), CURRENT.get());
    }

    /** The scope of this thread now; one naming no route and no key when none is open. */
    public static UsageScope current() {
        UsageScope s = CURRENT.get();
        return s == null ? NONE : s;
    }

    /** The route; empty for none. */
    public String route() {
        return route;
    }

    /** The caller's key name; empty for none. */
    public String keyName() {
        return key;
    }

    /** The id of the request the calls serve; empty for none. */
    public String requestId() {
        return requestId;
    }

    /** When the request (or the outermost route call) started; empty when no scope says. */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /** The providers tried before the call being sent, one per try; empty for a first try. */
    public List<String> triedBefore() {
        return triedBefore;
    }

    @Override
    public void close() {
        if (!installed) {
            return;
        }
        if (previous == null) {
            CURRENT.set(null); // not remove(): the thread's next request would allocate the map's entry again
        } else {
            CURRENT.set(previous);
        }
    }
}
