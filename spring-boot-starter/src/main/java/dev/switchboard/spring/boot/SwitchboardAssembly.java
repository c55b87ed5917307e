package dev.switchboard.spring.boot;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;

/**
 * How the auto-configured {@link Switchboard} is finished from its configured builder, and what each route bean
 * is. Plain by default; with the OpenTelemetry module and an {@code OpenTelemetry} bean, traced (see
 * {@link TelemetryAssembly}). A bean of its own so that the beans that use it never name an optional class.
 */
interface SwitchboardAssembly {

    SwitchboardAssembly PLAIN = new SwitchboardAssembly() { };

    default Switchboard build(Switchboard.Builder builder) {
        return builder.build();
    }

    /** The bean for {@code route}; the Switchboard closes the route, never the bean. */
    default LlmProvider route(ProviderManager route) {
        return route;
    }
}
