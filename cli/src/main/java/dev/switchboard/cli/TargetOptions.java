package dev.switchboard.cli;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;
import picocli.CommandLine.Option;

/** {@code --route R | --provider P}: what a call goes to (picocli keeps the two exclusive). */
final class TargetOptions {

    @Option(names = "--route", paramLabel = "R", description = "The route to call (default: the default route).")
    String route;

    @Option(names = "--provider", paramLabel = "P", description = "Call this configured provider alone, no fallback.")
    String provider;

    /**
     * What a call goes to, and the model to put in the request.
     *
     * @param target       a provider or a route
     * @param requestModel the model for the request itself (with {@code --provider}); null when a route carries it
     */
    record Selected(LlmProvider target, String requestModel) {}

    /**
     * Resolves the options: {@code --provider P [--model M]} is that provider asking for M; {@code --route R} (or the
     * default route) with {@code --model M} is a copy of the route asking every target for M.
     *
     * @throws IllegalArgumentException naming what exists, for an unknown provider or route
     */
    static Selected select(Switchboard sb, TargetOptions options, String model) {
        if (options != null && options.provider != null) {
            return new Selected(sb.provider(options.provider), model);
        }
        ProviderManager route = options == null || options.route == null ? sb.defaultRoute() : sb.route(options.route);
        return new Selected(model == null ? route : route.withModel(model), null);
    }
}
