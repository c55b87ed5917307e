package dev.switchboard.gateway;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.runtime.config.BudgetConfigReader;
import dev.switchboard.runtime.config.ConfigFields;
import dev.switchboard.runtime.config.ConfigProblems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code switchboard.gateway.keys}: each entry a key string, or a block {@code { key, name,
 * requests-per-minute, tokens-per-minute, budget { amount, period }, admin }}. An empty key, a block whose key is
 * unset (its {@code ${?VAR}} names no variable), two entries with the same key and two keys with the same name are
 * errors: each would leave a door open or make usage ambiguous.
 */
final class AccessKeysReader {

    /**
     * The shortest gateway key accepted: a short key can be guessed, is too short to be masked as a secret, and its
     * usage name (a prefix of its SHA-256) would give it away.
     */
    static final int MIN_KEY_LENGTH = 16;

    private static final String TOO_SHORT = "is shorter than " + MIN_KEY_LENGTH + " characters; use a long random key,"
            + " e.g. the output of openssl rand -hex 24";

    static final Set<String> BLOCK_KEYS =
            Set.of("key", "name", "requests-per-minute", "tokens-per-minute", "budget", "admin");

    private final ConfigFields gateway;
    private final ConfigProblems problems;
    /** The keys read so far, by their text and by their name, to the entry that gave each first. */
    private final Map<String, Integer> byText = new HashMap<>();
    private final Map<String, Integer> byName = new HashMap<>();

    AccessKeysReader(ConfigFields gateway) {
        this.gateway = gateway;
        this.problems = gateway.problems();
    }

    /** The keys; entries with problems are left out (and recorded). */
    List<AccessKey> read() {
        List<AccessKey> keys = new ArrayList<>();
        Optional<ConfigList> list = gateway.list("keys");
        if (list.isEmpty()) {
            return keys;
        }
        for (int i = 0; i < list.get().size(); i++) {
            entry(i, list.get().get(i)).ifPresent(keys::add);
        }
        return keys;
    }

    private Optional<AccessKey> entry(int index, ConfigValue v) {
        if (ConfigFields.isUnresolved(v)) {
            return Optional.empty(); // reported where it is written by the loader
        }
        String path = gateway.path("keys") + "[" + index + "]";
        if (v.valueType() == ConfigValueType.STRING) {
            return plain(index, path, v);
        }
        if (v.valueType() == ConfigValueType.OBJECT) {
            return block(index, gateway.entry("keys", index, (ConfigObject) v));
        }
        problems.add(v.origin(), path, "must be a key string or a block { key = ..., name = ... }, not "
                + ConfigFields.kind(v));
        return Optional.empty();
    }

    private Optional<AccessKey> plain(int index, String path, ConfigValue v) {
        String text = ((String) v.unwrapped()).strip();
        if (text.isEmpty()) {
            problems.add(v.origin(), path, "is empty; remove it, or set the variable it reads");
            return Optional.empty();
        }
        if (text.length() < MIN_KEY_LENGTH) {
            problems.add(v.origin(), path, TOO_SHORT);
            return Optional.empty();
        }
        return unique(index, path, v, text, AccessKey.of(text));
    }

    private Optional<AccessKey> block(int index, ConfigFields k) {
        int before = problems.count();
        k.onlyKnownKeys(BLOCK_KEYS, null);
        Optional<String> text = k.string("key").map(String::strip);
        if (!k.written("key")) {
            problems.add(k.origin(), k.path("key"), "missing or unset: write key = \"...\", or set the variable it"
                    + " reads (an unset ${?VARIABLE} leaves the key out)");
        } else if (text.isPresent() && text.get().isEmpty()) {
            problems.add(k.value("key").map(ConfigValue::origin).orElse(k.origin()), k.path("key"),
                    "is empty; set the variable it reads, or remove the entry");
        } else if (text.isPresent() && text.get().length() < MIN_KEY_LENGTH) {
            problems.add(k.value("key").map(ConfigValue::origin).orElse(k.origin()), k.path("key"), TOO_SHORT);
        }
        Optional<String> name = k.string("name").map(String::strip);
        if (name.isPresent() && name.get().isEmpty()) {
            problems.add(k.value("name").map(ConfigValue::origin).orElse(k.origin()), k.path("name"),
                    "is empty; name the key, e.g. name = \"team-a\"");
        }
        int requests = k.integer("requests-per-minute", 1).orElse(0);
        long tokens = k.longInteger("tokens-per-minute", 1).orElse(0L);
        var budget = k.block("budget").flatMap(BudgetConfigReader::read);
        boolean admin = k.bool("admin").orElse(false);
        if (problems.count() > before || text.isEmpty()) {
            return Optional.empty();
        }
        AccessKey key = AccessKey.of(text.get()).withLimits(requests, tokens);
        if (name.isPresent()) {
            key = key.withName(name.get());
        }
        if (budget.isPresent()) {
            key = key.withBudget(budget.get());
        }
        key = key.withAdmin(admin);
        return unique(index, k.path(), k.value("name").orElse(k.value("key").orElseThrow()), text.get(), key);
    }

    /** The key, unless an earlier entry has the same key or the same name. */
    private Optional<AccessKey> unique(int index, String path, ConfigValue at, String text, AccessKey key) {
        Integer sameText = byText.putIfAbsent(text, index);
        if (sameText != null) {
            problems.add(at.origin(), path, "is the same key as keys[" + sameText + "]; each key must be different");
            return Optional.empty();
        }
        Integer sameName = byName.putIfAbsent(key.name(), index);
        if (sameName != null) {
            problems.add(at.origin(), path, "is named '" + key.name() + "' like keys[" + sameName + "]; give each key"
                    + " its own name");
            return Optional.empty();
        }
        return Optional.of(key);
    }
}
