package dev.switchboard.runtime.config;

import dev.switchboard.runtime.metering.Price;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and checks {@code switchboard.pricing}: entries {@code "<provider or type>/<model>"}, {@code "<model>"} or
 * {@code "<provider or type>/*"}, each a block {@code { input = 0.15, cached-input = 0.075, output = 0.60 }} in US
 * dollars per million tokens ({@code input} required).
 */
final class PricingConfigReader {

    private static final Set<String> KEYS = Set.of("input", "cached-input", "output");
    private static final String QUOTE_HINT = "a key with dots must be quoted, e.g. \"openai/gpt-4.1\" { input = 2.00,"
            + " output = 8.00 }";

    private final ConfigFields root;
    private final ConfigProblems problems;

    PricingConfigReader(ConfigFields root) {
        this.root = root;
        this.problems = root.problems();
    }

    /** The valid entries by key; problems with the others are recorded. */
    Map<String, Price> read() {
        Map<String, Price> prices = new LinkedHashMap<>();
        Optional<ConfigObject> entries = root.object("pricing");
        if (entries.isEmpty()) {
            return prices;
        }
        for (Map.Entry<String, ConfigValue> e : new TreeMap<>(entries.get()).entrySet()) {
            read(e.getKey(), e.getValue()).ifPresent(p -> prices.put(e.getKey().strip(), p));
        }
        return prices;
    }

    private Optional<Price> read(String key, ConfigValue value) {
        String path = ConfigFields.join("switchboard", "pricing", key);
        if (ConfigFields.isUnresolved(value)) {
            return Optional.empty();
        }
        if (key.isBlank()) {
            problems.add(value.origin(), path, "an empty key prices nothing; write \"<provider>/<model>\" or \"<model>\"");
            return Optional.empty();
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            problems.add(value.origin(), path, "must be a block { input = ..., cached-input = ..., output = ... } in"
                    + " US dollars per million tokens, not " + ConfigFields.kind(value));
            return Optional.empty();
        }
        int before = problems.count();
        ConfigObject block = (ConfigObject) value;
        ConfigFields fields = new ConfigFields(block.toConfig(), path, block.origin(), problems);
        fields.onlyKnownKeys(KEYS, QUOTE_HINT);
        Optional<BigDecimal> input = fields.decimal("input", true);
        Optional<BigDecimal> cached = fields.decimal("cached-input", true);
        Optional<BigDecimal> output = fields.decimal("output", true);
        if (!fields.written("input") && problems.count() == before) {
            problems.add(block.origin(), fields.path("input"), "missing; the price in US dollars per million input"
                    + " tokens, e.g. input = 0.15");
        }
        if (problems.count() > before || input.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Price(input.get(), cached, output));
    }
}
