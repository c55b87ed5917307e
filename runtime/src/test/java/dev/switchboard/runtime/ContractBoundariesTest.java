package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.switchboard.spi.ProviderFactory;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract names Switchboard's own types only: no third-party type in any public or protected signature
 * of the api module's exported packages, except Jackson's tree model ({@code JsonNode} and
 * {@code com.fasterxml.jackson.databind.node}) in the SPI packages, where wire codecs need a tree. README, "What the
 * plugin shares with the host", says why.
 */
class ContractBoundariesTest {

    private static final Path API = Path.of("").toAbsolutePath().getParent().resolve("api");
    private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** The packages plugins implement against; the user API ({@code dev.switchboard.api}) gets no exception. */
    private static final Set<String> SPI_PACKAGES = Set.of("dev.switchboard.spi", "dev.switchboard.http",
            "dev.switchboard.openai");

    /** What a signature in {@code packageName} may name. */
    static Predicate<Class<?>> allowedIn(String packageName) {
        boolean spi = SPI_PACKAGES.contains(packageName);
        return type -> {
            String name = type.getName();
            return name.startsWith("java.") || name.startsWith("dev.switchboard.")
                    || spi && (type == JsonNode.class || name.startsWith("com.fasterxml.jackson.databind.node."));
        };
    }

    @Test
    void theExportedPackagesNameNoThirdPartyTypeBeyondJacksonsTreeInTheSpi() throws IOException {
        List<String> packages = exportedPackages();
        assertThat(packages).contains("dev.switchboard.api", "dev.switchboard.spi", "dev.switchboard.http");

        List<String> violations = new ArrayList<>();
        for (String p : packages) {
            List<Class<?>> types = publicTypes(p);
            assertThat(types).as("public types of %s", p).isNotEmpty();
            violations.addAll(ContractSignatures.violations(types, allowedIn(p)));
        }

        assertThat(violations).isEmpty();
    }

    @Test
    void aThirdPartyTypeInAnySignatureIsFound() {
        var found = ContractSignatures.violations(List.of(LeakySample.class), allowedIn("dev.switchboard.spi"));

        assertThat(found).containsExactlyInAnyOrder(
                LeakySample.class.getName() + ".mapper: " + ObjectMapper.class.getName(),
                LeakySample.class.getName() + ".config returns: " + Config.class.getName(),
                LeakySample.class.getName() + ".read parameter: " + Config.class.getName(),
                LeakySample.class.getName() + ".<init> parameter: " + ObjectMapper.class.getName(),
                LeakySample.class.getName() + "$Nested.configs returns: " + Config.class.getName(),
                LeakySample.class.getName() + ".fail throws: " + com.typesafe.config.ConfigException.class.getName());
    }

    @Test
    void jacksonsTreeIsAllowedInTheSpiButNotInTheUserApi() {
        assertThat(ContractSignatures.violations(List.of(TreeSample.class), allowedIn("dev.switchboard.http")))
                .isEmpty();
        assertThat(ContractSignatures.violations(List.of(TreeSample.class), allowedIn("dev.switchboard.api")))
                .containsExactlyInAnyOrder(
                        TreeSample.class.getName() + ".tree returns: " + JsonNode.class.getName(),
                        TreeSample.class.getName() + ".object parameter: " + ObjectNode.class.getName());
    }

    @Test
    void theApiModuleHandsOnlyJacksonToTheModulesThatReadIt() throws IOException {
        ModuleDescriptor api;
        try (var in = Files.newInputStream(compiledApiModuleInfo())) {
            api = ModuleDescriptor.read(in);
        }

        assertThat(api.name()).isEqualTo("dev.switchboard.api");
        assertThat(transitiveLibraries(api)).containsExactly("com.fasterxml.jackson.databind");
    }

    @Test
    void aLibraryHandedOnTransitivelyIsFound() {
        ModuleDescriptor leaky = ModuleDescriptor.newModule("sample.leaky")
                .requires(Set.of(ModuleDescriptor.Requires.Modifier.TRANSITIVE), "typesafe.config")
                .requires("org.apache.httpcomponents.core5.httpcore5")
                .requires(Set.of(ModuleDescriptor.Requires.Modifier.TRANSITIVE), "java.logging")
                .build();

        assertThat(transitiveLibraries(leaky)).containsExactly("typesafe.config");
    }

    /** The non-JDK modules a module passes on to every module that reads it ({@code requires transitive}). */
    static List<String> transitiveLibraries(ModuleDescriptor module) {
        return module.requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name)
                .filter(name -> !name.startsWith("java.") && !name.startsWith("jdk."))
                .sorted()
                .toList();
    }

    private static Path compiledApiModuleInfo() throws IOException {
        Path location = locationOf(ProviderFactory.class);
        if (Files.isDirectory(location)) {
            return location.resolve("module-info.class");
        }
        Path copy = Files.createTempFile("api-module-info", ".class");
        copy.toFile().deleteOnExit();
        try (JarFile jar = new JarFile(location.toFile()); var in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    private static List<String> exportedPackages() throws IOException {
        Matcher m = EXPORTS.matcher(Files.readString(API.resolve("src/main/java/module-info.java")));
        List<String> packages = new ArrayList<>();
        while (m.find()) {
            packages.add(m.group(1)); // qualified exports ("exports x to y;") do not match: they are not the contract
        }
        return packages;
    }

    /** The public top-level types of {@code packageName}, from the api's compiled classes (a folder or its jar). */
    private static List<Class<?>> publicTypes(String packageName) throws IOException {
        String folder = packageName.replace('.', '/') + "/";
        List<String> entries = new ArrayList<>();
        Path location = locationOf(ProviderFactory.class);
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(folder))) {
                files.forEach(f -> entries.add(folder + f.getFileName()));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(JarEntry::getName).forEach(entries::add);
            }
        }
        List<Class<?>> types = new ArrayList<>();
        for (String entry : entries.stream().sorted().toList()) {
            if (!entry.startsWith(folder)) {
                continue;
            }
            String file = entry.substring(folder.length());
            if (file.contains("/") || !file.endsWith(".class") || file.contains("$")
                    || file.equals("package-info.class")) {
                continue;
            }
            Class<?> type = load(packageName + "." + file.substring(0, file.length() - ".class".length()));
            if (Modifier.isPublic(type.getModifiers())) {
                types.add(type);
            }
        }
        return types;
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ContractBoundariesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A type that leaks third-party types in every kind of signature the check looks at. */
    @SuppressWarnings("unused")
    public static class LeakySample {
        public ObjectMapper mapper;
        private Config hidden;

        public LeakySample(ObjectMapper mapper) {}

        public Config config() {
            return null;
        }

        public void read(Optional<? extends Config> config) {}

        public void fail() throws com.typesafe.config.ConfigException {}

        Config packagePrivate() {
            return null;
        }

        public interface Nested {
            Map<String, List<Config>> configs();
        }
    }

    /** A type that names Jackson's tree model. */
    public static final class TreeSample {
        public JsonNode tree() {
            return null;
        }

        public void object(ObjectNode node) {}
    }
}
