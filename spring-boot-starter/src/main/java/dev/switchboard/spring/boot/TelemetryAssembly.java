package dev.switchboard.spring.boot;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.opentelemetry.SwitchboardTelemetry;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;

/**
 * A Switchboard reported through OpenTelemetry: a span per try (and GenAI metrics) from its targets, a parent span
 * per call from each route bean, a caller's trace continued by a gateway in front of it, and
 * {@code switchboard.telemetry.capture-content} read from the same configuration.
 */
final class TelemetryAssembly implements SwitchboardAssembly {

    private final SwitchboardTelemetry telemetry;

    TelemetryAssembly(SwitchboardTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public Switchboard build(Switchboard.Builder builder) {
        return telemetry.build(builder);
    }

    @Override
    public LlmProvider route(ProviderManager route) {
        return telemetry.route(route);
    }
}
