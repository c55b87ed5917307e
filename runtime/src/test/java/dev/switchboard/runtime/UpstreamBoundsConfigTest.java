package dev.switchboard.runtime;

import dev.switchboard.runtime.metering.LimitPolicy;
import dev.switchboard.runtime.metering.MeteredProvider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.testplugins.RecordingProvider;
import dev.switchboard.spi.ResponseLimits;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config of upstream bounds: {@code providers.<name>.limits.max-response-bytes}, {@code max-line-bytes},
 * {@code max-stream-bytes} and {@code routes.<name>.resume-prefix-chars}: defaults, overrides, and bad values reported
 * with their file and line.
 */
class UpstreamBoundsConfigTest {

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

    private Switchboard build(String... lines) {
        return builder(TestPlugins.config(dir, lines)).build();
    }

    private Switchboard.Builder builder(Path file) {
        return Switchboard.builder().config(file).env(Map.of()).classLoader(plugins);
    }

    private static MeteredProvider metered(Switchboard sb, String name) {
        return (MeteredProvider) sb.provider(name);
    }

    private static ResponseLimits responseLimits(Switchboard sb, String name) {
        return ((RecordingProvider) metered(sb, name).delegate()).settings().responseLimits();
    }

    @Test
    void everyProviderGetsTheDefaultResponseLimitsAndNoRateLimit() {
        try (Switchboard sb = build("switchboard.providers.recording {}")) {

            assertThat(responseLimits(sb, "recording")).isEqualTo(ResponseLimits.DEFAULTS);
            assertThat(metered(sb, "recording").limiter().policy()).isEqualTo(LimitPolicy.NONE);
        }
    }

    @Test
    void readsResponseLimitsWithUnitsBesideRateLimits() {
        try (Switchboard sb = build(
                "switchboard.providers.recording.limits {",
                "  max-response-bytes = 2MiB",
                "  max-line-bytes = 65536",
                "  max-stream-bytes = 1GiB",
                "  requests-per-minute = 10",
                "}")) {

            assertThat(responseLimits(sb, "recording")).isEqualTo(new ResponseLimits(2L << 20, 64L << 10, 1L << 30));
            assertThat(metered(sb, "recording").limiter().policy().requestsPerMinute()).isEqualTo(10);
        }
    }

    @Test
    void settingOnlyAResponseLimitLeavesTheOthersAtTheirDefaultsAndRateLimitingOff() {
        try (Switchboard sb = build("switchboard.providers.recording.limits.max-line-bytes = 4KiB")) {

            assertThat(responseLimits(sb, "recording"))
                    .isEqualTo(new ResponseLimits(16L << 20, 4L << 10, 64L << 20));
            assertThat(metered(sb, "recording").limiter().policy()).isEqualTo(LimitPolicy.NONE);
        }
    }

    @Test
    void providerDefaultsCommonSetsTheLimitsOfEveryProvider() {
        try (Switchboard sb = build(
                "switchboard {",
                "  provider-defaults-common.limits.max-stream-bytes = 8MiB",
                "  providers { recording {}, second { type = recording, limits.max-stream-bytes = 4MiB } }",
                "}")) {

            assertThat(responseLimits(sb, "recording").maxStreamBytes()).isEqualTo(8L << 20);
            assertThat(responseLimits(sb, "second").maxStreamBytes()).isEqualTo(4L << 20);
        }
    }

    @Test
    void aSizeThatIsNoSizeIsReportedWithItsFileAndLine() {
        Path file = TestPlugins.config(dir,
                "switchboard.providers.recording {",
                "  limits {",
                "    max-response-bytes = \"a lot\"",
                "  }",
                "}");

        List<String> problems = builder(file).check();

        assertThat(problems).containsExactly(file + ":3: switchboard.providers.recording.limits.max-response-bytes:"
                + " 'a lot' is not a size; write a number of bytes or a number and a unit, e.g. 4 MiB or 512 KiB");
    }

    @Test
    void aSizeUnderOneKiBIsReportedWithItsFileAndLine() {
        Path file = TestPlugins.config(dir,
                "switchboard.providers.recording {",
                "  limits.max-line-bytes = 100",
                "  limits.max-stream-bytes = 512B",
                "}");

        List<String> problems = builder(file).check();

        assertThat(problems).containsExactlyInAnyOrder(
                file + ":2: switchboard.providers.recording.limits.max-line-bytes: must be at least 1024 bytes,"
                        + " was 100",
                file + ":3: switchboard.providers.recording.limits.max-stream-bytes: must be at least 1024 bytes,"
                        + " was 512B");
    }

    // --- resume-prefix-chars ---------------------------------------------------------------------------------

    @Test
    void routesBoundTheResumePrefixTo16000CharactersByDefault() {
        try (Switchboard sb = build(
                "switchboard {",
                "  providers.recording {}",
                "  routes.default.targets = [ recording ]",
                "}")) {

            assertThat(sb.route("default").resumePrefixChars()).isEqualTo(16_000);
            assertThat(sb.providerRoute("recording").resumePrefixChars()).isEqualTo(16_000);
        }
    }

    @Test
    void aRouteOverridesTheRouteDefaults() {
        try (Switchboard sb = build(
                "switchboard {",
                "  providers.recording {}",
                "  route-defaults.resume-prefix-chars = 4000",
                "  routes.default { targets = [ recording ], resume-prefix-chars = 500 }",
                "  routes.other.targets = [ recording ]",
                "}")) {

            assertThat(sb.route("default").resumePrefixChars()).isEqualTo(500);
            assertThat(sb.route("other").resumePrefixChars()).isEqualTo(4000);
            assertThat(sb.providerRoute("recording").resumePrefixChars()).isEqualTo(4000);
        }
    }

    @Test
    void aResumePrefixOfZeroIsReportedWithItsFileAndLine() {
        Path file = TestPlugins.config(dir,
                "switchboard {",
                "  providers.recording {}",
                "  routes.default {",
                "    targets = [ recording ]",
                "    resume-prefix-chars = 0",
                "  }",
                "}");

        List<String> problems = builder(file).check();

        assertThat(problems).containsExactly(
                file + ":5: switchboard.routes.default.resume-prefix-chars: must be at least 1, was 0");
    }
}
