package dev.switchboard.spi;

import java.util.Locale;
import java.util.Set;

/**
 * Which HTTP header names carry credentials: {@code authorization}, {@code proxy-authorization}, {@code cookie},
 * {@code set-cookie}, and any name ending in {@code -key}, {@code -token}, {@code -auth}, {@code -secret} or
 * {@code -password} (or one of those words alone, e.g. {@code api-key}, {@code x-goog-api-key},
 * {@code x-custom-token}, {@code helicone-auth}). Names are compared case-insensitively.
 */
public final class SensitiveHeaders {

    private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie",
            "key", "token", "auth", "secret", "password");
    private static final String[] SUFFIXES = {"-key", "-token", "-auth", "-secret", "-password",
            "_key", "_token", "_auth", "_secret", "_password"};

    private SensitiveHeaders() {}

    /** Whether a header of this name carries a credential by the rule above. */
    public static boolean isSensitive(String headerName) {
        if (headerName == null) {
            return false;
        }
        String name = headerName.strip().toLowerCase(Locale.ROOT);
        if (NAMES.contains(name)) {
            return true;
        }
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }
}
