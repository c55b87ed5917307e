package dev.switchboard.gateway;

import dev.switchboard.gateway.OpenAiServerCodec.ModelEntry;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a request's {@code model} into what answers it: a route by name; a provider by name (its default model);
 * or {@code provider/model}, split at the first '/' only when the part before it is a configured provider (model
 * names have slashes of their own). Routes win over providers of the same name. A provider is called through its
 * single-target route ({@link Switchboard#providerRoute}), so it still gets retries, cooldown and a trail.
 * Immutable and thread-safe; built once per gateway.
 */
final class ModelResolver {

    /**
     * What a model name resolved to.
     *
     * @param route the route to call
     * @param label the route's or provider's name, for headers and metrics
     * @param model the model to ask for, or null for the route's targets' or the provider's default
     */
    record Resolved(ProviderManager route, String label, String model) {}

    private final Map<String, ProviderManager> routes = new TreeMap<>();
    private final Map<String, ProviderManager> providers = new TreeMap<>();
    private final List<ModelEntry> listing;
    /** What each route's and provider's own name resolves to, made once: the usual request names one of them. */
    private final Map<String, Resolved> byName = new java.util.HashMap<>();

    ModelResolver(Switchboard switchboard) {
        for (String name : switchboard.routeNames()) {
            routes.put(name, switchboard.route(name));
        }
        for (String name : switchboard.providerNames()) {
            providers.put(name, switchboard.providerRoute(name));
        }
        // The listing is what the configuration declares, computed once: asking every provider for its models on
        // each GET /v1/models would make a cheap call slow and fail whenever one provider is down.
        List<ModelEntry> entries = new ArrayList<>();
        for (String name : routes.keySet()) {
            entries.add(new ModelEntry(name, "switchboard"));
        }
        for (String name : providers.keySet()) {
            if (!routes.containsKey(name)) {
                entries.add(new ModelEntry(name, name));
            }
            switchboard.defaultModel(name).ifPresent(m -> entries.add(new ModelEntry(name + "/" + m, name)));
        }
        this.listing = List.copyOf(entries);
        providers.forEach((name, provider) -> byName.put(name, new Resolved(provider, name, null)));
        routes.forEach((name, route) -> byName.put(name, new Resolved(route, name, null))); // a route wins
    }

    /** Resolves {@code model}, or null when it names nothing configured. */
    Resolved resolve(String model) {
        Resolved named = byName.get(model);
        if (named != null) {
            return named;
        }
        ProviderManager provider;
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            String name = model.substring(0, slash);
            provider = providers.get(name);
            if (provider != null) {
                return new Resolved(provider, name, model.substring(slash + 1));
            }
        }
        return null;
    }

    /** The message of a 404 for a model that names nothing: what does exist. */
    String unknown(String model) {
        return "The model '" + model + "' does not exist on this gateway. Use a route (" + list(routes) + "), a provider ("
                + list(providers) + ") for its default model, or provider/model.";
    }

    private static String list(Map<String, ?> names) {
        return names.isEmpty() ? "none configured" : String.join(", ", names.keySet());
    }

    /** The model list: routes, providers, and each provider's configured default model as provider/model. */
    List<ModelEntry> listing() {
        return listing;
    }

    Map<String, ProviderManager> routes() {
        return routes;
    }

    /** Every route and provider route by label, for readiness and metrics. */
    Map<String, ProviderManager> all() {
        Map<String, ProviderManager> all = new TreeMap<>(providers);
        all.putAll(routes);
        return all;
    }

    Map<String, ProviderManager> providers() {
        return providers;
    }
}
