package dev.switchboard.runtime;

import dev.switchboard.runtime.plugins.ProviderDiscovery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Class loaders that see test provider plugins, as if their jars had been installed. */
public final class TestPlugins {

    public static final String ISOLATED_PACKAGE = "dev.switchboard.runtime.testplugins.isolated.";

    private TestPlugins() {}

    /**
     * The test class path plus {@code src/test/resources/plugins/recording}: provider types {@code recording} and
     * {@code rejecting}, with the {@code reference.conf} of {@code recording}.
     */
    public static URLClassLoader recording() {
        URL dir = TestPlugins.class.getClassLoader().getResource("plugins/recording/");
        if (dir == null) {
            throw new IllegalStateException("plugins/recording/ is missing from the test resources");
        }
        return new URLClassLoader(new URL[] {dir}, TestPlugins.class.getClassLoader());
    }

    /**
     * Writes a plugin jar holding {@code classes} (from {@link #ISOLATED_PACKAGE}) and a service file listing
     * {@code declared}, with {@code manifest} attributes.
     */
    public static Path jar(Path file, Map<String, String> manifest, List<String> declared, Class<?>... classes) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> m.getMainAttributes().put(new Attributes.Name(k), v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream in = TestPlugins.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
            jar.putNextEntry(new JarEntry(ProviderDiscovery.SERVICE_FILE));
            jar.write((String.join("\n", declared) + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * A loader over plugin {@code jars} whose classes from {@link #ISOLATED_PACKAGE} come from those jars only, as
     * a real plugin's classes would; everything else (the SPI, provider-openai) comes from the test class path.
     */
    public static URLClassLoader isolated(Path... jars) {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            try {
                urls[i] = jars[i].toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return new URLClassLoader(urls, new HidingLoader(TestPlugins.class.getClassLoader()));
    }

    /** Hides the isolated test plugins from its children, so they load them from their own jars. */
    private static final class HidingLoader extends ClassLoader {
        HidingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(ISOLATED_PACKAGE)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    /** Writes {@code lines} as a config file, so its values have a file name and line numbers. */
    public static Path config(Path dir, String... lines) {
        Path file = dir.resolve("switchboard.conf");
        try {
            Files.writeString(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
