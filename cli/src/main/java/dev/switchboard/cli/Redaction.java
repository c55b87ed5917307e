package dev.switchboard.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A last guard before text leaves the process: replaces the values of environment variables that hold credentials
 * (names containing KEY, TOKEN, SECRET or PASSWORD) with {@code ****}. Providers and the runtime redact their own
 * messages already; this catches what a third-party plugin might let through.
 */
final class Redaction {

    static final String MASK = "****";
    /** Shorter values are no real secret; replacing them everywhere would garble the text. */
    private static final int MIN_LENGTH = 8;
    private static final List<String> MARKERS = List.of("KEY", "TOKEN", "SECRET", "PASSWORD");

    private final List<String> secrets;

    Redaction(Map<String, String> env) {
        List<String> found = new ArrayList<>();
        env.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (value != null && value.strip().length() >= MIN_LENGTH && MARKERS.stream().anyMatch(upper::contains)) {
                found.add(value.strip());
            }
        });
        // Longest first, so a secret that contains another is masked whole.
        found.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(found);
    }

    String apply(String text) {
        if (text == null) {
            return "";
        }
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, MASK);
        }
        return s;
    }
}
