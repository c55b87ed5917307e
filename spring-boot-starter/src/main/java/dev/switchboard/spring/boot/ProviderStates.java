package dev.switchboard.spring.boot;

import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.TargetState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each configured provider's state, by name: {@code ok}, {@code cooling down} (some route holds it back after
 * failures, until the time given) or {@code key missing} (with where to set it). Read from the Switchboard's state
 * only; sends nothing upstream. Apart from the health indicators because they are written against Spring Boot 3's
 * and 4's health types, which only one of is on a class path, and the meters use it without either.
 */
final class ProviderStates {

    private ProviderStates() {}

    static Map<String, String> of(Switchboard sb) {
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

    /** Up while at least one provider is ok, down when none is; null (unknown) without providers. */
    static Boolean anyOk(Map<String, String> states) {
        return states.isEmpty() ? null : states.values().stream().anyMatch("ok"::equals);
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
