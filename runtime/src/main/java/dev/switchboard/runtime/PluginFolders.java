package dev.switchboard.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a plugins directory into discovery sources: each sub-folder ({@code plugins/<name>/}, its jars) and each
 * jar lying directly in the directory gets its own {@link PluginClassLoader}, labelled with its path.
 */
public final class PluginFolders {

    private PluginFolders() {}

    /**
     * The plugins found in {@code directory}, in name order; none when it does not exist.
     *
     * @param host the loader of the runtime, which serves the shared API and libraries
     */
    public static List<DiscoverySource> scan(Path directory, ClassLoader host) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<DiscoverySource> sources = new ArrayList<>();
        for (Path entry : sorted(directory)) {
            if (Files.isDirectory(entry)) {
                List<Path> jars = sorted(entry).stream().filter(PluginFolders::isJar).toList();
                sources.add(DiscoverySource.plugin(loader(entry, jars, host), entry.toString()));
            } else if (isJar(entry)) {
                sources.add(DiscoverySource.plugin(loader(entry, List.of(entry), host), entry.toString()));
            }
        }
        return sources;
    }

    private static PluginClassLoader loader(Path plugin, List<Path> jars, ClassLoader host) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("cannot use plugin jar " + jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        return new PluginClassLoader("plugin:" + plugin.getFileName(), urls, host);
    }

    private static boolean isJar(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
    }

    private static List<Path> sorted(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
