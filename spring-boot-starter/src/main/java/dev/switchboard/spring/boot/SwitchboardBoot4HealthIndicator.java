package dev.switchboard.spring.boot;

import dev.switchboard.runtime.Switchboard;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@link SwitchboardHealthIndicator} for Spring Boot 4, whose health types moved to
 * {@code org.springframework.boot.health.contributor}: the same states, the same status.
 */
public final class SwitchboardBoot4HealthIndicator extends AbstractHealthIndicator {

    private final Switchboard switchboard;

    public SwitchboardBoot4HealthIndicator(Switchboard switchboard) {
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
