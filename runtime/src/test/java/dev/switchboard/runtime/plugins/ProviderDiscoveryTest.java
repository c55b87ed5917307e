package dev.switchboard.runtime.plugins;

import dev.switchboard.runtime.TestPlugins;
import dev.switchboard.runtime.ClassPathTypes;
import dev.switchboard.runtime.DiscoveredType;
import dev.switchboard.runtime.DiscoveryProblem;
import dev.switchboard.runtime.ProviderDiscoveryException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.provider.azure.AzureOpenAiProviderFactory;
import dev.switchboard.provider.groq.GroqProviderFactory;
import dev.switchboard.provider.ollama.OllamaProviderFactory;
import dev.switchboard.provider.openai.OpenAiProviderFactory;
import dev.switchboard.provider.together.TogetherProviderFactory;
import dev.switchboard.runtime.testplugins.isolated.DuplicateFactoryOne;
import dev.switchboard.runtime.testplugins.isolated.DuplicateFactoryTwo;
import dev.switchboard.runtime.testplugins.isolated.GoodPluginFactory;
import dev.switchboard.runtime.testplugins.isolated.ThrowingConstructorFactory;
import dev.switchboard.runtime.testplugins.isolated.ThrowingTypeFactory;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderDiscoveryTest {

    @TempDir
    Path dir;

    /** The provider types this project bundles, each from its own module, sorted as the registry lists them. */
    static final String[] BUNDLED = {"azure-openai", "groq", "ollama", "openai", "together"};

    @Test
    void findsTheFiveBundledProvidersOnTheClassPathThroughServiceLoaderOnly() {
        // given the test class path, where each provider is a plain dependency registered in META-INF/services

        // when
        ProviderRegistry registry = ProviderDiscovery.discover(getClass().getClassLoader());

        // then
        assertThat(registry.typeNames()).contains(BUNDLED);
        Map<String, Class<?>> factories = Map.of(
                "openai", OpenAiProviderFactory.class,
                "groq", GroqProviderFactory.class,
                "together", TogetherProviderFactory.class,
                "azure-openai", AzureOpenAiProviderFactory.class,
                "ollama", OllamaProviderFactory.class);
        Map<String, String> folders = Map.of("openai", "provider-openai", "groq", "provider-groq",
                "together", "provider-together", "azure-openai", "provider-azure", "ollama", "provider-ollama");
        for (String type : BUNDLED) {
            DiscoveredType found = registry.find(type).orElseThrow();
            assertThat(found.factory()).as(type).isInstanceOf(factories.get(type));
            assertThat(found.factory().type()).isEqualTo(type);
            assertThat(found.source()).as("where %s came from", type)
                    .isEqualTo(ProviderDiscovery.location(factories.get(type)).orElseThrow())
                    .contains(folders.get(type));
        }
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void recordsTheJarAndVersionOfAPlugin() {
        // given
        Path jar = TestPlugins.jar(dir.resolve("good-plugin.jar"), Map.of("Implementation-Version", "9.8.7"),
                List.of(GoodPluginFactory.class.getName()), GoodPluginFactory.class);

        // when
        ProviderRegistry registry;
        try (URLClassLoader loader = TestPlugins.isolated(jar)) {
            registry = ProviderDiscovery.discover(loader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        // then
        DiscoveredType good = registry.find("good").orElseThrow();
        assertThat(good.source()).isEqualTo(jar.toString());
        assertThat(good.version()).isEqualTo("9.8.7");
        assertThat(good.factory().getClass().getClassLoader()).isNotSameAs(GoodPluginFactory.class.getClassLoader());
    }

    @Test
    void skipsPluginsThatFailToLoadAndKeepsTheOthers() throws Exception {
        // given a jar declaring a missing class, a factory whose constructor throws, one whose type() throws,
        // and a good one, in that order
        Path jar = TestPlugins.jar(dir.resolve("broken-plugin.jar"), Map.of(), List.of(
                        "dev.switchboard.runtime.testplugins.isolated.MissingFactory",
                        ThrowingConstructorFactory.class.getName(),
                        ThrowingTypeFactory.class.getName(),
                        GoodPluginFactory.class.getName()),
                ThrowingConstructorFactory.class, ThrowingTypeFactory.class, GoodPluginFactory.class);

        // when
        ProviderRegistry registry;
        try (URLClassLoader loader = TestPlugins.isolated(jar)) {
            registry = ProviderDiscovery.discover(loader);
        }

        // then
        assertThat(registry.typeNames()).containsExactlyElementsOf(ClassPathTypes.plus("good"));
        assertThat(registry.problems()).hasSize(3).allSatisfy(p -> assertThat(p.source()).isEqualTo(jar.toString()));
        assertThat(registry.problems()).extracting(DiscoveryProblem::reason).satisfiesExactlyInAnyOrder(
                r -> assertThat(r).contains("MissingFactory"),
                r -> assertThat(r).contains(ThrowingConstructorFactory.class.getName()).contains("constructor fails"),
                r -> assertThat(r).contains(ThrowingTypeFactory.class.getName()).contains("type() fails"));
        assertThat(registry.problems()).allSatisfy(p -> assertThat(p.toString()).doesNotContain("\n"));
    }

    @Test
    void failsOnATypeInstalledTwiceNamingBothJars() throws Exception {
        // given two jars whose factories both claim type "dup"
        Path one = TestPlugins.jar(dir.resolve("dup-one.jar"), Map.of(),
                List.of(DuplicateFactoryOne.class.getName()), DuplicateFactoryOne.class);
        Path two = TestPlugins.jar(dir.resolve("dup-two.jar"), Map.of(),
                List.of(DuplicateFactoryTwo.class.getName()), DuplicateFactoryTwo.class);

        try (URLClassLoader loader = TestPlugins.isolated(one, two)) {
            // when / then
            assertThatThrownBy(() -> ProviderDiscovery.discover(loader))
                    .isInstanceOf(ProviderDiscoveryException.class)
                    .hasMessageContaining("'dup'")
                    .hasMessageContaining(one.toString())
                    .hasMessageContaining(two.toString())
                    .satisfies(e -> assertThat(((ProviderDiscoveryException) e).problems()).hasSize(1));
        }
    }

    @Test
    void failsOnATypeInstalledTwiceAcrossSources() throws Exception {
        // given the same type in two plugin folders with loaders of their own
        Path one = TestPlugins.jar(dir.resolve("a.jar"), Map.of(),
                List.of(DuplicateFactoryOne.class.getName()), DuplicateFactoryOne.class);
        Path two = TestPlugins.jar(dir.resolve("b.jar"), Map.of(),
                List.of(DuplicateFactoryTwo.class.getName()), DuplicateFactoryTwo.class);

        try (URLClassLoader a = TestPlugins.isolated(one); URLClassLoader b = TestPlugins.isolated(two)) {
            // when / then
            assertThatThrownBy(() -> ProviderDiscovery.discover(List.of(
                            DiscoverySource.plugin(a, "plugins/a"), DiscoverySource.plugin(b, "plugins/b"))))
                    .isInstanceOf(ProviderDiscoveryException.class)
                    .hasMessageContaining(one.toString())
                    .hasMessageContaining(two.toString());
        }
    }

    @Test
    void countsAFactorySeenThroughSeveralSourcesOnce() throws Exception {
        // given a plugin loader, which also sees its parent's openai factory
        Path jar = TestPlugins.jar(dir.resolve("good.jar"), Map.of(),
                List.of(GoodPluginFactory.class.getName()), GoodPluginFactory.class);

        try (URLClassLoader plugin = TestPlugins.isolated(jar)) {
            // when
            ProviderRegistry registry = ProviderDiscovery.discover(List.of(
                    DiscoverySource.classpath(getClass().getClassLoader()), DiscoverySource.plugin(plugin, "plugins/good")));

            // then
            assertThat(registry.typeNames()).containsExactlyElementsOf(ClassPathTypes.plus("good"));
        }
    }
}
