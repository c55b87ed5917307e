package dev.switchboard.spring.boot;

import dev.switchboard.runtime.Switchboard;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The state of each configured provider (see {@link ProviderStates}), as Spring Boot 3's actuator health: up while
 * at least one provider is ok, down when none is, unknown without providers. {@link SwitchboardBoot4HealthIndicator}
 * is the same on Spring Boot 4.
 */
public final class SwitchboardHealthIndicator extends AbstractHealthIndicator {

    private final Switchboard switchboard;

    public SwitchboardHealthIndicator(Switchboard switchboard) {
        super("Switchboard health check failed");
        this.switchboard = switchboard;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, String> states = ProviderStates.of(switchboard);
        Boolean anyOk = ProviderStates.anyOk(states);
        if (anyOk == null) {
            builder.unknown().withDetail("providers", "none configured");
        } else {
            (anyOk ? builder.up() : builder.down()).withDetail("providers", states);
        }
    }
}
