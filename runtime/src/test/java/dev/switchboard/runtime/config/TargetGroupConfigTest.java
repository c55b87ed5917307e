package dev.switchboard.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.plugins.DiscoverySource;
import dev.switchboard.runtime.plugins.ProviderDiscovery;
import dev.switchboard.runtime.routing.RouteStrategy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code routes.<name>.targets} with target groups: read strictly, each mistake one line with its file:line. */
class TargetGroupConfigTest {

    @Test
    void readsAGroupWithWeightsBesideAPlainTarget() {
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers { azure-eu.type = openai, azure-us.type = openai, openai {} }",
                "  routes.default.targets = [",
                "    { strategy = weighted, targets = [ { target = \"azure-eu\", weight = 3 }, \"azure-us\" ] }",
                "    \"openai/gpt-4o\"",
                "  ]",
                "}"), new ConfigProblems()).orElseThrow();

        assertThat(config.routes().get("default").targets()).containsExactly(
                new RouteConfig.Group(RouteStrategy.WEIGHTED, List.of(
                        new RouteConfig.Member(new RouteConfig.Target("azure-eu", null), 3),
                        new RouteConfig.Member(new RouteConfig.Target("azure-us", null), 1))),
                new RouteConfig.Target("openai", "gpt-4o"));
    }

    @Test
    void readsAFractionalWeightAsWritten() {
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers { a.type = openai, b.type = openai }",
                "  routes.default.targets = [ { strategy = weighted, targets = [ { target = a, weight = 1.5 },",
                "    { target = b, weight = 0.25 } ] } ]",
                "}"), new ConfigProblems()).orElseThrow();

        assertThat(((RouteConfig.Group) config.routes().get("default").targets().get(0)).members())
                .extracting(RouteConfig.Member::weight).containsExactly(1.5, 0.25);
    }

    @Test
    void readsEveryStrategy() {
        SwitchboardConfig config = read(String.join("\n",
                "switchboard {",
                "  providers { a.type = openai, b.type = openai }",
                "  routes.busy.targets = [ { strategy = least-busy, targets = [ a, b ] } ]",
                "  routes.fast.targets = [ { strategy = latency, targets = [ a, \"b/small\" ] } ]",
                "  default-route = busy",
                "}"), new ConfigProblems()).orElseThrow();

        assertThat(((RouteConfig.Group) config.routes().get("busy").targets().get(0)).strategy())
                .isEqualTo(RouteStrategy.LEAST_BUSY);
        RouteConfig.Group fast = (RouteConfig.Group) config.routes().get("fast").targets().get(0);
        assertThat(fast.strategy()).isEqualTo(RouteStrategy.LATENCY);
        assertThat(fast.members()).extracting(RouteConfig.Member::target)
                .containsExactly(new RouteConfig.Target("a", null), new RouteConfig.Target("b", "small"));
    }

    @Test
    void namesAnUnknownStrategyWithItsLineAndTheChoices() {
        assertThat(problems(String.join("\n",
                "switchboard {",
                "  providers { a.type = openai, b.type = openai }",
                "  routes.default.targets = [",
                "    { strategy = round-robin, targets = [ a, b ] }",
                "  ]",
                "}"))).singleElement().asString().contains(":4:", "switchboard.routes.default.targets[0].strategy",
                "unknown strategy 'round-robin'; use one of weighted, least-busy, latency");
    }

    @Test
    void refusesAMissingStrategyAnUnknownKeyAndAnUnknownMember() {
        assertThat(problems(String.join("\n",
                "switchboard {",
                "  providers { a.type = openai, b.type = openai }",
                "  routes.default.targets = [",
                "    { targets = [ a, c ], weights = 2 }",
                "  ]",
                "}"))).hasSize(3).anySatisfy(l -> assertThat(l).contains("targets[0].strategy", "missing"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "targets[0].weights", "unknown key"))
                .anySatisfy(l -> assertThat(l).contains("targets[0].targets", "target 'c' names no configured provider"));
    }

    @Test
    void refusesWeightsOutsideTheWeightedStrategyZeroNegativeOrText() {
        assertThat(problems(String.join("\n",
                "switchboard {",
                "  providers { a.type = openai, b.type = openai }",
                "  routes.r1.targets = [ { strategy = latency, targets = [ { target = a, weight = 2 }, b ] } ]",
                "  routes.r2.targets = [ { strategy = weighted, targets = [ { target = a, weight = 0 }, b ] } ]",
                "  routes.r3.targets = [ { strategy = weighted, targets = [ { target = a, weight = -1.5 }, b ] } ]",
                "  routes.r4.targets = [ { strategy = weighted, targets = [ { target = a, weight = heavy }, b ] } ]",
                "  default-route = r1",
                "}"))).hasSize(4)
                .anySatisfy(l -> assertThat(l).contains(":3:", "switchboard.routes.r1.targets[0].targets[0].weight",
                        "only strategy = weighted uses weights"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "switchboard.routes.r2.targets[0].targets[0].weight",
                        "must be above 0, was 0"))
                .anySatisfy(l -> assertThat(l).contains(":5:", "switchboard.routes.r3.targets[0].targets[0].weight",
                        "must be above 0, was -1.5"))
                .anySatisfy(l -> assertThat(l).contains(":6:", "switchboard.routes.r4.targets[0].targets[0].weight",
                        "'heavy' is not a number"));
    }

    @Test
    void refusesAMemberListedTwiceANestedGroupAndAnEmptyGroup() {
        assertThat(problems(String.join("\n",
                "switchboard {",
                "  providers { a.type = openai, b.type = openai }",
                "  routes.r1.targets = [ { strategy = weighted, targets = [ a, a ] } ]",
                "  routes.r2.targets = [ { strategy = weighted, targets = [ { strategy = latency, targets = [ a ] } ] } ]",
                "  routes.r3.targets = [ { strategy = weighted, targets = [] } ]",
                "  routes.r4.targets = [ { strategy = weighted, targets = [ { weight = 2 } ] } ]",
                "  default-route = r1",
                "}"))).hasSize(4)
                .anySatisfy(l -> assertThat(l).contains(":3:", "member 'a' is listed twice"))
                .anySatisfy(l -> assertThat(l).contains(":4:", "groups do not nest"))
                .anySatisfy(l -> assertThat(l).contains(":5:", "r3.targets[0].targets", "is empty"))
                .anySatisfy(l -> assertThat(l).contains(":6:", "r4.targets[0].targets[0].target", "missing"));
    }

    private static List<String> problems(String hocon) {
        ConfigProblems problems = new ConfigProblems();
        assertThat(read(hocon, problems)).isEmpty();
        return problems.lines();
    }

    private static Optional<SwitchboardConfig> read(String hocon, ConfigProblems problems) {
        ClassLoader loader = TargetGroupConfigTest.class.getClassLoader();
        SwitchboardConfigLoader.Loaded loaded = SwitchboardConfigLoader.load(new SwitchboardConfigLoader.TextInput(hocon),
                List.of(DiscoverySource.classpath(loader)), Map.of(), problems).orElseThrow();
        return new SwitchboardConfigReader(loaded, ProviderDiscovery.discover(loader), Map.of(), problems, List.of()).read();
    }
}
