package dev.switchboard.runtime.config;

import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.metering.Price;
import dev.switchboard.runtime.metering.PriceTable;
import dev.switchboard.runtime.state.StateSettings;
import com.typesafe.config.Config;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A whole checked configuration: what {@link Switchboard} builds its providers, routes and HTTP pool from.
 *
 * @param resolved               the resolved configuration (references included), for rendering
 * @param providers              the provider blocks by name, ordered
 * @param routes                 the route blocks by name, ordered
 * @param routeDefaults          {@code switchboard.route-defaults} as a route without targets
 * @param defaultRoute           the name {@code switchboard.default-route} gives
 * @param maxConnections         the HTTP pool's total limit
 * @param maxConnectionsPerRoute the HTTP pool's limit per host
 * @param prices                 {@code switchboard.pricing} by key, the shipped tables included
 * @param state                  {@code switchboard.state} and {@code switchboard.usage-log}
 */
public record SwitchboardConfig(Config resolved, Map<String, ProviderConfig> providers, Map<String, RouteConfig> routes,
                         RouteConfig routeDefaults, String defaultRoute, int maxConnections, int maxConnectionsPerRoute,
                         Map<String, Price> prices, StateSettings state) {

    public SwitchboardConfig {
        Objects.requireNonNull(resolved, "resolved");
        providers = Collections.unmodifiableMap(new TreeMap<>(providers));
        routes = Collections.unmodifiableMap(new TreeMap<>(routes));
        Objects.requireNonNull(routeDefaults, "routeDefaults");
        Objects.requireNonNull(defaultRoute, "defaultRoute");
        prices = Collections.unmodifiableMap(new TreeMap<>(prices));
        Objects.requireNonNull(state, "state");
    }

    /** The price table over the configured providers' names and types. */
    public PriceTable priceTable() {
        Map<String, String> types = new TreeMap<>();
        providers.forEach((name, p) -> types.put(name, p.type().type()));
        return new PriceTable(prices, types);
    }
}
