package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.runtime.plugins.ProviderDiscovery;
import dev.switchboard.runtime.testplugins.isolated.LibraryProbeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin folder shares with the host, proven with two installed plugins: each bundles a different version of
 * Typesafe Config (not part of the contract) and uses its own, side by side in one Switchboard; and each is created
 * and called with its own class loader as the thread's context class loader, the caller's restored after.
 */
@Timeout(60)
class PluginIsolationTest {

    /** Where the build copies the two versions the plugins bundle (see this module's pom). */
    private static final Path LIBRARIES = Path.of("target", "plugin-libraries");

    @TempDir
    Path dir;

    private Switchboard sb;

    @BeforeEach
    void installTwoPluginsWithDifferentLibraryVersions() throws IOException {
        Path plugins = dir.resolve("plugins");
        install(plugins.resolve("old-config"), "probe-old", "config-1.4.1.jar");
        install(plugins.resolve("new-config"), "probe-new", "config-1.4.3.jar");
        Path conf = TestPlugins.config(dir,
                "switchboard {",
                "  providers { old { type = probe-old }, new { type = probe-new } }",
                "  routes.default.targets = [ old, new ]",
                "}");
        sb = Switchboard.builder().config(conf).env(Map.of()).pluginsDirectory(plugins).build();
    }

    @AfterEach
    void close() {
        if (sb != null) {
            sb.close();
        }
    }

    @Test
    void eachPluginUsesTheLibraryVersionItBundles() {
        assertThat(models("old")).first().isEqualTo("library config-1.4.1.jar");
        assertThat(models("new")).first().isEqualTo("library config-1.4.3.jar");
    }

    @Test
    void eachPluginIsCreatedWithItsOwnContextClassLoader() {
        assertThat(models("old")).contains("created in own context: true");
        assertThat(models("new")).contains("created in own context: true");
    }

    @Test
    void chatRunsInThePluginsContextAndRestoresTheCallers() {
        ClassLoader callers = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Thread.currentThread().setContextClassLoader(callers);
        try {
            String text = sb.provider("old").chat(ChatRequest.of("Hi")).text();

            assertThat(text).isEqualTo("[pull in own context: true][pull in own context: true]");
            assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(callers);
        } finally {
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        }
    }

    @Test
    void everyPullOfAStreamRunsInThePluginsContextAndRestoresTheCallers() {
        ClassLoader callers = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Thread.currentThread().setContextClassLoader(callers);
        List<String> texts = new ArrayList<>();
        try (ChatStream stream = sb.provider("new").stream(ChatRequest.of("Hi"))) {
            while (stream.hasNext()) {
                assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(callers);
                if (stream.next() instanceof ChatEvent.TextDelta t) {
                    texts.add(t.text());
                }
            }
        } finally {
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        }

        assertThat(texts).containsExactly("[pull in own context: true]", "[pull in own context: true]");
    }

    private List<String> models(String provider) {
        LlmProvider p = sb.provider(provider);
        return p.listModels().stream().map(ModelInfo::id).toList();
    }

    /** A plugin folder as a user installs one: the plugin's jar beside the library jar it bundles. */
    private static void install(Path folder, String type, String library) throws IOException {
        Files.createDirectories(folder);
        Files.copy(LIBRARIES.resolve(library), folder.resolve(library));
        try (OutputStream out = Files.newOutputStream(folder.resolve(type + ".jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            for (String entry : classEntries()) {
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream in = PluginIsolationTest.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
            jar.putNextEntry(new JarEntry(ProviderDiscovery.SERVICE_FILE));
            jar.write((LibraryProbeFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("library-probe.properties"));
            jar.write(("type = " + type + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    /** The probe's class and its nested and anonymous classes. */
    private static List<String> classEntries() throws IOException {
        String base = LibraryProbeFactory.class.getName().replace('.', '/');
        Path classes = Path.of(LibraryProbeFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path folder = classes.resolve(base).getParent();
        String simple = LibraryProbeFactory.class.getSimpleName();
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.equals(simple + ".class") || n.startsWith(simple + "$"))
                    .map(n -> base.substring(0, base.lastIndexOf('/') + 1) + n)
                    .sorted().toList();
        }
    }
}
