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

    @Test
    void refusesATtlWithoutAUnitWhichWouldBeMilliseconds() {
        ConfigProblems problems = new ConfigProblems();
        assertThat(read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  cache { ttl = \"10\" }",
                "  routes.default { targets = [ openai ], cache { ttl = 5 } }",
                "}"), problems)).isEmpty();

        assertThat(problems.lines()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains(":3:", "switchboard.cache.ttl", "'10' has no unit", "milliseconds"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "switchboard.routes.default.cache.ttl", "'5' has no unit"));
    }

    @Test
    void theRedisBackendSharesTheStatesServerAndBoundsEachEntry() {
        ConfigProblems problems = new ConfigProblems();
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  state { backend = redis, redis.uri = \"redis://127.0.0.1:6379\" }",
                "  cache { backend = redis, max-entry-bytes = 64KiB }",
                "  routes.default.targets = [ openai ]",
                "  routes.eval { targets = [ openai ], cache {} }",
                "}"), problems).orElseThrow(() -> new AssertionError(problems.lines()));

        RouteConfig.CacheSettings eval = config.routes().get("eval").cache().orElseThrow();
        assertThat(eval.backend()).isEqualTo("redis");
        assertThat(eval.shared()).isTrue();
        assertThat(eval.maxEntryBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void theRedisBackendNeedsTheRedisStateBackendAndIsNotSetPerRoute() {
        ConfigProblems problems = new ConfigProblems();
        assertThat(read(String.join("\n",
                "switchboard {",
                "  providers.openai {}",
                "  cache { backend = redis }",
                "  routes.default { targets = [ openai ], cache { backend = memory } }",
                "}"), problems)).isEmpty();
        ConfigProblems unknown = new ConfigProblems();
        read(String.join("\n", "switchboard {", "  providers.openai {}", "  cache.backend = disk", "}"), unknown);

        assertThat(problems.lines()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains(":3:", "switchboard.cache.backend",
                        "redis needs switchboard.state.backend = redis", "the state backend is memory"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "switchboard.routes.default.cache.backend",
                        "unknown key"));
        assertThat(unknown.lines()).singleElement().asString().contains(":3:", "switchboard.cache.backend",
                "must be memory or redis, was 'disk'");
    }

    private static Optional<SwitchboardConfig> read(String hocon, ConfigProblems problems) {
        ClassLoader loader = CacheConfigTest.class.getClassLoader();
        SwitchboardConfigLoader.Loaded loaded = SwitchboardConfigLoader.load(new SwitchboardConfigLoader.TextInput(hocon),
                List.of(DiscoverySource.classpath(loader)), Map.of(), problems).orElseThrow();
        return new SwitchboardConfigReader(loaded, ProviderDiscovery.discover(loader), Map.of(), problems, List.of()).read();
    }
}
