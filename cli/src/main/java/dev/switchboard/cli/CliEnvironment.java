package dev.switchboard.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the command reads from the process, injectable for tests.
 *
 * @param env         the environment variables (config substitutions, {@code SWITCHBOARD_CONFIG}, API keys)
 * @param workingDir  where relative paths and {@code ./switchboard.conf} are resolved
 * @param home        the installation directory, when run from a distribution ({@code -Dswitchboard.home})
 * @param stdin       standard input, opened only when a prompt is read from it
 * @param interactive whether standard input is a terminal (then a hint says how to end the prompt)
 */
record CliEnvironment(Map<String, String> env, Path workingDir, Optional<Path> home, Supplier<InputStream> stdin,
                      boolean interactive) {

    static final String HOME_PROPERTY = "switchboard.home";

    CliEnvironment {
        env = Map.copyOf(env);
        workingDir = workingDir.toAbsolutePath();
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(stdin, "stdin");
    }

    static CliEnvironment system() {
        String home = System.getProperty(HOME_PROPERTY);
        return new CliEnvironment(System.getenv(), Path.of(""),
                home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home).toAbsolutePath()),
                () -> System.in, System.console() != null);
    }

    /** The distribution's plugin directory, {@code <home>/plugins}. */
    Optional<Path> pluginsDirectory() {
        return home.map(h -> h.resolve("plugins"));
    }
}
