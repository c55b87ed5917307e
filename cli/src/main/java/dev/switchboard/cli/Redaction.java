package dev.switchboard.cli;

import dev.switchboard.http.Redactor;
import dev.switchboard.spi.SecretRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A last guard before text leaves the process (error lines, log lines, listings): masks every secret of the
 * {@link SecretRegistry} in any of its forms (the configuration's keys, credential headers and gateway keys, which
 * the runtime registers as it reads them) and anything shaped like a key. The values of environment variables that
 * hold credentials (names containing KEY, TOKEN, SECRET or PASSWORD) are registered too, so they are masked even
 * when no configuration names them.
 */
final class Redaction {

    static final String MASK = SecretRegistry.MASK;
    private static final List<String> MARKERS = List.of("KEY", "TOKEN", "SECRET", "PASSWORD");

    private final Redactor redactor;

    Redaction(Map<String, String> env) {
        this(env, SecretRegistry.global());
    }

    Redaction(Map<String, String> env, SecretRegistry secrets) {
        env.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (MARKERS.stream().anyMatch(upper::contains)) {
                secrets.register(value); // values shorter than a credential are ignored
            }
        });
        this.redactor = Redactor.of(secrets);
    }

    String apply(String text) {
        return text == null ? "" : redactor.redact(text);
    }
}
