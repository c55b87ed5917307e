package dev.switchboard.runtime;

import dev.switchboard.runtime.plugins.ProviderDiscovery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.testplugins.isolated.DeclaringFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider block takes the keys every provider has, those its type's reference.conf sets, and those its factory
 * declares with {@code settingKeys()}; any other is refused with the closest known key. Proven with a third-party type
 * installed from a plugin folder, as a user would install one.
 */
@Timeout(30)
class PluginDeclaredKeysTest {

    @TempDir
    Path dir;

    private Path plugins;

    @BeforeEach
    void installTheDeclaringPlugin() throws IOException {
        plugins = dir.resolve("plugins");
        Path folder = Files.createDirectories(plugins.resolve("declaring"));
        writePluginJar(folder.resolve("declaring-1.0.jar"),
                "switchboard.provider-defaults.declaring {\n  flavour = \"plain\"\n}\n");
    }

    @Test
    void acceptsTheKeysTheFactoryAndItsReferenceDeclare() {
        List<String> problems = check(
                "switchboard {",
                "  providers.acme { type = declaring, region = eu-west, deployment-id = d1, flavour = spicy }",
                "  routes.default.targets = [ acme ]",
                "}");

        assertThat(problems).isEmpty();
    }

    @Test
    void refusesATypoOfADeclaredKeyNamingTheClosestOne() {
        Path file = dir.resolve("switchboard.conf");

        List<String> problems = check(
                "switchboard {",
                "  providers.acme { type = declaring, regoin = eu-west }",
                "  routes.default.targets = [ acme ]",
                "}");

        assertThat(problems).singleElement().asString().startsWith(file + ":2: switchboard.providers.acme.regoin:"
                + " unknown key; did you mean 'region'? (known keys: api-key, api-key-env, base-url, deployment-id,");
    }

    @Test
    void refusesATypoOfAKeyFromThePluginsReferenceConf() {
        List<String> problems = check(
                "switchboard {",
                "  providers.acme { type = declaring, flavor = spicy }",
                "  routes.default.targets = [ acme ]",
                "}");

        assertThat(problems).singleElement().asString().contains("switchboard.providers.acme.flavor: unknown key;"
                + " did you mean 'flavour'?");
    }

    @Test
    void refusesATypoInTheTypesDefaultsToo() {
        List<String> problems = check(
                "switchboard {",
                "  provider-defaults.declaring.deployment-di = d2",
                "  providers.acme { type = declaring }",
                "  routes.default.targets = [ acme ]",
                "}");

        assertThat(problems).singleElement().asString().contains(":2: switchboard.provider-defaults.declaring"
                + ".deployment-di: unknown key; did you mean 'deployment-id'?");
    }

    @Test
    void oneTypesKeysAreNotAnothers() {
        List<String> problems = check(
                "switchboard {",
                "  providers.openai { region = eu-west }",
                "  routes.default.targets = [ openai ]",
                "}");

        assertThat(problems).singleElement().asString().contains("switchboard.providers.openai.region: unknown key");
    }

    @Test
    void aBundledTypesDeclaredKeysAreKnownAndTheirTyposCaught() {
        List<String> ok = check(
                "switchboard {",
                "  providers.az { type = azure-openai, endpoint = \"https://x.openai.azure.com\", entra-token = t }",
                "  routes.default.targets = [ az ]",
                "}");
        List<String> typo = check(
                "switchboard {",
                "  providers.az { type = azure-openai, endpont = \"https://x.openai.azure.com\" }",
                "  routes.default.targets = [ az ]",
                "}");

        assertThat(ok).isEmpty();
        assertThat(typo).singleElement().asString().contains("switchboard.providers.az.endpont: unknown key;"
                + " did you mean 'endpoint'?");
    }

    private List<String> check(String... lines) {
        Path file = TestPlugins.config(dir, lines);
        return Switchboard.builder().config(file).env(java.util.Map.of()).pluginsDirectory(plugins).check();
    }

    /** A plugin jar as a third party ships one: the factory, its service file and its reference.conf. */
    private static void writePluginJar(Path file, String referenceConf) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            String entry = DeclaringFactory.class.getName().replace('.', '/') + ".class";
            jar.putNextEntry(new JarEntry(entry));
            try (InputStream in = PluginDeclaredKeysTest.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(jar);
            }
            jar.putNextEntry(new JarEntry(ProviderDiscovery.SERVICE_FILE));
            jar.write((DeclaringFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry("reference.conf"));
            jar.write(referenceConf.getBytes(StandardCharsets.UTF_8));
        }
    }
}
