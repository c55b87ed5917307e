package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The boundaries DESIGN.md draws: a provider module depends on the api alone (never on the runtime or another
 * provider), in its pom and in its module descriptor. Reads the sibling modules' sources from the reactor.
 */
class ModuleBoundariesTest {

    private static final Path REACTOR = Path.of("").toAbsolutePath().getParent();
    private static final Pattern REQUIRES = Pattern.compile("^\\s*requires\\s+(?:transitive\\s+|static\\s+)*([\\w.]+)\\s*;",
            Pattern.MULTILINE);
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>dev\\.switchboard</groupId>\\s*<artifactId>([\\w-]+)</artifactId>(.*?)</dependency>",
            Pattern.DOTALL);

    private static List<Path> providerModules() throws IOException {
        try (Stream<Path> s = Files.list(REACTOR)) {
            return s.filter(p -> p.getFileName().toString().startsWith("provider-") && Files.isDirectory(p)).sorted().toList();
        }
    }

    @Test
    void everyProviderModuleRequiresTheApiAlone() throws IOException {
        List<Path> providers = providerModules();
        assertThat(providers).as("provider modules next to %s", REACTOR).hasSizeGreaterThanOrEqualTo(5);
        for (Path module : providers) {
            String descriptor = Files.readString(module.resolve("src/main/java/module-info.java"));
            Matcher m = REQUIRES.matcher(descriptor);
            while (m.find()) {
                assertThat(m.group(1)).as("%s requires", module.getFileName())
                        .satisfiesAnyOf(r -> assertThat(r).isEqualTo("dev.switchboard.api"), r -> assertThat(r).startsWith("java."));
            }
        }
    }

    @Test
    void noProviderModuleDependsOnTheRuntimeOrAnotherProviderOutsideItsTests() throws IOException {
        for (Path module : providerModules()) {
            Matcher m = DEPENDENCY.matcher(Files.readString(module.resolve("pom.xml")));
            while (m.find()) {
                String artifact = m.group(1);
                boolean testScope = m.group(2).contains("<scope>test</scope>");
                if (!testScope) {
                    assertThat(artifact).as("%s depends on", module.getFileName()).isEqualTo("switchboard-api");
                }
            }
        }
    }
}
