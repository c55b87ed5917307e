package dev.switchboard.runtime;

import dev.switchboard.runtime.plugins.PluginFolders;
import dev.switchboard.runtime.plugins.ProviderDiscovery;
import dev.switchboard.runtime.plugins.ProviderRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.runtime.testplugins.isolated.GoodPluginFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar in the plugins directory that cannot be opened is named as such ({@code <path>: not a readable jar (...)}),
 * not as a plugin that "declares no META-INF/services", and the good plugins beside it still load.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnreadablePluginJarTest {

    @TempDir
    Path plugins;

    private final List<String> warnings = new ArrayList<>();
    private final Logger discoveryLog = Logger.getLogger(ProviderDiscovery.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(new java.util.logging.SimpleFormatter().formatMessage(r));
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureWarnings() {
        discoveryLog.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        discoveryLog.removeHandler(capture);
    }

    @Test
    void aZeroByteJarIsNotReadable() throws IOException {
        Path jar = Files.createFile(plugins.resolve("empty.jar"));

        assertThat(problems()).containsExactly(jar + ": not a readable jar (zip file is empty)");
    }

    @Test
    void aTruncatedJarIsNotReadable() throws IOException {
        // given a real plugin jar cut in half, as an interrupted copy leaves it
        Path jar = goodJar(plugins.resolve("truncated.jar"));
        byte[] whole = Files.readAllBytes(jar);
        Files.write(jar, java.util.Arrays.copyOf(whole, whole.length / 2));

        assertThat(problems()).singleElement().asString()
                .startsWith(jar + ": not a readable jar (")
                .doesNotContain("META-INF/services");
    }

    @Test
    void aGarbageFileNamedJarIsNotReadable() throws IOException {
        Path jar = Files.writeString(plugins.resolve("garbage.jar"), "<html>404 Not Found</html>\n".repeat(40),
                StandardCharsets.UTF_8);

        assertThat(problems()).singleElement().asString()
                .startsWith(jar + ": not a readable jar (")
                .doesNotContain("META-INF/services");
    }

    @Test
    void aDirectoryNamedJarIsNotReadable() throws IOException {
        // given an unpacked jar at the top, and a directory named .jar inside a plugin folder
        Path top = Files.createDirectories(plugins.resolve("unpacked.jar").resolve("META-INF"))
                .getParent();
        Path folder = Files.createDirectories(plugins.resolve("acme"));
        Path inner = Files.createDirectories(folder.resolve("acme-provider.jar"));

        assertThat(problems()).containsExactly(
                inner + ": not a readable jar (it is a directory; put the jar file itself here, not its unpacked"
                        + " contents)",
                top + ": not a readable jar (it is a directory; put the jar file itself here, not its unpacked"
                        + " contents)");
    }

    @Test
    void aJarWithoutReadPermissionIsNotReadable() throws IOException {
        // A superuser reads any file whatever its permissions: the case cannot be set up then.
        assumeTrue(!"root".equals(System.getProperty("user.name")),
                "running as root, who can read a file without read permission");
        Path jar = goodJar(plugins.resolve("locked.jar"));
        assumeTrue(Files.getFileStore(jar).supportsFileAttributeView("posix"), "no POSIX permissions here");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("-w-------"));
        assumeTrue(!Files.isReadable(jar), "the file stays readable to this user");

        assertThat(problems()).containsExactly(jar + ": not a readable jar (permission denied; make it readable by the"
                + " user running Switchboard)");
    }

    @Test
    void aGoodJarBesideABrokenOneInTheSameFolderStillLoads() throws IOException {
        // given a plugin folder with its provider jar and a zero-byte library jar
        Path folder = Files.createDirectories(plugins.resolve("acme"));
        goodJar(folder.resolve("acme-provider.jar"));
        Path broken = Files.createFile(folder.resolve("some-library.jar"));

        // when
        ProviderRegistry registry = discover();

        // then
        assertThat(registry.find("good")).isPresent();
        assertThat(registry.problems()).extracting(DiscoveryProblem::toString)
                .containsExactly(broken + ": not a readable jar (zip file is empty)");
    }

    @Test
    void aReadableJarWithoutAProviderIsStillSaidToDeclareNone() throws IOException {
        // given a valid jar with no service file: that message is right for it
        Path jar = plugins.resolve("library.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("readme.txt"));
            out.write("not a plugin".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        assertThat(problems()).singleElement().asString().startsWith(jar + ": no provider type found");
    }

    @Test
    void aBuilderWarnsAboutEachBrokenJarOnceHoweverOftenItIsUsed() throws IOException {
        // given
        Path jar = Files.createFile(plugins.resolve("empty.jar"));
        Switchboard.Builder builder = Switchboard.builder().env(Map.of()).pluginsDirectory(plugins);

        // when checked twice and rendered, as the CLI's config commands do
        builder.check();
        builder.check();
        builder.render(ConfigFormat.HOCON);

        // then
        assertThat(warnings).filteredOn(w -> w.contains(jar.toString())).hasSize(1);
    }

    private List<String> problems() {
        return discover().problems().stream().map(DiscoveryProblem::toString).toList();
    }

    private ProviderRegistry discover() {
        return ProviderDiscovery.discover(PluginFolders.scan(plugins, getClass().getClassLoader()));
    }

    private static Path goodJar(Path file) {
        return TestPlugins.jar(file, Map.of(), List.of(GoodPluginFactory.class.getName()), GoodPluginFactory.class);
    }
}
