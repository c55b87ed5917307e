package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.PriceTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** switchboard.pricing, providers.<name>.limits and routes.<name>.budget: read, applied, and checked line by line. */
class CostConfigTest {

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

    private Switchboard.Builder builder(Path file) {
        return Switchboard.builder().config(file).env(Map.of()).classLoader(plugins);
    }

    @Test
    void readsLimitsBudgetsAndPricesAndLayersUserPricesOverTheShippedTables() {
        Path file = TestPlugins.config(dir,
                "switchboard {",
                "  providers {",
                "    openai { api-key = \"test-key-not-real\", limits { requests-per-minute = 60, tokens-per-minute = 150000000,",
                "                                                 max-wait = 2s, default-output-tokens = 512 } }",
                "    recording {}",
                "  }",
                "  routes.default { targets = [ openai, recording ], budget { amount = 5.00, period = 1d } }",
                "  pricing {",
                "    \"openai/gpt-4o-mini\".input = 0.20",
                "    \"recording/*\" { input = 1, output = \"2.5\" }",
                "  }",
                "}");

        try (Switchboard sb = builder(file).build()) {
            assertThat(sb.rateLimiter("openai").policy())
                    .isEqualTo(new LimitPolicy(60, 150_000_000L, Duration.ofSeconds(2), 512));
            assertThat(sb.rateLimiter("recording").policy()).isEqualTo(LimitPolicy.NONE);
            assertThat(sb.route("default").budget()).hasValueSatisfying(b -> {
                assertThat(b.limit().amount()).isEqualByComparingTo("5.00");
                assertThat(b.limit().period()).isEqualTo(Duration.ofDays(1));
            });
            // The user's input price over the shipped table's cached-input and output.
            assertThat(sb.pricing().find("openai", "gpt-4o-mini-2024-07-18", null)).hasValueSatisfying(p -> {
                assertThat(p.input()).isEqualByComparingTo("0.20");
                assertThat(p.cachedInput()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.075"));
                assertThat(p.output()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.60"));
            });
            assertThat(sb.pricing().cost("recording", "anything", null, Usage.of(1_000_000, 2_000_000)))
                    .isEqualTo(Cost.usd("6"));
        }
    }

    @Test
    void shipsPricesForEveryBundledProviderType() {
        try (Switchboard sb = builder(TestPlugins.config(dir, "switchboard.providers {",
                "  openai.api-key = \"test-key-not-real\"",
                "  groq.api-key = \"test-key-not-real\"",
                "  together.api-key = \"test-key-not-real\"",
                "  azure { type = azure-openai, endpoint = \"https://example.openai.azure.com\", api-key = \"test-key-not-real\" }",
                "  ollama {}",
                "}")).build()) {
            PriceTable t = sb.pricing();

            // 1000 input and 1000 output tokens, by hand from each table.
            Usage u = Usage.of(1000, 1000);
            assertThat(t.cost("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini", u)).isEqualTo(Cost.usd("0.00075"));
            assertThat(t.cost("groq", "llama-3.1-8b-instant", null, u)).isEqualTo(Cost.usd("0.00013"));
            assertThat(t.cost("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", null, u)).isEqualTo(Cost.usd("0.00176"));
            assertThat(t.cost("azure", "gpt-4o-2024-11-20", "my-gpt4o-deployment", u)).isEqualTo(Cost.usd("0.0125"));
            assertThat(t.cost("ollama", "llama3.2", null, u)).isEqualTo(Cost.ZERO);
            assertThat(t.cost("openai", "text-embedding-3-small", null, Usage.of(1000, 0))).isEqualTo(Cost.usd("0.00002"));
        }
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("requests-per-minute below 1", new String[] {
                        "switchboard.providers.recording {",
                        "  limits {",
                        "    requests-per-minute = 0",
                        "  }",
                        "}"},
                        3, "switchboard.providers.recording.limits.requests-per-minute", "must be at least 1, was 0"),
                Arguments.of("tokens-per-minute not a number", new String[] {
                        "switchboard.providers.recording {",
                        "  limits.tokens-per-minute = lots",
                        "}"},
                        2, "switchboard.providers.recording.limits.tokens-per-minute", "'lots' is not a whole number"),
                Arguments.of("negative max-wait", new String[] {
                        "switchboard.providers.recording {",
                        "  limits.max-wait = -1s",
                        "}"},
                        2, "switchboard.providers.recording.limits.max-wait", "must be zero or more, was -1s"),
                Arguments.of("misspelt limit", new String[] {
                        "switchboard.providers.recording {",
                        "  limits {",
                        "    requests-per-min = 10",
                        "  }",
                        "}"},
                        3, "switchboard.providers.recording.limits.requests-per-min", "unknown key; did you mean"
                                + " 'requests-per-minute'? (known keys: default-output-tokens, max-line-bytes,"),
                Arguments.of("limits not a block", new String[] {
                        "switchboard.providers.recording {",
                        "  limits = 60",
                        "}"},
                        2, "switchboard.providers.recording.limits", "must be a block { ... }, not the number 60"),
                Arguments.of("budget without a period", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ recording ]",
                        "    budget { amount = 5 }",
                        "  }",
                        "}"},
                        5, "switchboard.routes.default.budget.period", "missing; how long a budget period lasts"),
                Arguments.of("budget amount zero", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ recording ]",
                        "    budget {",
                        "      amount = 0",
                        "      period = 1d",
                        "    }",
                        "  }",
                        "}"},
                        6, "switchboard.routes.default.budget.amount", "must be more than zero, was 0"),
                Arguments.of("budget amount not a number", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default { targets = [ recording ]",
                        "    budget.amount = \"five dollars\"",
                        "    budget.period = 1d }",
                        "}"},
                        4, "switchboard.routes.default.budget.amount", "'five dollars' is not a number; write e.g. 0.15"),
                Arguments.of("budget period not a duration", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default { targets = [ recording ]",
                        "    budget { amount = 1, period = daily } }",
                        "}"},
                        4, "switchboard.routes.default.budget.period", "'daily' is not a duration"),
                Arguments.of("budget period in weeks, which durations have no unit for", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default { targets = [ recording ]",
                        "    budget { amount = 1, period = 1w } }",
                        "}"},
                        4, "switchboard.routes.default.budget.period", "'1w' is not a duration; write a number and a"
                                + " unit, e.g. 1h, 1d, 7d (a week) or 30d (a month)"),
                Arguments.of("a budget for every route", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  route-defaults.budget { amount = 1, period = 1d }",
                        "}"},
                        3, "switchboard.route-defaults.budget", "a budget belongs to one route"),
                Arguments.of("price not a block", new String[] {
                        "switchboard.pricing {",
                        "  \"openai/gpt-4o\" = 2.50",
                        "}"},
                        2, "switchboard.pricing.\"openai/gpt-4o\"", "must be a block { input = ..., cached-input = ...,"
                                + " output = ... } in US dollars per million tokens, not the number 2.5"),
                Arguments.of("negative price", new String[] {
                        "switchboard.pricing {",
                        "  \"mine/model\" {",
                        "    input = 1",
                        "    output = -3",
                        "  }",
                        "}"},
                        4, "switchboard.pricing.\"mine/model\".output", "must be zero or more, was -3"),
                Arguments.of("price without input", new String[] {
                        "switchboard.pricing {",
                        "  \"mine/model\" { output = 3 }",
                        "}"},
                        2, "switchboard.pricing.\"mine/model\".input", "missing; the price in US dollars per million"
                                + " input tokens"),
                Arguments.of("model name with a dot left unquoted", new String[] {
                        "switchboard.pricing {",
                        "  openai/gpt-4.1 { input = 2.00, output = 8.00 }",
                        "}"},
                        2, "switchboard.pricing.\"openai/gpt-4\".1", "unknown key; known keys: cached-input, input,"
                                + " output; a key with dots must be quoted, e.g. \"openai/gpt-4.1\""),
                Arguments.of("price not a number", new String[] {
                        "switchboard.pricing {",
                        "  \"mine/model\" { input = cheap }",
                        "}"},
                        2, "switchboard.pricing.\"mine/model\".input", "'cheap' is not a number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void reportsTheProblemWithItsFileLineAndKeyPath(String name, String[] lines, int line, String path, String what) {
        Path file = TestPlugins.config(dir, lines);

        List<String> problems = builder(file).check();

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p).startsWith(file + ":" + line + ": " + path + ": ");
            assertThat(p).contains(what);
            assertThat(p).doesNotContain("\n");
        });
        assertThatThrownBy(() -> builder(file).build()).isInstanceOf(SwitchboardConfigException.class);
    }

    @Test
    void aPriceMayBeWrittenAsAStringToKeepItsDigits() {
        Path file = TestPlugins.config(dir, "switchboard.pricing.\"m\" { input = \"0.000001\", output = 0.1 }");

        try (Switchboard sb = builder(file).build()) {
            assertThat(sb.pricing().entries().get("m").input()).isEqualTo(new BigDecimal("0.000001"));
        }
    }
}
