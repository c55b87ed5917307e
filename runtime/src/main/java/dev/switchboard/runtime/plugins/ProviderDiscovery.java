package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.DiscoveredType;
import dev.switchboard.runtime.DiscoveryProblem;
import dev.switchboard.runtime.ProviderDiscoveryException;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.config.ConfigProblems;
import dev.switchboard.spi.ProviderFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Finds the installed provider types with {@link ServiceLoader}, on the class path and module path of each
 * {@link DiscoverySource}. A plugin that fails to load is recorded with its jar and skipped; a type installed twice
 * fails discovery, naming both jars. Stateless.
 */
public final class ProviderDiscovery {

    private static final System.Logger LOG = System.getLogger(ProviderDiscovery.class.getName());
    public static final String SERVICE_FILE = "META-INF/services/" + ProviderFactory.class.getName();
    /** Stops a loader that keeps failing from looping forever; far above any real number of plugins. */
    private static final int MAX_FAILURES_PER_SOURCE = 1000;

    private ProviderDiscovery() {}

    /** Discovers the types {@code loader} sees. */
    public static ProviderRegistry discover(ClassLoader loader) {
        return discover(List.of(DiscoverySource.classpath(loader)));
    }

    /**
     * Discovers the types of every source, in order. A factory class seen through several sources (a plugin loader
     * also sees its parent's) counts once.
     *
     * @throws ProviderDiscoveryException when one type name is provided by two different factories
     */
    public static ProviderRegistry discover(List<DiscoverySource> sources) {
        Map<String, DiscoveredType> types = new LinkedHashMap<>();
        Map<String, List<String>> duplicates = new LinkedHashMap<>();
        List<DiscoveryProblem> problems = new ArrayList<>();
        Set<Class<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (DiscoverySource source : sources) {
            int typesBefore = types.size() + duplicates.size();
            int problemsBefore = problems.size();
            for (DiscoveryProblem unreadable : source.problems()) {
                problems.add(failure(unreadable.source(), unreadable.reason()));
            }
            discover(source, types, duplicates, problems, seen);
            if (source.plugin() && types.size() + duplicates.size() == typesBefore && problems.size() == problemsBefore) {
                problems.add(failure(source.label(), "no provider type found: its jars declare no "
                        + SERVICE_FILE + " (is it a Switchboard provider plugin?)"));
            }
        }
        if (!duplicates.isEmpty()) {
            List<String> lines = new ArrayList<>();
            duplicates.forEach((type, where) -> lines.add("provider type '" + type + "' is installed more than once: "
                    + String.join(" and ", where) + "; remove all but one of them"));
            throw new ProviderDiscoveryException(lines);
        }
        return new ProviderRegistry(types, problems);
    }

    private static void discover(DiscoverySource source, Map<String, DiscoveredType> types,
                                 Map<String, List<String>> duplicates, List<DiscoveryProblem> problems,
                                 Set<Class<?>> seen) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Plugins that look things up through the context loader during init must see their own loader.
        thread.setContextClassLoader(source.loader());
        try {
            Iterator<ServiceLoader.Provider<ProviderFactory>> it =
                    ServiceLoader.load(ProviderFactory.class, source.loader()).stream().iterator();
            int failures = 0;
            while (failures < MAX_FAILURES_PER_SOURCE) {
                ServiceLoader.Provider<ProviderFactory> provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    // The stream goes on after an error: the lookup moves past the entry that failed.
                    failures++;
                    problems.add(failure(locateDeclaration(source, e), describe(e)));
                    continue;
                }
                register(source, provider, types, duplicates, problems, seen);
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void register(DiscoverySource source, ServiceLoader.Provider<ProviderFactory> provider,
                                 Map<String, DiscoveredType> types, Map<String, List<String>> duplicates,
                                 List<DiscoveryProblem> problems, Set<Class<?>> seen) {
        Class<? extends ProviderFactory> type;
        try {
            type = provider.type();
        } catch (ServiceConfigurationError | LinkageError e) {
            problems.add(failure(locateDeclaration(source, e), describe(e)));
            return;
        }
        if (!seen.add(type)) {
            return;
        }
        String where = location(type).orElse(source.label());
        ProviderFactory factory;
        String name;
        try {
            factory = provider.get();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            problems.add(failure(where, type.getName() + " failed to load: " + describe(e)));
            return;
        }
        try {
            name = factory.type();
        } catch (RuntimeException | LinkageError e) {
            problems.add(failure(where, type.getName() + ".type() failed: " + e.getClass().getName() + ": "
                    + describe(e)));
            return;
        }
        if (name == null || name.isBlank() || !name.equals(name.strip())) {
            problems.add(failure(where, type.getName() + ".type() returned '" + name
                    + "'; a type name must be a non-blank word"));
            return;
        }
        DiscoveredType existing = types.get(name);
        if (existing != null) {
            duplicates.computeIfAbsent(name, n -> new ArrayList<>(List.of(existing.source()))).add(where);
            return;
        }
        String version = version(factory);
        types.put(name, new DiscoveredType(name, version, where, factory));
        LOG.log(System.Logger.Level.DEBUG, "registered provider type {0} {1} from {2} ({3})",
                name, version, where, type.getName());
    }

    private static DiscoveryProblem failure(String where, String reason) {
        DiscoveryProblem p = new DiscoveryProblem(where, ConfigProblems.singleLine(reason));
        LOG.log(System.Logger.Level.WARNING, "skipping a provider plugin: {0}", p);
        return p;
    }

    private static String version(ProviderFactory factory) {
        try {
            String v = factory.version();
            return v == null || v.isBlank() ? "unknown" : v;
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(": ").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(' ').append(c.getMessage());
            }
        }
        return sb.toString();
    }

    /** The jar or folder a class was loaded from. */
    public static Optional<String> location(Class<?> type) {
        try {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? Optional.empty() : Optional.of(display(cs.getLocation()));
        } catch (SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * The jar whose service file names a class the error mentions: a class that cannot even be loaded has no
     * code source to ask.
     */
    private static String locateDeclaration(DiscoverySource source, Throwable error) {
        String text = describe(error);
        try {
            Enumeration<URL> files = source.loader().getResources(SERVICE_FILE);
            while (files.hasMoreElements()) {
                URL file = files.nextElement();
                for (String declared : declaredClasses(file)) {
                    if (text.contains(declared)) {
                        return display(file);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read the service files of " + source.label(), e);
        }
        return source.label();
    }

    private static List<String> declaredClasses(URL serviceFile) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(serviceFile.openStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** A jar or folder as a path: {@code jar:file:/a.jar!/x} and {@code file:/a.jar} give {@code /a.jar}. */
    static String display(URL url) {
        String s = url.toString();
        try {
            if (s.startsWith("jar:")) {
                int bang = s.indexOf("!/");
                s = s.substring(4, bang < 0 ? s.length() : bang);
            } else if (s.endsWith(SERVICE_FILE)) {
                s = s.substring(0, s.length() - SERVICE_FILE.length());
            }
            if (s.startsWith("file:")) {
                return Path.of(URI.create(s)).toString();
            }
        } catch (RuntimeException e) {
            // not a plain file URL: show it as it is
        }
        return s;
    }
}
