package dev.switchboard.spi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The secret values that must never leave the process: API keys, credential header values, gateway keys, and what a
 * plugin's {@link ProviderFactory#sensitiveKeys()} names. {@link #mask(String)} replaces each of them with
 * {@value #MASK} in any text, in its raw, JSON-escaped, URL-encoded and base64 forms.
 *
 * <p>{@link #global()} is the process's registry: the runtime fills it from the configuration, the HTTP layer from
 * the keys and credential headers it sends, and logs, error replies and command output are masked with it.
 * {@link #create()} gives a separate one (tests, embedding several independent setups). Values shorter than
 * {@value #MIN_LENGTH} characters are not registered: masking them everywhere would garble ordinary words. Values are
 * only added, never removed. Thread-safe; masking reads a snapshot and never blocks.
 */
public final class SecretRegistry {

    public static final String MASK = "****";
    /** Shorter values are no real credential; masking them would turn words like "key" into {@value #MASK}. */
    public static final int MIN_LENGTH = 8;

    private static final SecretRegistry GLOBAL = new SecretRegistry();

    private final Set<String> values = ConcurrentHashMap.newKeySet();
    private final Set<String> extraHeaderNames = ConcurrentHashMap.newKeySet();
    /** All values' forms in one expression, longest value first; null while there are none. */
    private volatile Pattern pattern;

    private SecretRegistry() {}

    /** The process-wide registry. */
    public static SecretRegistry global() {
        return GLOBAL;
    }

    /** A new, empty registry of its own. */
    public static SecretRegistry create() {
        return new SecretRegistry();
    }

    /**
     * Adds a secret value (surrounding whitespace ignored).
     *
     * @return whether the value is masked from now on (false when it is null or shorter than {@value #MIN_LENGTH})
     */
    public boolean register(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip();
        if (v.length() < MIN_LENGTH) {
            return false;
        }
        if (values.add(v)) {
            rebuild();
        }
        return true;
    }

    /** Adds the value of a {@link Secret}. */
    public boolean register(Secret secret) {
        return secret != null && register(secret.reveal());
    }

    /**
     * Adds the value of a header when its name carries credentials ({@link #isSensitiveHeader}): the whole value and,
     * for {@code <scheme> <credentials>} (e.g. {@code Bearer ...}, {@code Basic ...}), the credentials alone, and for
     * Basic the decoded {@code user:password} and the password; for a cookie header each cookie's value.
     */
    public void registerHeader(String name, String value) {
        if (value == null || !isSensitiveHeader(name) || values.contains(value.strip())) {
            return;
        }
        register(value);
        String v = value.strip();
        String lower = name.strip().toLowerCase(Locale.ROOT);
        if (lower.equals("cookie") || lower.equals("set-cookie")) {
            for (String pair : v.split(";")) {
                int eq = pair.indexOf('=');
                register(eq >= 0 ? pair.substring(eq + 1) : pair); // each cookie's value alone
            }
            return;
        }
        int space = v.indexOf(' ');
        if (space > 0 && v.substring(0, space).chars().allMatch(Character::isLetter)) {
            String credentials = v.substring(space + 1).strip();
            register(credentials);
            if (v.substring(0, space).equalsIgnoreCase("basic")) {
                registerBasic(credentials);
            }
        }
    }

    private void registerBasic(String encoded) {
        try {
            String userPassword = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            register(userPassword);
            int colon = userPassword.indexOf(':');
            if (colon >= 0) {
                register(userPassword.substring(colon + 1));
            }
        } catch (IllegalArgumentException notBase64) {
            // the raw value is registered already
        }
    }

    /** Adds every value of {@code other} (e.g. a Switchboard's own registry into the global one). */
    public void registerAll(SecretRegistry other) {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            return;
        }
        boolean added = false;
        for (String v : other.values) {
            added |= values.add(v);
        }
        extraHeaderNames.addAll(other.extraHeaderNames);
        if (added) {
            rebuild();
        }
    }

    /** Extra header names whose values are secrets, beyond {@link SensitiveHeaders}' rule (case-insensitive). */
    public void addSensitiveHeaderNames(Iterable<String> names) {
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                extraHeaderNames.add(n.strip().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** Whether a header of this name carries a credential: {@link SensitiveHeaders}' rule or an added name. */
    public boolean isSensitiveHeader(String name) {
        return name != null && (SensitiveHeaders.isSensitive(name)
                || extraHeaderNames.contains(name.strip().toLowerCase(Locale.ROOT)));
    }

    /** How many values are registered. */
    public int size() {
        return values.size();
    }

    /** Whether {@code text} contains a registered value in any of its forms. */
    public boolean containsSecret(String text) {
        Pattern p = pattern;
        return p != null && text != null && p.matcher(text).find();
    }

    /** {@code text} with every form of every registered value replaced by {@value #MASK}; null stays null. */
    public String mask(String text) {
        Pattern p = pattern;
        if (p == null || text == null || text.length() < MIN_LENGTH) {
            return text;
        }
        return p.matcher(text).replaceAll(MASK);
    }

    private synchronized void rebuild() {
        List<String> sorted = new ArrayList<>(values);
        // longest first, so a value that contains another is masked whole
        sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        List<String> forms = new ArrayList<>(sorted.size());
        for (String v : sorted) {
            forms.add(SecretForms.regex(v));
        }
        pattern = Pattern.compile(String.join("|", forms));
    }

    @Override
    public String toString() {
        return "SecretRegistry[" + values.size() + " values]";
    }
}
