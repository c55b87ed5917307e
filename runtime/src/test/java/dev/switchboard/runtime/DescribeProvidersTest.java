package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeProvidersTest {

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

    @Test
    void describesEachProviderWithItsRootAndWhetherItsKeyIsSetButNeverTheKey() {
        // given the recording type's reference.conf sets api-key-env = RECORDING_TEST_KEY
        try (Switchboard sb = build(Map.of("RECORDING_TEST_KEY", "test-key-not-real"),
                "switchboard.providers {",
                "  keyed { type = recording }",
                "  unkeyed { type = recording, api-key-env = \"UNSET_TEST_VARIABLE\" }",
                "  azure-like { type = recording, base-url = null, endpoint = \"https://example.invalid\" }",
                "}")) {

            // when
            var described = sb.describeProviders();

            // then
            assertThat(described).extracting(ProviderDescription::name).containsExactly("azure-like", "keyed", "unkeyed");
            assertThat(described.get(0).baseUrl()).contains("https://example.invalid");
            assertThat(described.get(1)).isEqualTo(new ProviderDescription("keyed", "recording",
                    Optional.of("http://127.0.0.1:9/recording"), true, true,
                    "set RECORDING_TEST_KEY or switchboard.providers.keyed.api-key"));
            assertThat(described.get(2).keyExpected()).isTrue();
            assertThat(described.get(2).keySet()).isFalse();
            assertThat(described.get(2).keyHint()).contains("UNSET_TEST_VARIABLE");
            assertThat(described.toString()).doesNotContain("test-key-not-real");
        }
    }

    @Test
    void aProviderWithoutKeyVariableExpectsNoKey() {
        // when
        try (Switchboard sb = build(Map.of(), "switchboard.providers.local { type = recording, api-key-env = null }")) {

            // then
            assertThat(sb.describeProviders()).singleElement().satisfies(d -> {
                assertThat(d.keyExpected()).isFalse();
                assertThat(d.keySet()).isFalse();
            });
        }
    }
}
