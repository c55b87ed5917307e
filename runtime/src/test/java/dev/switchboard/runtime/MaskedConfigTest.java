package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.switchboard.spi.SecretRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
    /** One secret of every kind the configuration can hold. */
    private static final String GATEWAY_PLAIN = "gw-plain-key-not-real";
    private static final String GATEWAY_BLOCK = "gw-block-key-not-real";
    private static final String GATEWAY_ENV = "gw-env-key-not-real";
    private static final String ADMIN_KEY = "gw-admin-key-not-real";
    private static final String GOOG_KEY = "goog-header-not-real";
    private static final String CUSTOM_TOKEN = "custom-token-not-real";
    private static final String HELICONE = "helicone-auth-not-real";
    private static final String COOKIE = "session=cookie-not-real";
    private static final String TENANT = "tenant-signature-not-real";
    private static final List<String> EVERY_SECRET = List.of(CONFIG_KEY, ENV_KEY, CLIENT_SECRET, GATEWAY_PLAIN,
            GATEWAY_BLOCK, GATEWAY_ENV, ADMIN_KEY, GOOG_KEY, CUSTOM_TOKEN, HELICONE, "cookie-not-real", TENANT);

    private static final String EVERY_KIND = String.join("\n",
            "switchboard.sensitive-headers = [ \"X-Tenant-Signature\" ]",
            "switchboard.providers {",
            "  recording {",
            "    api-key = \"" + CONFIG_KEY + "\"",
            "    client-secret = \"" + CLIENT_SECRET + "\"",
            "    headers {",
            "      X-Goog-Api-Key = \"" + GOOG_KEY + "\"",
            "      X-Custom-Token = \"" + CUSTOM_TOKEN + "\"",
            "      Helicone-Auth = \"Bearer " + HELICONE + "\"",
            "      Cookie = \"" + COOKIE + "\"",
            "      X-Tenant-Signature = \"" + TENANT + "\"",
            "      X-Team = \"visible-header\"",
            "    }",
            "  }",
            "  openai { organization = \"org-\"${OPENAI_API_KEY} }",
            "}",
            "switchboard.gateway {",
            "  keys = [ \"" + GATEWAY_PLAIN + "\", { key = \"" + GATEWAY_BLOCK + "\", name = \"team-a\" },",
            "           { key = ${GATEWAY_KEY}, name = \"team-b\" } ]",
            "  admin-keys = [ \"" + ADMIN_KEY + "\" ]",
            "}");

    private static final Map<String, String> EVERY_ENV = Map.of("OPENAI_API_KEY", ENV_KEY, "GATEWAY_KEY", GATEWAY_ENV);

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void masksEveryKindOfSecretYetShowsWhatIsNotSecret(ConfigFormat format) {
        // when
        String shown = Switchboard.builder().config(EVERY_KIND).env(EVERY_ENV).classLoader(plugins)
                .secrets(SecretRegistry.create()).render(format);

        // then
        assertThat(shown).doesNotContain(EVERY_SECRET).contains("visible-header", "team-a", "team-b");
        Config parsed = ConfigFactory.parseString(shown);
        String headers = "switchboard.providers.recording.headers.";
        for (String header : List.of("X-Goog-Api-Key", "X-Custom-Token", "Helicone-Auth", "Cookie", "X-Tenant-Signature")) {
            assertThat(parsed.getString(headers + header)).as(header).isEqualTo("****");
        }
        List<? extends ConfigValue> keys = parsed.getList("switchboard.gateway.keys");
        assertThat(keys.get(0).unwrapped()).isEqualTo("****");
        assertThat(keys.subList(1, 3)).allSatisfy(block -> assertThat(((ConfigObject) block).toConfig().getString("key"))
                .isEqualTo("****"));
        assertThat(parsed.getStringList("switchboard.gateway.admin-keys")).containsExactly("****");
    }

    @Test
    void registersEverySecretOfTheConfigurationForMaskingElsewhere() {
        // given
        SecretRegistry secrets = SecretRegistry.create();

        // when the configuration is checked (this module alone does not know the gateway's block: a problem, and
        // its secrets are registered before any problem is worded)
        List<String> problems = Switchboard.builder().config(EVERY_KIND).env(EVERY_ENV).classLoader(plugins)
                .secrets(secrets).check();

        // then
        assertThat(String.join("\n", problems)).doesNotContain(EVERY_SECRET);
        for (String secret : EVERY_SECRET) {
            assertThat(secrets.mask("text " + secret + " text")).as(secret).isEqualTo("text **** text");
        }
        assertThat(secrets.isSensitiveHeader("x-tenant-signature")).isTrue();
        assertThat(secrets.mask("visible-header team-a")).isEqualTo("visible-header team-a");
    }

    @Test
    void aBuiltSwitchboardMasksWithTheRegistryItWasGiven() {
        SecretRegistry secrets = SecretRegistry.create();

        try (Switchboard sb = Switchboard.builder().config(CONFIG).env(ENV).classLoader(plugins).secrets(secrets)
                .build()) {
            assertThat(sb.secrets()).isSameAs(secrets);
            assertThat(secrets.mask(CONFIG_KEY + " " + CLIENT_SECRET + " " + ENV_KEY)).isEqualTo("**** **** ****");
        }
    }

    @Test
    void aSensitiveHeadersListOfOtherThingsIsAProblemAtItsLine() {
        // when
        List<String> problems = Switchboard.builder().config("switchboard.sensitive-headers = \"X-One\"")
                .classLoader(plugins).secrets(SecretRegistry.create()).check();

        // then
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("switchboard.sensitive-headers", "list of header names"));
    }

    @Test
    void connectionPasswordsAreSecretsWhereverTheyAreWrittenAndTheUrlsStayReadable() {
        String inQuery = "UrlPassw0rd-not-real";
        String inUserInfo = "Inf0Passw0rd-not-real";
        String apart = "KeyPassw0rd-not-real";
        String inRedis = "RedisPassw0rd-not-real";
        String config = String.join("\n",
                "switchboard {",
                "  usage-log {",
                "    jdbc-url = \"jdbc:postgresql://db.internal:5432/sb?user=sb&password=" + inQuery + "&ssl=true\"",
                "    password = \"" + apart + "\"",
                "  }",
                "  state.redis.uri = \"rediss://default:" + inRedis + "@10.0.0.5:6379\"",
                "  note = \"copies: " + inQuery + " " + apart + " " + inRedis + "\"",
                "}");
        String other = "switchboard.usage-log.jdbc-url = \"jdbc:postgresql://sb:" + inUserInfo.replace("-", "%2D")
                + "@db.internal/sb\"";

        String shown = Switchboard.builder().config(config).env(Map.of()).render(ConfigFormat.HOCON);
        String shownOther = Switchboard.builder().config(other).env(Map.of()).render(ConfigFormat.JSON);

        assertThat(shown).doesNotContain(inQuery, apart, inRedis);
        assertThat(shownOther).doesNotContain(inUserInfo, inUserInfo.replace("-", "%2D"));
        Config parsed = ConfigFactory.parseString(shown);
        assertThat(parsed.getString("switchboard.usage-log.jdbc-url"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/sb?user=sb&password=****&ssl=true");
        assertThat(parsed.getString("switchboard.usage-log.password")).isEqualTo("****");
        assertThat(parsed.getString("switchboard.state.redis.uri")).isEqualTo("rediss://default:****@10.0.0.5:6379");
        assertThat(parsed.getString("switchboard.note")).isEqualTo("copies: **** **** ****");
        assertThat(ConfigFactory.parseString(shownOther).getString("switchboard.usage-log.jdbc-url"))
                .isEqualTo("jdbc:postgresql://sb:****@db.internal/sb");
    }

    @Test
    void aSecretThatIsNotSetIsShownEmptyNotMasked() {
        String shown = Switchboard.builder().config("switchboard.usage-log.jdbc-url = \"\"").env(Map.of())
                .render(ConfigFormat.HOCON);

        // "****" would say that a password is set
        assertThat(ConfigFactory.parseString(shown).getString("switchboard.usage-log.password")).isEmpty();
    }
}
