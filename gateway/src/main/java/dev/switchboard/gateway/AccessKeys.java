package dev.switchboard.gateway;

import java.util.List;

/** Checks the {@code Authorization: Bearer} header against the configured keys. Thread-safe. */
final class AccessKeys {

    private static final String BEARER = "Bearer ";

    private final List<AccessKey> keys;

    AccessKeys(List<AccessKey> keys) {
        this.keys = List.copyOf(keys);
    }

    boolean required() {
        return !keys.isEmpty();
    }

    List<AccessKey> all() {
        return keys;
    }

    /** Whether the request may pass: no keys are configured, or the header carries one of them. */
    boolean allows(String authorization) {
        return !required() || match(authorization) != null;
    }

    /** The configured key the header carries, or null (also when no keys are configured). */
    AccessKey match(String authorization) {
        if (keys.isEmpty() || authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        byte[] presented = AccessKey.sha256(authorization.substring(BEARER.length()).strip());
        AccessKey found = null;
        for (AccessKey k : keys) {
            if (k.matches(presented) && found == null) { // no early exit: every key is compared
                found = k;
            }
        }
        return found;
    }
}
