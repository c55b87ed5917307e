package dev.switchboard.runtime;

import dev.switchboard.spi.ProviderFactory;
import java.util.Objects;

/**
 * An installed provider type.
 *
 * @param type    the name configs use in {@code type = ...}
 * @param version the version of the jar it comes from ({@code "unknown"} when its manifest does not say)
 * @param source  where it comes from: the jar (or class folder) holding the factory, else the source's label
 * @param factory the factory itself
 */
public record DiscoveredType(String type, String version, String source, ProviderFactory factory) {

    public DiscoveredType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(factory, "factory");
    }

    @Override
    public String toString() {
        return type + " " + version + " (" + source + ")";
    }
}
