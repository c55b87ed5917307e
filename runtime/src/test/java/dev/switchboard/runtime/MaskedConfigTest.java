package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code config show}: the resolved configuration, with no secret in it. */
class MaskedConfigTest {

    private static final String CONFIG_KEY = "test-key-not-real-config";
    private static final String ENV_KEY = "test-key-not-real-env";
    private static final String CLIENT_SECRET = "test-secret-not-real";
    private static final String UNRELATED = "unrelated-value-of-the-environment";
    private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", ENV_KEY, "UNRELATED_VARIABLE", UNRELATED);

    private static final String CONFIG = String.join("\n",
            "switchboard.providers {",
            "  recording {",
            "    api-key = \"" + CONFIG_KEY + "\"",
            "    client-secret = \"" + CLIENT_SECRET + "\"",
            "    headers { Authorization = \"Bearer " + CONFIG_KEY + "\", X-Team = \"visible-header\" }",
            "    note = \"a copy of " + CLIENT_SECRET + " elsewhere\"",
            "    organization = \"org-\"${OPENAI_API_KEY}",
            "  }",
            "}");

    private URLClassLoader plugins;

    @BeforeEach
    void installTestPlugins() {
        plugins = TestPlugins.recording();
    }

    @AfterEach
    void closePlugins() throws IOException {
        plugins.close();
    }

    @Test
    void masksEverySecretInHocon() {
        // when
        String shown;
        try (Switchboard sb = Switchboard.builder().config(CONFIG).env(ENV).classLoader(plugins).build()) {
            shown = sb.renderConfig(ConfigFormat.HOCON);
        }

        // then
        assertThat(shown).doesNotContain(CONFIG_KEY, ENV_KEY, CLIENT_SECRET, UNRELATED, "UNRELATED_VARIABLE")
                .contains("****", "visible-header", "recording-default-model", "provider-defaults-common");
        Config parsed = ConfigFactory.parseString(shown);
        assertThat(parsed.root().keySet()).containsExactly("switchboard");
        assertThat(parsed.getString("switchboard.providers.recording.api-key")).isEqualTo("****");
        assertThat(parsed.getString("switchboard.providers.recording.client-secret")).isEqualTo("****");
        assertThat(parsed.getString("switchboard.providers.recording.headers.Authorization")).isEqualTo("****");
        assertThat(parsed.getString("switchboard.providers.recording.note")).isEqualTo("a copy of **** elsewhere");
        assertThat(parsed.getString("switchboard.providers.recording.organization")).isEqualTo("org-****");
    }

    @Test
    void masksEverySecretInJson() {
        // when
        String shown;
        try (Switchboard sb = Switchboard.builder().config(CONFIG).env(ENV).classLoader(plugins).build()) {
            shown = sb.renderConfig(ConfigFormat.JSON);
        }

        // then
        assertThat(shown).startsWith("{").doesNotContain(CONFIG_KEY, ENV_KEY, CLIENT_SECRET, UNRELATED);
        assertThat(ConfigFactory.parseString(shown).getString("switchboard.providers.recording.api-key"))
                .isEqualTo("****");
    }

    @Test
    void showsAConfigThatDoesNotPassItsCheckStillMasked() {
        // given a config with a problem
        String invalid = CONFIG + "\nswitchboard.providers.broken.type = nope";
        Switchboard.Builder builder = Switchboard.builder().config(invalid).env(ENV).classLoader(plugins);

        // when
        String shown = builder.render(ConfigFormat.HOCON);

        // then
        assertThat(builder.check()).isNotEmpty();
        assertThat(shown).contains("nope").doesNotContain(CONFIG_KEY, ENV_KEY, CLIENT_SECRET);
    }
}
