package dev.switchboard.gateway;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who may call which endpoint: the one place the gateway decides it. The rules:
 * <ul>
 *   <li>{@code GET /health} always answers, without a key (load balancers probe it), and so do the dashboard's
 *       page and assets under {@code /ui} (they hold no data; the page asks for a key before it reads any);</li>
 *   <li>with no keys configured, everything answers without a key, in full;</li>
 *   <li>an endpoint listed in {@code switchboard.gateway.open-endpoints} ({@code ready}, {@code metrics},
 *       {@code usage}) answers without a key, in full, whatever key is sent;</li>
 *   <li>otherwise the request must carry {@code Authorization: Bearer <a configured key>} (401 without);</li>
 *   <li>{@code GET /metrics} then needs an admin key (403 {@code permission_denied} for a plain one), and
 *       {@code GET /v1/usage} shows a plain key only its own usage, an admin key everybody's;</li>
 *   <li>{@code POST /v1/usage/reset} and the dashboard's data under {@code /ui/api/} need an admin key (403 for a
 *       plain one); they cannot be opened.</li>
 * </ul>
 * Thread-safe.
 */
final class AccessKeys {

    /** The endpoints {@code open-endpoints} may name, by the name it uses. */
    static final Set<Exchange.Endpoint> OPENABLE =
            EnumSet.of(Exchange.Endpoint.READY, Exchange.Endpoint.METRICS, Exchange.Endpoint.USAGE);

    private static final String BEARER = "Bearer ";

    /** What a request may do: go on (as a key, or anonymously) or be answered with a refusal. */
    sealed interface Decision permits Allowed, Refused {}

    /**
     * The request goes on.
     *
     * @param key     the key it carries; null when none was needed
     * @param seesAll whether it may read everybody's usage (an admin key, or no key needed), not only its key's
     */
    record Allowed(AccessKey key, boolean seesAll) implements Decision {}

    /** The request is answered with {@code reply} (401 or 403) and goes no further. */
    record Refused(ErrorReply reply) implements Decision {}

    private static final Allowed ANYONE = new Allowed(null, true);

    private final List<AccessKey> keys;
    private final Set<Exchange.Endpoint> open;

    AccessKeys(List<AccessKey> keys, Set<String> openEndpoints) {
        this.keys = List.copyOf(keys);
        this.open = EnumSet.noneOf(Exchange.Endpoint.class);
        for (String name : openEndpoints) {
            open.add(openable(name));
        }
    }

    /** The endpoint {@code name} stands for in {@code open-endpoints}. */
    static Exchange.Endpoint openable(String name) {
        for (Exchange.Endpoint e : OPENABLE) {
            if (e.label.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not an endpoint that can be opened");
    }

    boolean required() {
        return !keys.isEmpty();
    }

    List<AccessKey> all() {
        return keys;
    }

    /** Whether a request for {@code endpoint} with this {@code Authorization} header may go on, and as whom. */
    Decision decide(Exchange.Endpoint endpoint, String authorization) {
        if (endpoint == Exchange.Endpoint.HEALTH || endpoint == Exchange.Endpoint.UI || !required()
                || open.contains(endpoint)) {
            return ANYONE;
        }
        AccessKey key = match(authorization);
        if (key == null) {
            return new Refused(ErrorReply.unauthorized(authorization != null));
        }
        if (endpoint == Exchange.Endpoint.METRICS && !key.admin()) {
            return new Refused(ErrorReply.permissionDenied("The key '" + key.name() + "' may not read the metrics:"
                    + " only an admin key may (admin = true in its switchboard.gateway.keys block, or listed in"
                    + " switchboard.gateway.admin-keys), unless switchboard.gateway.open-endpoints lists metrics."));
        }
        if (endpoint == Exchange.Endpoint.USAGE_RESET && !key.admin()) {
            return new Refused(ErrorReply.permissionDenied("The key '" + key.name() + "' may not reset spending:"
                    + " only an admin key may (admin = true in its switchboard.gateway.keys block, or listed in"
                    + " switchboard.gateway.admin-keys)."));
        }
        if (endpoint == Exchange.Endpoint.UI_DATA && !key.admin()) {
            return new Refused(ErrorReply.permissionDenied("The key '" + key.name() + "' may not open the dashboard:"
                    + " only an admin key may (admin = true in its switchboard.gateway.keys block, or listed in"
                    + " switchboard.gateway.admin-keys)."));
        }
        return new Allowed(key, key.admin());
    }

    /** The configured key the header carries, or null (also when no keys are configured). */
    AccessKey match(String authorization) {
        if (keys.isEmpty() || authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return find(AccessKey.sha256(authorization.substring(BEARER.length()).strip()));
    }

    /** The key whose hash is {@code presented}, or null; every key is compared, so the time says nothing. */
    private AccessKey find(byte[] presented) {
        AccessKey found = null;
        for (AccessKey k : keys) {
            if (k.matches(presented) && found == null) { // no early exit: every key is compared
                found = k;
            }
        }
        return found;
    }
}
