package dev.switchboard.http;

import dev.switchboard.spi.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes credentials from text that may reach a message, a log line or a {@code toString()}: the provider's own
 * secrets verbatim, and anything shaped like a bearer token or a well-known key format.
 */
public final class Redactor {

    private static final String MASK = "****";
    private static final Pattern KEY_SHAPES = Pattern.compile(
            "(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"
                    // a header or JSON field; an Authorization value's "Bearer " is part of the prefix, or the
                    // scheme word alone would be masked and the token after it kept
                    + "|((?:api[-_]?key|x-api-key|x-goog-api-key|authorization)\"?\\s*[:=]\\s*\"?(?:bearer\\s+)?)[^\\s\",}]{6,}"
                    + "|([?&](?:key|api[-_]?key|access_token)=)[^&\\s\"#]{6,}" // Gemini takes ?key=
                    + "|\\b(?:sk|gsk|hf|r8|sk-ant|sk-proj)[-_][A-Za-z0-9_-]{12,}"
                    + "|\\bAIza[0-9A-Za-z_-]{35}" // Google API keys
                    // JSON Web Tokens (Entra ID and other OAuth bearer tokens), even without their "Bearer "
                    + "|\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");

    private static final Redactor PATTERNS_ONLY = new Redactor(List.of());

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    /** A redactor for these secrets (absent ones are ignored) plus the known key shapes. */
    public static Redactor of(Iterable<Secret> secrets) {
        List<String> values = new ArrayList<>();
        for (Secret s : secrets) {
            if (s != null) {
                values.add(s.reveal());
            }
        }
        return values.isEmpty() ? PATTERNS_ONLY : new Redactor(List.copyOf(values));
    }

    public static Redactor patternsOnly() {
        return PATTERNS_ONLY;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return KEY_SHAPES.matcher(out).replaceAll(m -> {
            String prefix = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
                    : m.group(3) != null ? m.group(3) : "";
            return java.util.regex.Matcher.quoteReplacement(prefix + MASK);
        });
    }
}
