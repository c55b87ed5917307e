package dev.switchboard.runtime;

import java.util.Objects;

/**
 * A class loader to discover provider factories in, and how to name it in messages: {@code "classpath"} for the
 * application's own loader, a plugin folder for a plugin's isolated loader.
 */
public record DiscoverySource(ClassLoader loader, String label) {

    public DiscoverySource {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(label, "label");
    }

    /** The application's class path (and module path), as seen by {@code loader}. */
    public static DiscoverySource classpath(ClassLoader loader) {
        return new DiscoverySource(loader, "classpath");
    }
}
