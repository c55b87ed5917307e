package dev.switchboard.runtime.config;

import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.plugins.DiscoverySource;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the user's configuration over every {@code reference.conf} on the class path and resolves substitutions,
 * with environment variables taken from a map (not the process) so that tests can inject them.
 */
public final class SwitchboardConfigLoader {

    public static final String ROOT = "switchboard";
    static final String CONFIG_ENV = "SWITCHBOARD_CONFIG";
    static final String DEFAULT_FILE = "switchboard.conf";

    /** What the user gave: a file, an already parsed config, HOCON text, or nothing (references only). */
    public sealed interface Input permits FileInput, ParsedInput, TextInput, NoInput {}

    public record FileInput(Path file) implements Input {
        public FileInput {
            Objects.requireNonNull(file, "file");
        }
    }

    public record ParsedInput(Config config) implements Input {
        public ParsedInput {
            Objects.requireNonNull(config, "config");
        }
    }

    public record TextInput(String hocon) implements Input {
        public TextInput {
            Objects.requireNonNull(hocon, "hocon");
        }
    }

    public record NoInput() implements Input {}

    /**
     * A loaded configuration.
     *
     * @param reference the merged {@code reference.conf} files, unresolved (to tell known keys from typos)
     * @param resolved  the user's config over the references, substitutions resolved where they could be
     * @param user      the user's config alone, as written (unresolved), to point at where it says something
     */
    public record Loaded(Config reference, Config resolved, Config user) {}

    private SwitchboardConfigLoader() {}

    /**
     * Where {@link Switchboard#load()} reads its file: the path in {@code SWITCHBOARD_CONFIG}, else
     * {@code switchboard.conf} in {@code workingDir} when it exists, else none.
     */
    public static Optional<Path> locate(Map<String, String> env, Path workingDir) {
        String named = env.get(CONFIG_ENV);
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named.strip()));
        }
        Path local = workingDir.resolve(DEFAULT_FILE);
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }

    /** Loads {@code input}; on a problem that leaves nothing to validate, records it and returns empty. */
    public static Optional<Loaded> load(Input input, List<DiscoverySource> sources, Map<String, String> env,
                                 ConfigProblems problems) {
        try {
            Optional<Config> user = parse(input, problems);
            if (user.isEmpty()) {
                return Optional.empty();
            }
            Config reference = references(sources);
            // Variables are the last fallback, as Typesafe's own ${?VAR} lookup is; fromMap takes names as keys,
            // not paths. Only the switchboard subtree is ever read or shown, so they never leak into output.
            Config environment = ConfigValueFactory.fromMap(env, "environment variables").toConfig();
            Config resolved = user.get().withFallback(reference).withFallback(environment).resolve(
                    ConfigResolveOptions.defaults().setUseSystemEnvironment(false).setAllowUnresolved(true));
            reportUnresolved(resolved, problems);
            DroppedEntries.report(user.get(), resolved, problems);
            return Optional.of(new Loaded(reference, resolved, user.get()));
        } catch (ConfigException e) {
            problems.add(e.origin(), ConfigFields.describe(e));
            return Optional.empty();
        }
    }

    /** Every reference.conf the class path has, then each plugin's own (its loader sees only its jars). */
    private static Config references(List<DiscoverySource> sources) {
        Config reference = ConfigFactory.empty();
        for (DiscoverySource source : sources) {
            reference = reference.withFallback(source.plugin()
                    ? ConfigFactory.parseResourcesAnySyntax(source.loader(), "reference.conf")
                    : ConfigFactory.defaultReferenceUnresolved(source.loader()));
        }
        return reference;
    }

    private static Optional<Config> parse(Input input, ConfigProblems problems) {
        if (input instanceof FileInput f) {
            if (!Files.isRegularFile(f.file())) {
                problems.addAt(f.file().toString(), "the config file does not exist or is not a file; check the path"
                        + " (or " + CONFIG_ENV + ")");
                return Optional.empty();
            }
            return Optional.of(ConfigFactory.parseFile(f.file().toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false)));
        } else if (input instanceof ParsedInput p) {
            return Optional.of(p.config());
        } else if (input instanceof TextInput t) {
            return Optional.of(ConfigFactory.parseString(t.hocon(),
                    ConfigParseOptions.defaults().setOriginDescription("switchboard config text")));
        }
        return Optional.of(ConfigFactory.empty());
    }

    /** Reports every substitution under {@code switchboard} that did not resolve, where it is written. */
    private static void reportUnresolved(Config resolved, ConfigProblems problems) {
        ConfigValue root = resolved.root().get(ROOT);
        if (root != null) {
            walk(root, ROOT, problems);
        }
    }

    private static void walk(ConfigValue value, String path, ConfigProblems problems) {
        try {
            if (value instanceof ConfigObject o) {
                for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                    walk(e.getValue(), path + "." + ConfigFields.join(e.getKey()), problems);
                }
            } else if (value instanceof ConfigList l) {
                for (int i = 0; i < l.size(); i++) {
                    walk(l.get(i), path + "[" + i + "]", problems);
                }
            } else {
                value.valueType();
            }
        } catch (ConfigException.NotResolved e) {
            problems.add(value.origin(), path, "cannot resolve " + value.render()
                    + "; set the variable or key it names, or write ${?NAME} to make it optional");
        }
    }
}
