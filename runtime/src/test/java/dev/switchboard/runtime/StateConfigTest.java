package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code switchboard.state}: strict keys, one-line problems naming the key, and a backend that must be installed. */
class StateConfigTest {

    private static Switchboard.Builder builder(String hocon, Map<String, String> env) {
        return Switchboard.builder().config(hocon).env(env);
    }

    private static List<String> problems(String hocon) {
        return builder(hocon, Map.of()).check();
    }

    @Test
    void theDefaultBackendIsMemory() {
        try (Switchboard sb = builder("", Map.of()).build()) {
            assertThat(sb.state().backend()).isEqualTo("memory");
        }
    }

    @Test
    void theBackendComesFromTheEnvironmentTheLauncherSets() {
        assertThatThrownBy(() -> builder("", Map.of("SWITCHBOARD_STATE_BACKEND", "embedded",
                "SWITCHBOARD_DATA_DIR", "/tmp/not-used")).build())
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessageContaining("switchboard.state.backend = embedded: no such backend is installed")
                .hasMessageContaining("switchboard-state-embedded");
    }

    @Test
    void anUnknownBackendIsRefusedNamingTheChoices() {
        assertThat(problems("switchboard.state.backend = sqlite"))
                .singleElement().asString().contains("switchboard.state.backend")
                .contains("must be memory, embedded or redis, was 'sqlite'");
    }

    @Test
    void theEmbeddedBackendNeedsADataDir() {
        assertThat(problems("switchboard.state.backend = embedded"))
                .singleElement().asString().contains("switchboard.state.data-dir").contains("must name a directory");
    }

    @Test
    void theRedisBackendNeedsAUri() {
        assertThat(problems("switchboard.state.backend = redis"))
                .singleElement().asString().contains("switchboard.state.redis.uri");
    }

    @Test
    void aMisspeltKeyIsATypo() {
        assertThat(problems("switchboard.state { backend = memory, data-dri = \"/tmp\" }"))
                .singleElement().asString().contains("data-dri");
        assertThat(problems("switchboard.state.on-failure = maybe"))
                .singleElement().asString().contains("switchboard.state.on-failure").contains("allow or deny");
    }
}
