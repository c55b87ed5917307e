package dev.switchboard.runtime.config;

import dev.switchboard.runtime.DiscoveredType;
import dev.switchboard.runtime.metering.LimitPolicy;
import com.typesafe.config.ConfigOrigin;
import dev.switchboard.spi.ProviderSettings;
import java.util.Objects;

/**
 * One checked provider block, ready to hand to its factory.
 *
 * @param type       the installed type that creates it
 * @param settings   the settings read from the block over the type's defaults
 * @param origin     where the block is written, for problems the factory reports
 * @param keyMissing whether the type expects a key ({@code api-key-env} is set) but none was found
 * @param limits     the block's {@code limits} (none when not set)
 */
public record ProviderConfig(DiscoveredType type, ProviderSettings settings, ConfigOrigin origin, boolean keyMissing,
                      LimitPolicy limits) {

    public ProviderConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(limits, "limits");
    }

    public String name() {
        return settings.name();
    }
}
