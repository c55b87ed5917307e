package dev.switchboard.runtime;

import java.util.Objects;

/**
 * A class loader to discover provider factories in, and how to name it in messages: {@code "classpath"} for the
 * application's own loader, a plugin folder for a plugin's isolated loader.
 */
public record DiscoverySource(ClassLoader loader, String label, boolean plugin) {

    public DiscoverySource {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(label, "label");
    }

    /** The application's class path (and module path), as seen by {@code loader}. */
    public static DiscoverySource classpath(ClassLoader loader) {
        return new DiscoverySource(loader, "classpath", false);
    }

    /** A plugin folder's isolated loader; a plugin that provides no type is a problem to report. */
    public static DiscoverySource plugin(ClassLoader loader, String folder) {
        return new DiscoverySource(loader, folder, true);
    }
}
