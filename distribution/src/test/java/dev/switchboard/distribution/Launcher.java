package dev.switchboard.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/switchboard} of an unpacked distribution as a child process, with an environment made
 * from scratch (only PATH and JAVA_HOME of this JVM, plus what a test adds) so that the machine's own keys or
 * config never leak in.
 */
final class Launcher {

    /** The unpacked distribution the build made; tests that change it work on a copy. */
    static final Path BUILT = Path.of(Objects.requireNonNull(System.getProperty("switchboard.dist"),
            "system property switchboard.dist (set by the build)"));
    static final String VERSION = Objects.requireNonNull(System.getProperty("switchboard.version"), "switchboard.version");

    private static final long TIMEOUT_SECONDS = 60;

    final Path home;
    final Map<String, String> env = new HashMap<>();
    Path workingDir;
    String stdin = "";

    Launcher(Path home, Path workingDir) {
        this.home = home;
        this.workingDir = workingDir;
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // state in the test's own folder: the launcher's default is inside the distribution, which other runs copy
        env.put("SWITCHBOARD_DATA_DIR", workingDir.resolve("data").toString());
    }

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) {
        return runScript(home.resolve("bin/switchboard"), args);
    }

    /** Starts the launcher with {@code args} without waiting for it: for a command that runs until stopped. */
    Process start(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/switchboard").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code script} (the launcher, or a link to it) with {@code args}. */
    Result runScript(Path script, String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("switchboard " + String.join(" ", args) + " did not end within "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the built distribution in {@code target}, file modes kept, for a test that changes it. */
    static Path copyOfBuilt(Path target) {
        try {
            Files.walkFileTree(BUILT, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(target.resolve(BUILT.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, target.resolve(BUILT.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the distribution: " + e.getMessage(), e);
        }
    }

    /** Writes a file made of {@code lines}. */
    static Path write(Path file, String... lines) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
