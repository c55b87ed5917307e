package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.spi.ToolProvider;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery on the module path: a forked JVM runs a small named module that requires only
 * {@code dev.switchboard.runtime}; the five bundled providers are on the module path, each in its own module, and are
 * found through their {@code provides} clauses (service binding), with nothing on the class path.
 */
class ModulePathDiscoveryTest {

    /** The modules (and their libraries) the probe needs; everything else on the test class path stays out. */
    private static final List<String> ALLOWED_PREFIXES = List.of("dev.switchboard.api", "dev.switchboard.runtime",
            "dev.switchboard.provider.", "com.fasterxml.jackson.", "org.apache.httpcomponents.", "typesafe.config",
            "org.slf4j");

    @TempDir
    Path dir;

    /** Provider type -> the module that must provide it. */
    private static final Map<String, String> BUNDLED = new TreeMap<>(Map.of(
            "openai", "dev.switchboard.provider.openai",
            "groq", "dev.switchboard.provider.groq",
            "together", "dev.switchboard.provider.together",
            "azure-openai", "dev.switchboard.provider.azure",
            "ollama", "dev.switchboard.provider.ollama"));

    @Test
    void findsTheFiveBundledProvidersInTheirOwnModulesOnTheModulePath() throws Exception {
        // given
        // java.util.spi.ToolProvider (java.base) rather than javax.tools, which this module's tests cannot read
        Optional<ToolProvider> javac = ToolProvider.findFirst("javac");
        assumeTrue(javac.isPresent(), "needs a JDK to compile the probe module");
        Map<String, Path> modules = modulePathEntries();
        assertThat(modules).containsKeys("dev.switchboard.api", "dev.switchboard.runtime", "typesafe.config");
        assertThat(modules).containsKeys(BUNDLED.values().toArray(String[]::new));
        String modulePath = String.join(File.pathSeparator, modules.values().stream().map(Path::toString).toList());
        Path probe = compileProbe(javac.get(), modulePath);

        // when
        Process process = new ProcessBuilder(javaExecutable(), "--module-path", modulePath + File.pathSeparator + probe,
                "-m", "switchboard.probe/probe.Main")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(out, StandardCharsets.UTF_8);

        // then
        assertThat(exited).as("the probe finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("runtime in module dev.switchboard.runtime")
                .contains("route default over openai")
                .contains("default model gpt-4o-mini");
        BUNDLED.forEach((type, module) -> assertThat(output)
                .contains("type " + type + " in module " + module + " from ")
                .contains("provider " + type + " of type " + type));
    }

    /** The test class path entries that are modules the probe needs, by module name. */
    private static Map<String, Path> modulePathEntries() {
        Map<String, Path> modules = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            moduleName(path).filter(name -> ALLOWED_PREFIXES.stream().anyMatch(name::startsWith))
                    .ifPresent(name -> modules.putIfAbsent(name, path));
        }
        return modules;
    }

    private static Optional<String> moduleName(Path entry) {
        if (Files.isDirectory(entry) && !Files.exists(entry.resolve("module-info.class"))) {
            return Optional.empty(); // a plain class folder, such as test-classes
        }
        try {
            Set<ModuleReference> found = ModuleFinder.of(entry).findAll();
            return found.size() == 1 ? Optional.of(found.iterator().next().descriptor().name()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // not usable as a module; the probe does not need it
        }
    }

    private Path compileProbe(ToolProvider javac, String modulePath) throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("probe"));
        Files.writeString(src.resolve("module-info.java"),
                "module switchboard.probe { requires dev.switchboard.runtime; }\n");
        Files.writeString(src.resolve("probe/Main.java"), String.join("\n",
                "package probe;",
                "",
                "import dev.switchboard.runtime.DiscoveredType;",
                "import dev.switchboard.runtime.Switchboard;",
                "import java.util.Map;",
                "",
                "public final class Main {",
                "    public static void main(String[] args) {",
                "        String config = \"switchboard.providers { openai {}, groq {}, together {}, ollama {},\\n\"",
                "                + \"  azure-openai { type = azure-openai, endpoint = \\\"https://example-resource.openai.azure.com\\\" } }\\n\"",
                "                + \"switchboard.routes.default.targets = [ openai ]\";",
                "        try (Switchboard sb = Switchboard.builder().config(config).env(Map.of()).build()) {",
                "            System.out.println(\"runtime in module \" + Switchboard.class.getModule().getName());",
                "            for (DiscoveredType t : sb.types()) {",
                "                System.out.println(\"type \" + t.type() + \" in module \"",
                "                        + t.factory().getClass().getModule().getName() + \" from \" + t.source());",
                "            }",
                "            for (String name : new String[] {\"openai\", \"groq\", \"together\", \"azure-openai\", \"ollama\"}) {",
                "                System.out.println(\"provider \" + name + \" of type \" + sb.provider(name).type());",
                "            }",
                "            System.out.println(\"route \" + sb.defaultRoute().name() + \" over \"",
                "                    + sb.defaultRoute().targets().get(0).provider().name());",
                "            String shown = sb.renderConfig(dev.switchboard.runtime.ConfigFormat.JSON);",
                "            if (shown.contains(\"gpt-4o-mini\")) {",
                "                System.out.println(\"default model gpt-4o-mini\");",
                "            }",
                "        }",
                "    }",
                "}",
                ""));
        Path out = dir.resolve("probe-classes");
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve("probe/Main.java").toString()));
        java.io.StringWriter errors = new java.io.StringWriter();
        java.io.PrintWriter printer = new java.io.PrintWriter(errors);
        int status = javac.run(printer, printer, args.toArray(String[]::new));
        printer.flush();
        assertThat(status).as("the probe module compiles: %s", errors).isZero();
        return out;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
