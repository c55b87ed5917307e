package dev.switchboard.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles small Java sources into a jar, for plugins built inside a test. */
final class PluginJars {

    private PluginJars() {}

    /**
     * Compiles {@code sources} (class name to source text) against {@code classPath} and jars the classes together
     * with {@code resources} (path in the jar to text).
     */
    static Path build(Path work, String name, Map<String, String> sources, List<Path> classPath,
                      Map<String, String> resources) {
        try {
            Path src = Files.createDirectories(work.resolve(name + "-src"));
            Path classes = Files.createDirectories(work.resolve(name + "-classes"));
            List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-classpath",
                    String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList())));
            for (Map.Entry<String, String> s : sources.entrySet()) {
                Path file = src.resolve(s.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, s.getValue());
                args.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new IllegalStateException("the tests need a JDK (no system Java compiler in " + System.getProperty("java.home") + ")");
            }
            int status = javac.run(null, null, null, args.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException("compiling " + name + " failed (javac exit " + status + ")");
            }
            Path jar = work.resolve(name + ".jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    add(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                }
                for (Map.Entry<String, String> r : resources.entrySet()) {
                    add(out, r.getKey(), r.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    /** The jars of the distribution's lib/, to compile plugins against (they need only the API). */
    static List<Path> libJars(Path home) {
        try (Stream<Path> s = Files.list(home.resolve("lib"))) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
