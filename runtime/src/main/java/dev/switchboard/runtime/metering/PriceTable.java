package dev.switchboard.runtime.metering;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The prices of {@code switchboard.pricing}: the tables the provider jars ship (keyed by provider type, e.g.
 * {@code "openai/gpt-4o-mini"}) with the user's entries over them. Immutable and thread-safe.
 *
 * <p>A price is looked up for each model the call is known by, in order: the model the provider answered with, that
 * model without a dated-snapshot suffix ({@code gpt-4o-mini-2024-07-18} → {@code gpt-4o-mini}), then the model that
 * was asked for (and it without its suffix): what answered is what is billed. For each model the keys tried are {@code "<provider name>/<model>"},
 * {@code "<provider type>/<model>"} and {@code "<model>"}; when no model matches, {@code "<provider name>/*"} and
 * {@code "<provider type>/*"} (a whole provider priced alike, e.g. a local one at 0).
 */
public final class PriceTable {

    /** A dated snapshot suffix, e.g. {@code -2024-07-18}. */
    private static final Pattern SNAPSHOT = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");

    private static final PriceTable EMPTY = new PriceTable(Map.of(), Map.of());

    /** How many distinct (provider, models) lookups {@link #found} remembers; past it, lookups are made each time. */
    private static final int FOUND_LIMIT = 4096;

    private final Map<String, Price> prices;
    private final Map<String, String> typesByProvider;
    /**
     * What {@link #find} answered, by its arguments, with its figures scaled for {@link #cost}: a gateway asks the
     * same few questions on every call, and the lookup builds strings and runs a regex. Bounded by
     * {@link #FOUND_LIMIT} (models come from providers' answers).
     */
    private final ConcurrentHashMap<Lookup, ScaledPrice> found = new ConcurrentHashMap<>();

    private record Lookup(String provider, String answeredModel, String requestedModel) {}

    /**
     * @param prices          by key ({@code provider/model}, {@code type/model}, {@code model}, {@code provider/*})
     * @param typesByProvider each configured provider's type, by provider name
     */
    public PriceTable(Map<String, Price> prices, Map<String, String> typesByProvider) {
        this.prices = Collections.unmodifiableMap(new TreeMap<>(prices));
        this.typesByProvider = Map.copyOf(typesByProvider);
    }

    /** No prices: every cost is unknown. */
    public static PriceTable empty() {
        return EMPTY;
    }

    /** Every entry, by key, ordered. */
    public Map<String, Price> entries() {
        return prices;
    }

    /**
     * The price of a call to {@code provider} (a configured name) answered by {@code answeredModel} after asking for
     * {@code requestedModel}; either model may be null or empty.
     */
    public Optional<Price> find(String provider, String answeredModel, String requestedModel) {
        return scaled(provider, answeredModel, requestedModel).price();
    }

    private ScaledPrice scaled(String provider, String answeredModel, String requestedModel) {
        Objects.requireNonNull(provider, "provider");
        Lookup lookup = new Lookup(provider, answeredModel, requestedModel);
        ScaledPrice price = found.get(lookup);
        if (price == null) {
            price = ScaledPrice.of(lookUp(provider, answeredModel, requestedModel));
            if (found.size() < FOUND_LIMIT) {
                found.putIfAbsent(lookup, price);
            }
        }
        return price;
    }

    private Optional<Price> lookUp(String provider, String answeredModel, String requestedModel) {
        String type = typesByProvider.get(provider);
        for (String model : candidates(answeredModel, requestedModel)) {
            Price p = first(provider + "/" + model, type == null ? null : type + "/" + model, model);
            if (p != null) {
                return Optional.of(p);
            }
        }
        return Optional.ofNullable(first(provider + "/*", type == null ? null : type + "/*", null));
    }

    /** The cost of {@code usage} on that call; unknown when no price matches or the usage cannot be priced. */
    public Cost cost(String provider, String answeredModel, String requestedModel, Usage usage) {
        Objects.requireNonNull(usage, "usage");
        return scaled(provider, answeredModel, requestedModel).cost(usage);
    }

    /** The answered model, then it without its snapshot date, then the same for the requested one. */
    private static List<String> candidates(String answered, String requested) {
        Set<String> models = new LinkedHashSet<>();
        for (String m : new String[] {answered, requested}) {
            if (m != null && !m.isBlank()) {
                models.add(m.strip());
                String base = SNAPSHOT.matcher(m.strip()).replaceFirst("");
                if (!base.isEmpty()) {
                    models.add(base);
                }
            }
        }
        return new ArrayList<>(models);
    }

    private Price first(String... keys) {
        for (String k : keys) {
            if (k != null) {
                Price p = prices.get(k);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "PriceTable[" + prices.size() + " entries]";
    }
}
