package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.DiscoveryProblem;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.config.ConfigProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Turns a plugins directory into discovery sources: each sub-folder ({@code plugins/<name>/}, its jars) and each
 * jar lying directly in the directory gets its own {@link PluginClassLoader}, labelled with its path. A jar that
 * cannot be opened (empty, truncated, not a zip, unreadable, a directory) is left out of its loader and reported as
 * {@code <path>: not a readable jar (<why>)}: a class loader would skip it silently, and the plugin would then only
 * be said to declare no provider.
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
            if (Files.isDirectory(entry) && !(hasJarName(entry) && holdsNoJar(entry))) {
                sources.add(source(entry, sorted(entry).stream().filter(PluginFolders::hasJarName).toList(), host));
            } else if (hasJarName(entry)) {
                sources.add(source(entry, List.of(entry), host));
            }
        }
        return sources;
    }

    /** The loader of one plugin over those of its jars that open, and a problem for each that does not. */
    private static DiscoverySource source(Path plugin, List<Path> jars, ClassLoader host) {
        List<URL> readable = new ArrayList<>(jars.size());
        List<DiscoveryProblem> unreadable = new ArrayList<>();
        for (Path jar : jars) {
            Optional<String> why = whyUnreadable(jar);
            if (why.isPresent()) {
                unreadable.add(new DiscoveryProblem(jar.toString(), "not a readable jar (" + why.get() + ")"));
            } else {
                readable.add(url(jar));
            }
        }
        PluginClassLoader loader = new PluginClassLoader("plugin:" + plugin.getFileName(), readable.toArray(URL[]::new),
                host);
        return DiscoverySource.plugin(loader, plugin.toString(), unreadable);
    }

    /**
     * Why {@code jar} cannot be used, or empty when it opens as a jar. Opening reads the zip's central directory, at
     * the end of the file: an empty, truncated or garbage file fails here. Damage inside an entry shows only when
     * that entry is read, and is then reported as the class or service file that failed to load.
     */
    static Optional<String> whyUnreadable(Path jar) {
        if (Files.isDirectory(jar)) {
            return Optional.of("it is a directory; put the jar file itself here, not its unpacked contents");
        }
        if (!Files.exists(jar)) {
            return Optional.of("no such file; a broken link?");
        }
        if (!Files.isReadable(jar)) {
            return Optional.of("permission denied; make it readable by the user running Switchboard");
        }
        try (JarFile opened = new JarFile(jar.toFile(), false)) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            return Optional.of("permission denied; make it readable by the user running Switchboard");
        } catch (NoSuchFileException e) {
            return Optional.of("no such file");
        } catch (IOException | SecurityException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Optional.of(ConfigProblems.singleLine(message.replace(jar.toString(), "").strip()));
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("cannot use plugin jar " + jar + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasJarName(Path p) {
        return p.getFileName().toString().endsWith(".jar");
    }

    /** A directory named {@code *.jar} with no jar inside is a misplaced jar, not a plugin folder. */
    private static boolean holdsNoJar(Path dir) {
        return sorted(dir).stream().noneMatch(PluginFolders::hasJarName);
    }

    private static List<Path> sorted(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
