package dev.switchboard.runtime;

import dev.switchboard.runtime.config.SwitchboardConfigLoader;
import dev.switchboard.runtime.metering.MeteredProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.testplugins.RecordingProvider;
import dev.switchboard.spi.ProviderSettings;
import dev.switchboard.spi.Secret;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwitchboardTest {

    @TempDir
    Path dir;

    private URLClassLoader plugins;

    @BeforeEach
    void installTestPlugins() {
        plugins = TestPlugins.recording();
    }

    @AfterEach
    void closePlugins() throws IOException {
        plugins.close();
    }

    private Switchboard build(Map<String, String> env, String... lines) {
        return Switchboard.builder().config(TestPlugins.config(dir, lines)).env(env).classLoader(plugins).build();
    }

    private static ProviderSettings settings(Switchboard sb, String name) {
        return recording(sb, name).settings();
    }

    /** The provider the recording factory made, inside the metering Switchboard puts around every provider. */
    private static RecordingProvider recording(Switchboard sb, String name) {
        return (RecordingProvider) ((MeteredProvider) sb.provider(name)).delegate();
    }

    @Test
    void layersTheUserBlockOverTheTypeDefaultsOverTheCommonDefaults() {
        // given the recording type's reference.conf sets base-url, model, embedding-model and timeouts.idle
        try (Switchboard sb = build(Map.of(),
                "switchboard.providers.recording {",
                "  model = \"user-model\"",
                "  timeouts.connect = 3s",
                "  headers { X-Team = \"search\" }",
                "  region = \"eu\"",
                "}")) {

            // when
            ProviderSettings s = settings(sb, "recording");

            // then
            assertThat(s.model()).contains("user-model");
            assertThat(s.embeddingModel()).contains("recording-embedding-model");
            assertThat(s.baseUrl()).contains("http://127.0.0.1:9/recording");
            assertThat(s.apiKeyEnv()).contains("RECORDING_TEST_KEY");
            assertThat(s.timeouts().connect()).isEqualTo(Duration.ofSeconds(3));
            assertThat(s.timeouts().idle()).isEqualTo(Duration.ofSeconds(5));
            assertThat(s.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(60));
            assertThat(s.timeouts().total()).isEqualTo(Duration.ofMinutes(10));
            assertThat(s.headers()).isEqualTo(Map.of("X-Team", "search"));
            assertThat(s.options().string("region")).contains("eu");
            assertThat(s.options().string("model")).contains("user-model");
            assertThat(s.options().string("base-url")).contains("http://127.0.0.1:9/recording");
        }
    }

    @Test
    void defaultsTheTypeToTheBlockNameWhenThatIsAnInstalledType() {
        // when
        try (Switchboard sb = build(Map.of(),
                "switchboard.providers {",
                "  recording {}",
                "  second { type = recording }",
                "}")) {

            // then
            assertThat(sb.providerNames()).containsExactly("recording", "second");
            assertThat(sb.provider("recording").type()).isEqualTo("recording");
            assertThat(sb.provider("second").type()).isEqualTo("recording");
            assertThat(sb.provider("second").name()).isEqualTo("second");
        }
    }

    @Test
    void readsTheKeyFromTheVariableApiKeyEnvNames() {
        // when
        try (Switchboard sb = build(Map.of("RECORDING_TEST_KEY", "test-key-not-real"),
                "switchboard.providers.recording {}")) {

            // then
            assertThat(settings(sb, "recording").apiKey()).contains(Secret.of("test-key-not-real"));
            assertThat(sb.missingKeys()).isEmpty();
        }
    }

    @Test
    void prefersApiKeyOverTheVariable() {
        // when
        try (Switchboard sb = build(Map.of("RECORDING_TEST_KEY", "test-key-from-env"),
                "switchboard.providers.recording.api-key = \"test-key-from-config\"")) {

            // then
            assertThat(settings(sb, "recording").apiKey()).contains(Secret.of("test-key-from-config"));
        }
    }

    @Test
    void resolvesSubstitutionsFromTheInjectedEnvironment() {
        // given
        String[] config = {
                "switchboard.providers.recording {",
                "  api-key = ${?SB_TEST_KEY}",
                "  model = ${?SB_TEST_MODEL}",
                "}"};

        // when
        try (Switchboard with = build(Map.of("SB_TEST_KEY", "test-key-not-real", "SB_TEST_MODEL", "env-model"), config);
             Switchboard without = build(Map.of(), config)) {

            // then
            assertThat(settings(with, "recording").apiKey()).contains(Secret.of("test-key-not-real"));
            assertThat(settings(with, "recording").model()).contains("env-model");
            assertThat(settings(without, "recording").apiKey()).isEmpty();
            assertThat(settings(without, "recording").model()).contains("recording-default-model");
        }
    }

    @Test
    void reportsAMissingKeyButStillCreatesTheProvider() {
        // when
        try (Switchboard sb = build(Map.of(), "switchboard.providers.recording {}")) {

            // then
            assertThat(sb.provider("recording")).isNotNull();
            assertThat(settings(sb, "recording").apiKey()).isEmpty();
            assertThat(sb.missingKeys()).containsExactly(Map.entry("recording",
                    "set RECORDING_TEST_KEY or switchboard.providers.recording.api-key"));
        }
    }

    @Test
    void createsOpenAiFromAnEmptyBlockWithItsReferenceDefaults() {
        // when
        try (Switchboard keyed = Switchboard.builder().config("switchboard.providers.openai {}")
                     .env(Map.of("OPENAI_API_KEY", "test-key-not-real")).build();
             Switchboard unkeyed = Switchboard.builder().config("switchboard.providers.openai {}")
                     .env(Map.of()).build()) {

            // then
            assertThat(keyed.provider("openai").type()).isEqualTo("openai");
            assertThat(keyed.missingKeys()).isEmpty();
            assertThat(unkeyed.missingKeys()).containsOnlyKeys("openai");
            assertThat(unkeyed.missingKeys().get("openai")).contains("OPENAI_API_KEY");
        }
    }

    @Test
    void sharesOneTransportAndTheInjectedClockAmongProviders() {
        // given
        Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

        // when
        try (Switchboard sb = Switchboard.builder()
                .config("switchboard.providers { a.type = recording, b.type = recording }")
                .env(Map.of()).classLoader(plugins).clock(clock).build()) {

            // then
            RecordingProvider a = recording(sb, "a");
            RecordingProvider b = recording(sb, "b");
            assertThat(a.context().http()).isSameAs(b.context().http());
            assertThat(a.context().clock()).isSameAs(clock);
        }
    }

    @Test
    void buildsRoutesWithTheirTargetsInOrder() {
        // when
        try (Switchboard sb = build(Map.of(),
                "switchboard {",
                "  providers {",
                "    recording {}",
                "    together { type = recording }",
                "  }",
                "  routes.default.targets = [ \"together/meta-llama/Llama-3-8b\", \"recording\", \"recording/small\" ]",
                "  routes.cheap.targets = [ \"recording/small\" ]",
                "}")) {

            // then
            ProviderManager route = sb.route("default");
            assertThat(route.name()).isEqualTo("default");
            assertThat(route.targets()).extracting(ProviderManager.Target::provider)
                    .containsExactly(sb.provider("together"), sb.provider("recording"), sb.provider("recording"));
            assertThat(route.targets()).extracting(ProviderManager.Target::model)
                    .containsExactly("meta-llama/Llama-3-8b", null, "small");
            assertThat(sb.defaultRoute()).isSameAs(route);
            assertThat(sb.routeNames()).containsExactly("cheap", "default");
            assertThat(sb.route("cheap").targets()).extracting(ProviderManager.Target::label)
                    .containsExactly("recording/small");
        }
    }

    @Test
    void followsTheConfiguredDefaultRouteName() {
        // when
        try (Switchboard sb = build(Map.of(),
                "switchboard {",
                "  default-route = fast",
                "  providers.recording {}",
                "  routes.fast.targets = [ recording ]",
                "}")) {

            // then
            assertThat(sb.defaultRouteName()).isEqualTo("fast");
            assertThat(sb.defaultRoute()).isSameAs(sb.route("fast"));
        }
    }

    @Test
    void explainsHowToDefineTheDefaultRouteWhenThereIsNone() {
        // given providers but no routes
        try (Switchboard sb = build(Map.of(), "switchboard.providers.recording {}")) {

            // when / then
            assertThatThrownBy(sb::defaultRoute)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no route 'default'")
                    .hasMessageContaining("define switchboard.routes.default { targets = [ \"recording\" ] }");
        }
    }

    @Test
    void listsWhatExistsForAnUnknownName() {
        // given
        try (Switchboard sb = build(Map.of(),
                "switchboard {",
                "  providers { recording {}, other.type = recording }",
                "  routes.default.targets = [ recording ]",
                "}")) {

            // when / then
            assertThatThrownBy(() -> sb.provider("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no provider 'nope'; configured providers: other, recording");
            assertThatThrownBy(() -> sb.route("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("no route 'nope'; configured routes: default; to add it, define"
                            + " switchboard.routes.nope");
        }
    }

    @Test
    void startsFromTheInstalledDefaultsAloneWithoutAConfig() {
        // when
        try (Switchboard sb = Switchboard.builder().env(Map.of()).classLoader(plugins).build()) {

            // then
            assertThat(sb.providerNames()).isEmpty();
            assertThat(sb.routeNames()).isEmpty();
            assertThat(sb.types()).extracting(DiscoveredType::type)
                    .containsExactlyElementsOf(ClassPathTypes.plus("recording", "rejecting")).contains("openai");
        }
    }

    @Test
    void closesEveryProviderThenTheTransport() {
        // given
        Switchboard sb = build(Map.of(),
                "switchboard {",
                "  providers { a.type = recording, b.type = recording }",
                "  routes.default.targets = [ a, b ]",
                "}");
        RecordingProvider a = recording(sb, "a");
        RecordingProvider b = recording(sb, "b");

        // when
        sb.close();
        sb.close();

        // then
        assertThat(a.closeCount()).isEqualTo(1);
        assertThat(b.closeCount()).isEqualTo(1);
        assertThat(a.context().http().isClosed()).isTrue();
        assertThatThrownBy(() -> sb.provider("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void loadsTheFileSwitchboardConfigNames() {
        // given
        Path file = TestPlugins.config(dir, "switchboard.providers.named.type = recording");

        // when
        var located = SwitchboardConfigLoader.locate(Map.of("SWITCHBOARD_CONFIG", file.toString()), dir.resolve("elsewhere"));

        // then
        assertThat(located).contains(file);
    }

    @Test
    void loadsSwitchboardConfInTheWorkingDirectoryWhenNoVariableIsSet() {
        // given
        Path file = TestPlugins.config(dir, "switchboard.providers.local.type = recording");

        // when / then
        assertThat(SwitchboardConfigLoader.locate(Map.of(), dir)).contains(file);
        assertThat(SwitchboardConfigLoader.locate(Map.of(), dir.resolve("empty"))).isEmpty();
    }

    @Test
    void exposesEveryProviderAsAnLlmProvider() {
        // when
        try (Switchboard sb = build(Map.of(), "switchboard.providers.recording {}")) {
            LlmProvider p = sb.provider("recording");

            // then
            assertThat(p).isInstanceOf(MeteredProvider.class);
            assertThat(((MeteredProvider) p).delegate()).isInstanceOf(RecordingProvider.class);
        }
    }

    @Test
    void acceptsAnAlreadyParsedConfig() {
        // given
        com.typesafe.config.Config parsed = com.typesafe.config.ConfigFactory.parseString(
                "switchboard.providers.parsed { type = recording, model = \"parsed-model\" }");

        // when
        try (Switchboard sb = Switchboard.builder().config(parsed).env(Map.of()).classLoader(plugins).build()) {

            // then
            assertThat(settings(sb, "parsed").model()).contains("parsed-model");
        }
    }

    @Test
    void offersEachProviderAsASingleTargetRouteWithTheRouteDefaults() {
        try (Switchboard sb = build(Map.of(),
                "switchboard {",
                "  providers.recording {}",
                "  route-defaults { retry.max-retries = 4, stream-failover = fail }",
                "}")) {

            ProviderManager direct = sb.providerRoute("recording");

            assertThat(direct.name()).isEqualTo("recording");
            assertThat(direct.targets()).extracting(ProviderManager.Target::provider, ProviderManager.Target::model)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(sb.provider("recording"), null));
            assertThat(direct.retryPolicy().maxRetries()).isEqualTo(4);
            assertThat(direct.streamFailover()).isEqualTo(StreamFailover.FAIL);
            assertThat(sb.providerRoute("recording")).isSameAs(direct);
            assertThat(sb.defaultModel("recording")).isEqualTo(settings(sb, "recording").model());
            assertThatThrownBy(() -> sb.providerRoute("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("configured providers: recording");
        }
    }

    @Test
    void exposesTheResolvedSwitchboardSubtreeOnly() {
        try (Switchboard sb = build(Map.of("SOME_VAR", "from-env"),
                "switchboard.providers.recording { model = ${?SOME_VAR} }")) {

            com.typesafe.config.Config config = sb.config();

            assertThat(config.getString("switchboard.providers.recording.model")).isEqualTo("from-env");
            assertThat(config.getString("switchboard.default-route")).isEqualTo("default");
            assertThat(config.root().keySet()).containsExactly("switchboard");
        }
    }
}
