package dev.switchboard.runtime;

import java.util.Objects;

/**
 * Who a call is made for, on the calling thread: the route it goes through and the caller's key, so that the
 * {@link UsageLedger} can attribute its usage (and a key's budget can count it). Routes open their scope themselves;
 * a server opens one per request for its caller's key:
 *
 * <pre>{@code
 * try (UsageScope s = UsageScope.key("team-a")) {
 *     route.chat(request);
 * }
 * }</pre>
 *
 * The scope is read when a call starts (a stream's usage is attributed when it ends, to the scope it started in).
 * The outermost route wins when routes are nested. Close scopes in the reverse order of opening, on the same thread.
 */
public final class UsageScope implements AutoCloseable {

    private static final ThreadLocal<UsageScope> CURRENT = new ThreadLocal<>();
    private static final UsageScope NONE = new UsageScope("", "", null, false);

    private final String route;
    private final String key;
    private final UsageScope previous;
    private final boolean installed;

    private UsageScope(String route, String key, UsageScope previous, boolean installed) {
        this.route = route;
        this.key = key;
        this.previous = previous;
        this.installed = installed;
    }

    /** Attributes the calls made on this thread until {@link #close()} to the key named {@code key}. */
    public static UsageScope key(String key) {
        Objects.requireNonNull(key, "key");
        UsageScope outer = CURRENT.get();
        UsageScope s = new UsageScope(outer == null ? "" : outer.route, key, outer, true);
        CURRENT.set(s);
        return s;
    }

    /** Attributes calls to {@code route}, unless an outer route already does. */
    static UsageScope route(String route) {
        UsageScope outer = CURRENT.get();
        if (outer != null && !outer.route.isEmpty()) {
            return new UsageScope(outer.route, outer.key, outer, false);
        }
        UsageScope s = new UsageScope(route, outer == null ? "" : outer.key, outer, true);
        CURRENT.set(s);
        return s;
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

    @Override
    public void close() {
        if (!installed) {
            return;
        }
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
