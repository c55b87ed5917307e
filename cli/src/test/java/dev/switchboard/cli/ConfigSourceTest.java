package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

    @TempDir
    Path dir;

    private Path work;
    private Path home;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void layout() throws IOException {
        work = Files.createDirectories(dir.resolve("work"));
        home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve("conf"));
    }

    private Optional<ConfigSource> locate(Path option) {
        return ConfigSource.locate(option, new CliEnvironment(env, work, Optional.of(home),
                () -> new ByteArrayInputStream(new byte[0]), false));
    }

    private static Path touch(Path file) throws IOException {
        return Files.writeString(file, "switchboard {}\n");
    }

    @Test
    void theOptionComesFirstResolvedAgainstTheWorkingDirectory() throws IOException {
        // given every other source exists too
        env.put("SWITCHBOARD_CONFIG", touch(dir.resolve("env.conf")).toString());
        touch(work.resolve("switchboard.conf"));
        touch(home.resolve("conf/switchboard.conf"));

        // then
        assertThat(locate(Path.of("mine.conf"))).contains(new ConfigSource(work.resolve("mine.conf"), "--config"));
    }

    @Test
    void thenTheVariable() throws IOException {
        // given
        Path named = touch(dir.resolve("env.conf"));
        env.put("SWITCHBOARD_CONFIG", named.toString());
        touch(work.resolve("switchboard.conf"));

        // then
        assertThat(locate(null)).contains(new ConfigSource(named, "SWITCHBOARD_CONFIG"));
    }

    @Test
    void thenTheWorkingDirectorysFile() throws IOException {
        // given
        Path local = touch(work.resolve("switchboard.conf"));
        touch(home.resolve("conf/switchboard.conf"));

        // then
        assertThat(locate(null)).contains(new ConfigSource(local, "the working directory"));
    }

    @Test
    void thenTheDistributionsFile() throws IOException {
        // given
        Path shipped = touch(home.resolve("conf/switchboard.conf"));

        // then
        assertThat(locate(null)).contains(new ConfigSource(shipped, "the distribution"));
    }

    @Test
    void elseNoneAndTheDefaultsAlone() {
        assertThat(locate(null)).isEmpty();
    }

    @Test
    void aBlankVariableCountsAsUnset() throws IOException {
        // given
        env.put("SWITCHBOARD_CONFIG", "  ");
        Path shipped = touch(home.resolve("conf/switchboard.conf"));

        // then
        assertThat(locate(null)).contains(new ConfigSource(shipped, "the distribution"));
    }
}
