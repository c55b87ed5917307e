package dev.switchboard.runtime.config;

import dev.switchboard.runtime.CooldownPolicy;
import dev.switchboard.runtime.RetryPolicy;
import dev.switchboard.runtime.StreamFailover;
import dev.switchboard.runtime.plugins.DiscoverySource;
import dev.switchboard.runtime.plugins.ProviderDiscovery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteConfigTest {

    private static final Set<String> PROVIDERS = Set.of("openai", "together", "meta-llama-host");

    @Test
    void readsABareProviderName() {
        assertThat(RouteConfig.Target.parse("openai", PROVIDERS)).isEqualTo(new RouteConfig.Target("openai", null));
    }

    @Test
    void splitsProviderAndModelAtTheFirstSlash() {
        assertThat(RouteConfig.Target.parse("openai/gpt-4o", PROVIDERS))
                .isEqualTo(new RouteConfig.Target("openai", "gpt-4o"));
    }

    @Test
    void keepsTheSlashesOfAModelName() {
        assertThat(RouteConfig.Target.parse("together/meta-llama/Llama-3-8b", PROVIDERS))
                .isEqualTo(new RouteConfig.Target("together", "meta-llama/Llama-3-8b"));
    }

    @Test
    void rejectsAModelWhosePrefixIsNoProvider() {
        assertThatThrownBy(() -> RouteConfig.Target.parse("meta-llama/Llama-3-8b", PROVIDERS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target 'meta-llama/Llama-3-8b' names no configured provider ('meta-llama' is none)");
    }

    @Test
    void rejectsAnEmptyModel() {
        assertThatThrownBy(() -> RouteConfig.Target.parse("openai/", PROVIDERS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no model after the '/'");
    }

    @Test
    void takesRetryAndCooldownFromTheRouteDefaultsWhenUnset() {
        // when
        SwitchboardConfig config = read("switchboard { providers.openai {}, routes.default.targets = [ openai ] }");

        // then: reference.conf states the policies' documented defaults
        RouteConfig route = config.routes().get("default");
        assertThat(route.retry()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(route.cooldown()).isEqualTo(CooldownPolicy.DEFAULT);
    }

    @Test
    void readsRetryAndCooldownOverTheRouteDefaults() {
        // when
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  routes.default {",
                "    targets = [ openai ]",
                "    retry { max-retries = 5, initial-delay = 1s, multiplier = 3 }",
                "    cooldown.duration = 2m",
                "  }",
                "}"));

        // then
        RouteConfig route = config.routes().get("default");
        assertThat(route.retry()).isEqualTo(new RetryPolicy(5, Duration.ofSeconds(1),
                RetryPolicy.DEFAULT.maxDelay(), 3.0));
        assertThat(route.cooldown()).isEqualTo(new CooldownPolicy(CooldownPolicy.DEFAULT.failureThreshold(),
                Duration.ofMinutes(2)));
    }

    @Test
    void streamFailoverDefaultsToResumeAndARouteMayOverrideIt() {
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  routes.default.targets = [ openai ]",
                "  routes.strict { targets = [ openai ], stream-failover = fail }",
                "}"));

        assertThat(config.routes().get("default").streamFailover()).isEqualTo(StreamFailover.RESUME);
        assertThat(config.routes().get("strict").streamFailover()).isEqualTo(StreamFailover.FAIL);
        assertThat(config.routeDefaults().streamFailover()).isEqualTo(StreamFailover.RESUME);
    }

    @Test
    void routeDefaultsApplyToEveryRouteAndToTheDefaultsRoute() {
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  routes.default.targets = [ openai ]",
                "  route-defaults { stream-failover = fail, retry.max-retries = 4 }",
                "}"));

        assertThat(config.routes().get("default").streamFailover()).isEqualTo(StreamFailover.FAIL);
        assertThat(config.routeDefaults().streamFailover()).isEqualTo(StreamFailover.FAIL);
        assertThat(config.routeDefaults().retry().maxRetries()).isEqualTo(4);
    }

    @Test
    void rejectsAnUnknownStreamFailoverNamingTheChoices() {
        ConfigProblems problems = new ConfigProblems();
        java.util.Optional<SwitchboardConfig> config = read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  routes.default { targets = [ openai ], stream-failover = retry }",
                "}"), problems);

        assertThat(config).isEmpty();
        assertThat(problems.lines()).singleElement().asString()
                .contains("switchboard.routes.default.stream-failover", "must be resume or fail, not 'retry'");
    }

    private static SwitchboardConfig read(String hocon) {
        ConfigProblems problems = new ConfigProblems();
        return read(hocon, problems).orElseThrow(() -> new AssertionError(problems.lines()));
    }

    private static java.util.Optional<SwitchboardConfig> read(String hocon, ConfigProblems problems) {
        ClassLoader loader = RouteConfigTest.class.getClassLoader();
        SwitchboardConfigLoader.Loaded loaded = SwitchboardConfigLoader
                .load(new SwitchboardConfigLoader.TextInput(hocon), java.util.List.of(DiscoverySource.classpath(loader)), Map.of(), problems).orElseThrow();
        return new SwitchboardConfigReader(loaded, ProviderDiscovery.discover(loader), Map.of(), problems, java.util.List.of()).read();
    }
}
