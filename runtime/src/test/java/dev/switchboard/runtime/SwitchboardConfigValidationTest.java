package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.runtime.testplugins.RecordingFactory;
import dev.switchboard.runtime.testplugins.RecordingProvider;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every problem is one line naming the file, the line, the full key path, and what to do. */
class SwitchboardConfigValidationTest {

    private static final String INSTALLED = "installed types: " + String.join(", ", ClassPathTypes.plus("recording", "rejecting"));

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

    static Stream<Arguments> singleProblems() {
        return Stream.of(
                Arguments.of("unknown type", new String[] {
                        "switchboard.providers {",
                        "  main {",
                        "    type = \"nope\"",
                        "  }",
                        "}"},
                        3, "switchboard.providers.main.type", "unknown provider type 'nope'; " + INSTALLED),
                Arguments.of("missing type on a block not named after a type", new String[] {
                        "switchboard.providers {",
                        "  mine {",
                        "    model = \"m\"",
                        "  }",
                        "}"},
                        2, "switchboard.providers.mine.type", "missing: 'mine' is not a provider type"),
                Arguments.of("bad duration", new String[] {
                        "switchboard.providers.recording {",
                        "  timeouts {",
                        "    connect = \"ten seconds\"",
                        "  }",
                        "}"},
                        3, "switchboard.providers.recording.timeouts.connect",
                        "'ten seconds' is not a duration; write a number and a unit"),
                Arguments.of("list where a string belongs", new String[] {
                        "switchboard.providers.recording {",
                        "  model = [ \"a\", \"b\" ]",
                        "}"},
                        2, "switchboard.providers.recording.model", "must be a string, not a list"),
                Arguments.of("zero timeout", new String[] {
                        "switchboard.providers.recording {",
                        "  api-key = \"test-key-not-real\"",
                        "  timeouts.idle = 0s",
                        "}"},
                        3, "switchboard.providers.recording.timeouts.idle", "must be positive, was 0s"),
                Arguments.of("negative timeout", new String[] {
                        "switchboard.providers.recording {",
                        "  timeouts.total = -5s",
                        "}"},
                        2, "switchboard.providers.recording.timeouts.total", "must be positive, was -5s"),
                Arguments.of("timeouts not a block", new String[] {
                        "switchboard.providers.recording {",
                        "  timeouts = 5s",
                        "}"},
                        2, "switchboard.providers.recording.timeouts", "must be a block { ... }, not the string '5s'"),
                Arguments.of("negative max-retries", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ \"recording\" ]",
                        "    retry.max-retries = -1",
                        "  }",
                        "}"},
                        5, "switchboard.routes.default.retry.max-retries", "must be at least 0, was -1"),
                Arguments.of("max-retries not a number", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ \"recording\" ]",
                        "    retry {",
                        "      max-retries = \"lots\"",
                        "    }",
                        "  }",
                        "}"},
                        6, "switchboard.routes.default.retry.max-retries", "'lots' is not a whole number"),
                Arguments.of("multiplier below 1", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ \"recording\" ]",
                        "    retry.multiplier = 0.5",
                        "  }",
                        "}"},
                        5, "switchboard.routes.default.retry.multiplier", "must be at least 1, was 0.5"),
                Arguments.of("cooldown threshold below 1", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ \"recording\" ]",
                        "    cooldown.failure-threshold = 0",
                        "  }",
                        "}"},
                        5, "switchboard.routes.default.cooldown.failure-threshold", "must be at least 1, was 0"),
                Arguments.of("route naming an unknown provider", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = [ \"recording\",",
                        "                \"ghost/model-x\" ]",
                        "  }",
                        "}"},
                        5, "switchboard.routes.default.targets",
                        "target 'ghost/model-x' names no configured provider ('ghost' is none); configured providers:"
                                + " recording"),
                Arguments.of("empty targets", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    targets = []",
                        "  }",
                        "}"},
                        4, "switchboard.routes.default.targets", "is empty; list at least one provider"),
                Arguments.of("route without targets", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  routes.default {",
                        "    retry.max-retries = 1",
                        "  }",
                        "}"},
                        3, "switchboard.routes.default.targets", "missing; list the providers to try in order"),
                Arguments.of("default route naming an unknown route", new String[] {
                        "switchboard {",
                        "  default-route = \"main\"",
                        "  providers.recording {}",
                        "  routes.fast { targets = [ \"recording\" ] }",
                        "}"},
                        2, "switchboard.default-route", "names no configured route 'main'; configured routes: fast"),
                Arguments.of("headers not a block", new String[] {
                        "switchboard.providers.recording {",
                        "  headers = \"X-Team: search\"",
                        "}"},
                        2, "switchboard.providers.recording.headers", "must be a block { ... }, not the string"),
                Arguments.of("header value not a string", new String[] {
                        "switchboard.providers.recording {",
                        "  headers {",
                        "    X-Trace.Id = \"abc\"",
                        "  }",
                        "}"},
                        3, "switchboard.providers.recording.headers.X-Trace",
                        "a header value must be a string, not a block; quote header names that contain dots"),
                Arguments.of("http pool limit below 1", new String[] {
                        "switchboard.http {",
                        "  max-connections = 0",
                        "}"},
                        2, "switchboard.http.max-connections", "must be at least 1, was 0"),
                Arguments.of("base-url that is not http", new String[] {
                        "switchboard.providers.recording {",
                        "  base-url = \"api.example.test/v1\"",
                        "}"},
                        2, "switchboard.providers.recording.base-url", "is not an http:// or https:// URL"),
                Arguments.of("misspelt top-level key", new String[] {
                        "switchboard {",
                        "  providers.recording {}",
                        "  route.default { targets = [ \"recording\" ] }",
                        "}"},
                        3, "switchboard.route", "unknown key; did you mean 'routes'? (known keys: cache, default-route, http"),
                Arguments.of("substitution that cannot be resolved", new String[] {
                        "switchboard.providers.recording {",
                        "  api-key = ${SWITCHBOARD_TEST_UNSET_VARIABLE}",
                        "}"},
                        2, "switchboard.providers.recording.api-key",
                        "cannot resolve ${SWITCHBOARD_TEST_UNSET_VARIABLE}; set the variable or key it names"),
                Arguments.of("provider name with a slash", new String[] {
                        "switchboard.providers {",
                        "  \"team/a\" { type = recording }",
                        "}"},
                        2, "switchboard.providers.\"team/a\"", "a provider name cannot contain '/'"),
                Arguments.of("provider named as the ledger counts cache hits", new String[] {
                        "switchboard.providers {",
                        "  cache { type = recording }",
                        "}"},
                        2, "switchboard.providers.cache", "the name 'cache' is reserved"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleProblems")
    void reportsTheProblemWithItsFileLineAndKeyPath(String name, String[] lines, int line, String path, String what) {
        // given
        Path file = TestPlugins.config(dir, lines);

        // when
        List<String> problems = builder(file).check();

        // then
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p).startsWith(file + ":" + line + ": " + path + ": ");
            assertThat(p).contains(what);
            assertThat(p).doesNotContain("\n");
        });
        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOfSatisfying(SwitchboardConfigException.class,
                        e -> assertThat(e.problems()).isEqualTo(problems));
    }

    @Test
    void reportsASyntaxErrorWithItsLine() {
        // given
        Path file = TestPlugins.config(dir,
                "switchboard.providers {",
                "  recording {",
                "    model = \"m\" ]",
                "  }",
                "}");

        // when
        List<String> problems = builder(file).check();

        // then
        assertThat(problems).singleElement().satisfies(p -> assertThat(p).startsWith(file + ":3: "));
    }

    @Test
    void reportsAMissingFile() {
        // given
        Path file = dir.resolve("nowhere.conf");

        // when / then
        assertThat(builder(file).check()).singleElement()
                .satisfies(p -> assertThat(p).startsWith(file + ": the config file does not exist"));
    }

    @Test
    void reportsAFactoryRefusingItsBlockAtTheBlock() {
        // given
        Path file = TestPlugins.config(dir,
                "switchboard.providers {",
                "  eu {",
                "    type = rejecting",
                "    region = \"mars\"",
                "  }",
                "}");

        // when / then: the factory only speaks when it is asked to create, so check() cannot see this
        assertThat(builder(file).check()).isEmpty();
        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOfSatisfying(SwitchboardConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":2: switchboard.providers.eu: region 'mars' is not served; use eu or us"));
    }

    @Test
    void reportsAFactoryMissingAClassAsAProblemNamingTheClassAndWhatToDo() {
        // given: a factory that uses a library it did not bring (it compiled against the host's copy)
        Path file = TestPlugins.config(dir,
                "switchboard.providers.eu {",
                "  type = rejecting",
                "  missing-library = true",
                "}");

        // when / then: one problem at the block, not an Error escaping with its stack trace
        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOfSatisfying(SwitchboardConfigException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .startsWith(file + ":1: switchboard.providers.eu: provider type rejecting (")
                        .contains("could not load class com.example.unbundled.Library")
                        .contains("bundle the library that has it"));
    }

    @Test
    void reportsAProviderOptionOfTheWrongTypeAtItsOwnLine() {
        // given: the rejecting factory reads careless as a boolean
        Path file = TestPlugins.config(dir,
                "switchboard.providers.eu {",
                "  type = rejecting",
                "  careless = { very = true }",
                "}");

        // when / then
        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOfSatisfying(SwitchboardConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":3: switchboard.providers.eu.careless: must be true or false, not a block"));
    }

    @Test
    void keepsTheKeyOutOfAFactorysMessage() {
        // given a factory that puts the key in its message
        Path file = TestPlugins.config(dir,
                "switchboard.providers.eu {",
                "  type = rejecting",
                "  api-key = \"test-key-not-real\"",
                "  careless = true",
                "}");

        // when / then
        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(SwitchboardConfigException.class)
                .hasMessageContaining("(key ****)")
                .hasMessageNotContaining("test-key-not-real");
    }

    @Test
    void closesWhatItCreatedWhenAFactoryRefusesItsBlock() {
        // given a valid provider, sorted before one its factory refuses
        String marker = UUID.randomUUID().toString();
        Path file = TestPlugins.config(dir,
                "switchboard.providers {",
                "  a-first { type = recording, marker = \"" + marker + "\" }",
                "  b-refused { type = rejecting }",
                "}");

        // when
        assertThatThrownBy(() -> builder(file).build()).isInstanceOf(SwitchboardConfigException.class);

        // then
        List<RecordingProvider> created = RecordingFactory.createdWith(marker);
        assertThat(created).singleElement().satisfies(p -> {
            assertThat(p.closeCount()).isEqualTo(1);
            assertThat(p.context().http().isClosed()).isTrue();
        });
    }

    @Test
    void reportsEveryProblemAtOnceInFileOrder() {
        // given
        Path file = TestPlugins.config(dir,
                "switchboard {",                                    // 1
                "  providers {",                                    // 2
                "    main { type = \"nope\" }",                     // 3
                "    recording {",                                  // 4
                "      timeouts.connect = \"soon\"",                // 5
                "      timeouts.idle = 0s",                         // 6
                "      headers = [ \"X-A\" ]",                      // 7
                "    }",                                            // 8
                "  }",                                              // 9
                "  routes {",                                       // 10
                "    default {",                                    // 11
                "      targets = [ \"recording\", \"ghost\" ]",     // 12
                "      retry { max-retries = -2, multiplier = 0 }", // 13
                "    }",                                            // 14
                "    spare { targets = [] }",                       // 15
                "  }",                                              // 16
                "}");

        // when
        SwitchboardConfigException e = (SwitchboardConfigException) org.assertj.core.api.Assertions
                .catchThrowable(() -> builder(file).build());

        // then
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(8);
        assertThat(e.problems()).extracting(p -> p.substring(file.toString().length() + 1, p.indexOf(": ")))
                .containsExactly("3", "5", "6", "7", "12", "13", "13", "15");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
        assertThat(e.problems()).allSatisfy(p -> assertThat(p).startsWith(file + ":").doesNotContain("\n"));
    }

    @Test
    void reportsEverySubstitutionThatCannotBeResolved() {
        // given
        Path file = TestPlugins.config(dir,
                "switchboard.providers.recording {",
                "  api-key = ${SWITCHBOARD_TEST_UNSET_KEY}",
                "  base-url = \"https://\"${SWITCHBOARD_TEST_UNSET_HOST}\"/v1\"",
                "  model = ${?SWITCHBOARD_TEST_UNSET_OPTIONAL}",
                "}");
        Switchboard.Builder builder = builder(file);

        // when
        List<String> problems = builder.check();

        // then: the optional one is simply unset
        assertThat(problems).satisfiesExactly(
                p -> assertThat(p).startsWith(file + ":2: switchboard.providers.recording.api-key: cannot resolve")
                        .contains("SWITCHBOARD_TEST_UNSET_KEY"),
                p -> assertThat(p).startsWith(file + ":3: switchboard.providers.recording.base-url: cannot resolve")
                        .contains("SWITCHBOARD_TEST_UNSET_HOST"));
        assertThat(builder.render(ConfigFormat.HOCON)).contains("SWITCHBOARD_TEST_UNSET_KEY");
    }

    @Test
    void saysSoWhenNoProviderTypeIsInstalled() throws IOException {
        // given a loader that sees no provider jar (nor the runtime's own reference.conf)
        try (URLClassLoader bare = new URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader())) {
            Path file = TestPlugins.config(dir, "switchboard.providers.openai {}");

            // when
            List<String> problems = Switchboard.builder().config(file).env(Map.of()).classLoader(bare).check();

            // then
            assertThat(problems).containsExactly(file + ":1: switchboard.providers.openai.type: missing: 'openai' is"
                    + " not a provider type, so the block must say which it is with type = ...; no provider types are"
                    + " installed (add a provider jar such as switchboard-provider-openai)");
        }
    }
}
