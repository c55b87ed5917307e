package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.Switchboard;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The class loader of one plugin folder. The contract's packages and the one library its signatures name (Jackson)
 * come from the host, so a plugin and the runtime agree on those types; every other class and resource is looked up
 * in the plugin's own jars first, then in the JDK. Two plugins can so carry different versions of the same library,
 * HttpClient and Typesafe Config included: the host keeps its own versions of those behind Switchboard's types.
 */
final class PluginClassLoader extends URLClassLoader {

    /** Package prefixes loaded from the host, parent-first. */
    static final List<String> SHARED_PREFIXES = List.of(
            "dev.switchboard.api.", "dev.switchboard.spi.", "dev.switchboard.http.", "dev.switchboard.openai.",
            "com.fasterxml.jackson.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final ClassLoader host;

    PluginClassLoader(String name, URL[] jars, ClassLoader host) {
        super(name, jars, ClassLoader.getPlatformClassLoader());
        this.host = Objects.requireNonNull(host, "host");
    }

    static boolean isShared(String className) {
        for (String prefix : SHARED_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return host.loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException notInPlugin) {
                    c = getParent().loadClass(name); // the JDK's own classes
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    /** The plugin's own resources first, then the JDK's; never the host's (so each plugin's reference.conf is its own). */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }
}
