package dev.switchboard.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.plugins.DiscoverySource;
import dev.switchboard.runtime.plugins.ProviderDiscovery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code routes.<name>.cache} over {@code switchboard.cache}, read strictly. */
class CacheConfigTest {

    @Test
    void aRouteCachesOnlyWithACacheBlockWhoseUnsetKeysComeFromTheDefaults() {
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  cache { max-entries = 500 }",
                "  routes.default.targets = [ openai ]",
                "  routes.eval { targets = [ openai ], cache { ttl = 1h, allow-sampling = true } }",
                "}"), new ConfigProblems()).orElseThrow();

        assertThat(config.routes().get("default").cache()).isEmpty();
        assertThat(config.routes().get("eval").cache()).contains(
                new RouteConfig.CacheSettings(Duration.ofHours(1), 500, true));
    }

    @Test
    void refusesUnknownKeysAndBadValuesWithTheirLines() {
        ConfigProblems problems = new ConfigProblems();
        assertThat(read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  cache { size = 5 }",
                "  routes.default { targets = [ openai ], cache { ttl = 0s, max-entries = 0 } }",
                "}"), problems)).isEmpty();

        assertThat(problems.lines()).hasSize(3)
                .anySatisfy(l -> assertThat(l).contains(":3:", "switchboard.cache.size", "unknown key"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "switchboard.routes.default.cache.ttl", "positive"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "switchboard.routes.default.cache.max-entries"));
    }

    private static Optional<SwitchboardConfig> read(String hocon, ConfigProblems problems) {
        ClassLoader loader = CacheConfigTest.class.getClassLoader();
        SwitchboardConfigLoader.Loaded loaded = SwitchboardConfigLoader.load(new SwitchboardConfigLoader.TextInput(hocon),
                List.of(DiscoverySource.classpath(loader)), Map.of(), problems).orElseThrow();
        return new SwitchboardConfigReader(loaded, ProviderDiscovery.discover(loader), Map.of(), problems, List.of()).read();
    }
}
