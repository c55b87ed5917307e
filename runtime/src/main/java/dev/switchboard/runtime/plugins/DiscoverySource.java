package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.DiscoveryProblem;
import java.util.List;
import java.util.Objects;

/**
 * A class loader to discover provider factories in, and how to name it in messages: {@code "classpath"} for the
 * application's own loader, a plugin folder for a plugin's isolated loader.
 *
 * @param problems what was wrong with the source before anything was loaded from it (a plugin jar that cannot be
 *                 read, for one), reported by discovery beside the problems it finds itself
 */
public record DiscoverySource(ClassLoader loader, String label, boolean plugin, List<DiscoveryProblem> problems) {

    public DiscoverySource {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(label, "label");
        problems = List.copyOf(problems);
    }

    /** A source with nothing wrong found in it beforehand. */
    public DiscoverySource(ClassLoader loader, String label, boolean plugin) {
        this(loader, label, plugin, List.of());
    }

    /** The application's class path (and module path), as seen by {@code loader}. */
    public static DiscoverySource classpath(ClassLoader loader) {
        return new DiscoverySource(loader, "classpath", false);
    }

    /** A plugin folder's isolated loader; a plugin that provides no type is a problem to report. */
    public static DiscoverySource plugin(ClassLoader loader, String folder) {
        return new DiscoverySource(loader, folder, true);
    }

    /** A plugin folder's isolated loader over its readable jars, and the jars of it that could not be read. */
    public static DiscoverySource plugin(ClassLoader loader, String folder, List<DiscoveryProblem> unreadableJars) {
        return new DiscoverySource(loader, folder, true, unreadableJars);
    }
}
