package dev.switchboard.spring.boot;

import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.TargetState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The state of each configured provider: {@code ok}, {@code cooling down} (some route holds it back after failures,
 * until the time given), or {@code key missing} (with where to set it). Up while at least one provider is ok, down
 * when none is, unknown without providers. Reads the Switchboard's state only; sends nothing upstream.
 */
public final class SwitchboardHealthIndicator extends AbstractHealthIndicator {

    private final Switchboard switchboard;

    public SwitchboardHealthIndicator(Switchboard switchboard) {
        super("Switchboard health check failed");
        this.switchboard = switchboard;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, String> states = providerStates(switchboard);
        if (states.isEmpty()) {
            builder.unknown().withDetail("providers", "none configured");
            return;
        }
        boolean anyOk = states.values().stream().anyMatch("ok"::equals);
        (anyOk ? builder.up() : builder.down()).withDetail("providers", states);
    }

    /** Each provider's state, by name. */
    static Map<String, String> providerStates(Switchboard sb) {
        Map<String, String> cooling = new LinkedHashMap<>();
        for (String route : sb.routeNames()) {
            collectCooling(sb.route(route).targetStates(), cooling);
        }
        for (String provider : sb.providerNames()) {
            collectCooling(sb.providerRoute(provider).targetStates(), cooling);
        }
        Map<String, String> states = new LinkedHashMap<>();
        for (String provider : sb.providerNames()) {
            String missing = sb.missingKeys().get(provider);
            states.put(provider, missing != null ? "key missing: " + missing
                    : cooling.getOrDefault(provider, "ok"));
        }
        return states;
    }

    private static void collectCooling(Iterable<TargetState> targets, Map<String, String> cooling) {
        for (TargetState t : targets) {
            if (t.state() != CircuitState.CLOSED) {
                String provider = t.label().contains("/") ? t.label().substring(0, t.label().indexOf('/')) : t.label();
                cooling.putIfAbsent(provider, t.openUntil() == null ? "cooling down"
                        : "cooling down until " + t.openUntil());
            }
        }
    }
}
