package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.Json;
import dev.switchboard.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs the command in process with an injected environment, capturing standard output and error. */
final class CliHarness {

    /** An obviously fake key; it must never show up in any output. */
    static final String KEY = "test-key-not-real-cli";

    final Path dir;
    final Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", KEY));
    Optional<Path> home = Optional.empty();
    String stdin = "";

    CliHarness(Path dir) {
        this.dir = dir;
    }

    /**
     * What one run left behind.
     *
     * @param flushes standard output's content at each flush that added text
     */
    record Result(int exitCode, String out, String err, List<String> flushes) {
        JsonNode json() {
            return Json.parse(out, "standard output");
        }
    }

    Result run(String... args) {
        FlushRecordingWriter out = new FlushRecordingWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = new CliEnvironment(env, dir, home,
                () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
        int code = new Cli(environment, new PrintWriter(out), new PrintWriter(err)).run(args);
        return new Result(code, out.toString(), err.toString(), out.flushes);
    }

    /** Writes {@code lines} to {@code name} in the test directory. */
    Path file(String name, String... lines) {
        try {
            Path f = dir.resolve(name);
            Files.createDirectories(f.getParent());
            Files.writeString(f, String.join("\n", lines) + "\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer text a recorded stream carries: its content deltas joined. */
    static String streamedText(String fixture) {
        StringBuilder sb = new StringBuilder();
        for (String line : Fixtures.load(fixture).split("\n")) {
            if (line.startsWith("data: {")) {
                for (JsonNode choice : Json.parse(line.substring(6), "chunk").path("choices")) {
                    sb.append(choice.path("delta").path("content").asText(""));
                }
            }
        }
        return sb.toString();
    }

    /** A writer that remembers what it held each time it was flushed with new text. */
    private static final class FlushRecordingWriter extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final List<String> flushes = new ArrayList<>();

        @Override
        public void write(char[] cbuf, int off, int len) {
            text.append(cbuf, off, len);
        }

        @Override
        public void flush() {
            String now = text.toString();
            if (flushes.isEmpty() ? !now.isEmpty() : !now.equals(flushes.get(flushes.size() - 1))) {
                flushes.add(now);
            }
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
