package dev.switchboard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The config file a command reads, and why that one. The first that applies wins: {@code --config FILE}, the
 * variable {@code SWITCHBOARD_CONFIG}, {@code ./switchboard.conf}, the distribution's {@code conf/switchboard.conf}.
 * With none of them only the defaults of the installed jars ({@code reference.conf}) apply. The chosen file is
 * always read over every {@code reference.conf}.
 *
 * @param file the file
 * @param why  how it was chosen, for messages
 */
record ConfigSource(Path file, String why) {

    static final String ENV = "SWITCHBOARD_CONFIG";
    static final String FILE_NAME = "switchboard.conf";

    ConfigSource {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(why, "why");
    }

    /**
     * @param option the {@code --config} value, or null
     * @return the file to read, or empty for the defaults alone
     */
    static Optional<ConfigSource> locate(Path option, CliEnvironment environment) {
        Path cwd = environment.workingDir();
        if (option != null) {
            return Optional.of(new ConfigSource(cwd.resolve(option), "--config"));
        }
        String named = environment.env().get(ENV);
        if (named != null && !named.isBlank()) {
            return Optional.of(new ConfigSource(cwd.resolve(named.strip()), ENV));
        }
        Path local = cwd.resolve(FILE_NAME);
        if (Files.isRegularFile(local)) {
            return Optional.of(new ConfigSource(local, "the working directory"));
        }
        return environment.home().map(h -> h.resolve("conf").resolve(FILE_NAME)).filter(Files::isRegularFile)
                .map(f -> new ConfigSource(f, "the distribution"));
    }
}
