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

    /** Whether the request may pass: no keys are configured, or the header carries one of them. */
    boolean allows(String authorization) {
        if (keys.isEmpty()) {
            return true;
        }
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = AccessKey.sha256(authorization.substring(BEARER.length()).strip());
        boolean ok = false;
        for (AccessKey k : keys) {
            ok |= k.matches(presented); // no early exit: every key is compared
        }
        return ok;
    }
}
