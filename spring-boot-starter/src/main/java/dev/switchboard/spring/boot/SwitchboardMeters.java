package dev.switchboard.spring.boot;

import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.UsageTotals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of a Switchboard, per provider ({@code provider} tag), read from its usage ledger and cooldown
 * state when the registry asks:
 * <ul>
 *   <li>{@code switchboard.requests} (counter): answered calls;</li>
 *   <li>{@code switchboard.tokens} (counter, {@code type} = {@code input} / {@code output}): tokens;</li>
 *   <li>{@code switchboard.cost} (counter, base unit {@code usd}): what the answers cost by the price table;</li>
 *   <li>{@code switchboard.provider.available} (gauge): 1 while the provider is ok, 0 while it cools down or has no
 *       key (see {@link ProviderStates}).</li>
 * </ul>
 */
public final class SwitchboardMeters implements MeterBinder {

    private final Switchboard switchboard;

    public SwitchboardMeters(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String provider : switchboard.providerNames()) {
            counter(registry, "switchboard.requests", provider, null, "answered calls", t -> t.requests());
            counter(registry, "switchboard.tokens", provider, "input", "input tokens", t -> t.inputTokens());
            counter(registry, "switchboard.tokens", provider, "output", "output tokens", t -> t.outputTokens());
            FunctionCounter.builder("switchboard.cost", switchboard, sb -> totals(sb, provider).costUsd().doubleValue())
                    .tag("provider", provider).baseUnit("usd").description("cost of the answers, by the price table")
                    .register(registry);
            Gauge.builder("switchboard.provider.available", switchboard,
                            sb -> "ok".equals(ProviderStates.of(sb).get(provider)) ? 1 : 0)
                    .tag("provider", provider).description("1 while the provider is ok, else 0").register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String provider, String type, String description,
                         ToDoubleFunction<UsageTotals> value) {
        FunctionCounter.Builder<Switchboard> b = FunctionCounter.builder(name, switchboard,
                sb -> value.applyAsDouble(totals(sb, provider))).tag("provider", provider).description(description);
        if (type != null) {
            b.tag("type", type).baseUnit("tokens");
        }
        b.register(registry);
    }

    private static UsageTotals totals(Switchboard sb, String provider) {
        return sb.ledger().snapshot().provider(provider);
    }
}
