package dev.switchboard.gateway;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.runtime.config.ConfigFields;
import dev.switchboard.runtime.config.ConfigProblems;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the roles of the gateway's keys from {@code switchboard.gateway}: {@code admin-keys} (keys that read
 * everybody's usage and the metrics, beside those whose block says {@code admin = true}) and {@code open-endpoints}
 * (endpoints that answer without a key). Each mistake is recorded as one line naming the entry and where it is
 * written.
 */
final class KeyRolesReader {

    static final String ADMIN_KEYS = "admin-keys";
    static final String OPEN_ENDPOINTS = "open-endpoints";

    private final ConfigFields gateway;
    private final ConfigProblems problems;

    /** {@code gateway}: the {@code switchboard.gateway} block. */
    KeyRolesReader(ConfigFields gateway) {
        this.gateway = gateway;
        this.problems = gateway.problems();
    }

    /**
     * {@code keys} with those that {@code admin-keys} lists made admins. An entry names a key of {@code keys} (its
     * {@code name}) or repeats its value (e.g. the same {@code ${?ADMIN_KEY}}). One that matches no key is an error
     * that never shows the entry (it may be a key); it is only checked when {@code keysComplete} (no entry of
     * {@code keys} was left out for a problem of its own, which would be the one to fix).
     */
    List<AccessKey> withAdmins(List<AccessKey> keys, boolean keysComplete) {
        Optional<ConfigList> list = gateway.list(ADMIN_KEYS);
        if (list.isEmpty()) {
            return keys;
        }
        List<AccessKey> result = new ArrayList<>(keys);
        for (int i = 0; i < list.get().size(); i++) {
            ConfigValue v = list.get().get(i);
            if (ConfigFields.isUnresolved(v)) {
                continue; // reported where it is written by the loader
            }
            String path = gateway.path(ADMIN_KEYS) + "[" + i + "]";
            if (v.valueType() != ConfigValueType.STRING) {
                problems.add(v.origin(), path, "must be a key's name or value, not " + ConfigFields.kind(v));
                continue;
            }
            String entry = ((String) v.unwrapped()).strip();
            if (entry.isEmpty()) {
                problems.add(v.origin(), path, "is empty; remove it, or set the variable it reads");
                continue;
            }
            int index = indexOf(result, entry);
            if (index >= 0) {
                result.set(index, result.get(index).withAdmin(true));
            } else if (keysComplete) {
                problems.add(v.origin(), path, "is not one of " + gateway.path("keys") + "; give the name of a"
                        + " configured key (e.g. \"ops\") or its value");
            }
        }
        return result;
    }

    /** The key named {@code entry}, else the key whose value it is; -1 for none. */
    private static int indexOf(List<AccessKey> keys, String entry) {
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).name().equals(entry)) {
                return i;
            }
        }
        byte[] hash = AccessKey.sha256(entry);
        int found = -1;
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).matches(hash) && found < 0) { // no early exit: every key is compared
                found = i;
            }
        }
        return found;
    }

    /**
     * The endpoints {@code open-endpoints} lists, by name ({@code ready}, {@code metrics}, {@code usage}); a path
     * ({@code /ready}, {@code /metrics}, {@code /v1/usage}) is read as its name, and {@code health}, always open, is
     * accepted and left out.
     */
    Set<String> openEndpoints() {
        Optional<ConfigList> list = gateway.list(OPEN_ENDPOINTS);
        if (list.isEmpty()) {
            return Set.of();
        }
        Set<String> open = new LinkedHashSet<>();
        for (int i = 0; i < list.get().size(); i++) {
            ConfigValue v = list.get().get(i);
            if (ConfigFields.isUnresolved(v)) {
                continue;
            }
            String path = gateway.path(OPEN_ENDPOINTS) + "[" + i + "]";
            if (v.valueType() != ConfigValueType.STRING) {
                problems.add(v.origin(), path, "must be an endpoint name, not " + ConfigFields.kind(v));
                continue;
            }
            String name = endpointName((String) v.unwrapped());
            if (name.equals(Exchange.Endpoint.HEALTH.label)) {
                continue;
            }
            try {
                open.add(AccessKeys.openable(name).label);
            } catch (IllegalArgumentException e) {
                problems.add(v.origin(), path, "'" + v.unwrapped() + "' is not an endpoint that can be opened; known: "
                        + String.join(", ", openable()) + " (/health is always open)");
            }
        }
        return Collections.unmodifiableSet(open);
    }

    /** {@code /v1/usage}, {@code /usage} and {@code usage} all give {@code usage}. */
    private static String endpointName(String raw) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("/v1/")) {
            return s.substring(4);
        }
        return s.startsWith("/") ? s.substring(1) : s;
    }

    private static Set<String> openable() {
        Set<String> names = new TreeSet<>();
        for (Exchange.Endpoint e : AccessKeys.OPENABLE) {
            names.add(e.label);
        }
        return names;
    }
}
