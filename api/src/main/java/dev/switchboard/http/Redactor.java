package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.spi.Secret;
import dev.switchboard.spi.SecretRegistry;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Removes credentials from text that may reach a message, a log line or a {@code toString()}: every value of a
 * {@link SecretRegistry} in any of its forms (raw, JSON-escaped, URL-encoded, base64), and anything shaped like a
 * bearer token or a well-known key format. Thread-safe.
 */
public final class Redactor {

    private static final String MASK = SecretRegistry.MASK;
    private static final Pattern KEY_SHAPES = Pattern.compile(
            "(?i)(bearer\\s+)" + credential("[A-Za-z0-9._~+/=-]")
                    // a header or JSON field; an Authorization value's "Bearer " is part of the prefix, or the
                    // scheme word alone would be masked and the token after it kept
                    + "|((?:api[-_]?key|x-api-key|x-goog-api-key|authorization)\"?\\s*[:=]\\s*\"?(?:bearer\\s+)?)"
                    + credential("[^\\s\",}]")
                    + "|([?&](?:key|api[-_]?key|access_token)=)[^&\\s\"#]{6,}" // Gemini takes ?key=
                    + "|\\b(?:sk|gsk|hf|r8|sk-ant|sk-proj)[-_][A-Za-z0-9_-]{12,}"
                    + "|\\bAIza[0-9A-Za-z_-]{35}" // Google API keys
                    // JSON Web Tokens (Entra ID and other OAuth bearer tokens), even without their "Bearer "
                    + "|\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");

    /**
     * A value after a credential's label that looks like one: with a digit and at least 8 characters, or at least 20.
     * Words are left alone, so "invalid_api_key: Invalid key" and "Bearer authentication required" stay readable.
     */
    private static String credential(String charClass) {
        return "(?:(?=" + charClass + "*?\\d)" + charClass + "{8,}|" + charClass + "{20,})";
    }

    private static final Redactor PATTERNS_ONLY = new Redactor(SecretRegistry.create());

    private final SecretRegistry secrets;

    private Redactor(SecretRegistry secrets) {
        this.secrets = secrets;
    }

    /** A redactor for the values of {@code secrets}, also those registered later, plus the known key shapes. */
    public static Redactor of(SecretRegistry secrets) {
        return new Redactor(Objects.requireNonNull(secrets, "secrets"));
    }

    /** A redactor for these secrets (absent ones are ignored) plus the known key shapes. */
    public static Redactor of(Iterable<Secret> secrets) {
        SecretRegistry own = SecretRegistry.create();
        for (Secret s : secrets) {
            own.register(s);
        }
        return own.size() == 0 ? PATTERNS_ONLY : new Redactor(own);
    }

    /** Only the known key shapes, for text no configured secret can reach. */
    public static Redactor patternsOnly() {
        return PATTERNS_ONLY;
    }

    /** The registry whose values this redactor masks. */
    public SecretRegistry secrets() {
        return secrets;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = secrets.mask(text);
        return KEY_SHAPES.matcher(out).replaceAll(m -> {
            String prefix = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
                    : m.group(3) != null ? m.group(3) : "";
            return Matcher.quoteReplacement(prefix + MASK);
        });
    }

    /**
     * The JSON tree with every string value and field name redacted as decoded text, so a secret the body carried in
     * escaped form (&#92;u0073k-...) is caught too; {@code node} itself when nothing changed.
     */
    public @Nullable JsonNode redactTree(@Nullable JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            String text = node.textValue();
            String clean = redact(text);
            return clean.equals(text) ? node : TextNode.valueOf(clean);
        }
        if (node.isArray()) {
            ArrayNode out = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode child = node.get(i);
                JsonNode clean = redactTree(child);
                if (clean != child) {
                    out = out == null ? ((ArrayNode) node).deepCopy() : out;
                    out.set(i, clean);
                }
            }
            return out == null ? node : out;
        }
        if (node.isObject()) {
            ObjectNode out = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = redact(e.getKey());
                JsonNode clean = redactTree(e.getValue());
                if (clean != e.getValue() || !name.equals(e.getKey())) {
                    if (out == null) {
                        out = ((ObjectNode) node).deepCopy();
                    }
                    if (!name.equals(e.getKey())) {
                        out.remove(e.getKey());
                    }
                    out.set(name, clean);
                }
            }
            return out == null ? node : out;
        }
        return node;
    }
}
