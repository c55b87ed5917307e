package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.runtime.DiscoveredType;
import dev.switchboard.runtime.DiscoveryProblem;
import dev.switchboard.runtime.ProviderDescription;
import dev.switchboard.runtime.ProviderManager;
import dev.switchboard.runtime.Switchboard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard providers}: the installed provider types (and where each comes from), the configured providers
 * (and whether their key is set), and the routes. A missing key is shown here, not treated as an error: it only
 * matters once a request needs that provider.
 */
@Command(name = "providers",
        description = {"List the installed provider types and where each was loaded from (a plugin folder or the "
                + "class path), the configured providers with their base URL and whether their key is set, and the "
                + "routes."})
final class ProvidersCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @Option(names = "--json", description = "Print {\"types\":[...],\"providers\":[...],\"routes\":[...]} instead.")
    private boolean json;

    /**
     * Where a type was loaded from.
     *
     * @param origin {@code plugin} or {@code classpath}
     * @param source the plugin folder, or the jar (or class folder) on the class path
     * @param jar    the jar (or class folder) holding the factory
     */
    record Origin(String origin, String source, String jar) {

        static Origin of(DiscoveredType type, Optional<Path> pluginsDirectory) {
            try {
                Path jar = Path.of(type.source()).toAbsolutePath().normalize();
                if (pluginsDirectory.isPresent()) {
                    Path plugins = pluginsDirectory.get().toAbsolutePath().normalize();
                    if (jar.startsWith(plugins) && jar.getNameCount() > plugins.getNameCount()) {
                        return new Origin("plugin", plugins.resolve(jar.getName(plugins.getNameCount())).toString(),
                                jar.toString());
                    }
                }
                return new Origin("classpath", jar.toString(), jar.toString());
            } catch (InvalidPathException e) {
                return new Origin("classpath", type.source(), type.source()); // not a file: a label, shown as is
            }
        }

        String describe() {
            return origin.equals("plugin") ? "plugin folder " + source : "class path " + source;
        }
    }

    @Override
    public Integer call() {
        try (Switchboard sb = root.open()) {
            if (json) {
                JsonOutput.write(root.out(), true, j -> json(j.generator(), sb));
            } else {
                text(root.out(), sb);
            }
        }
        return ExitCodes.OK;
    }

    private void json(JsonGenerator g, Switchboard sb) throws IOException {
        Optional<Path> plugins = root.environment().pluginsDirectory();
        g.writeStartObject();
        Optional<ConfigSource> config = root.configSource();
        if (config.isPresent()) {
            g.writeStringField("config", config.get().file().toString());
        } else {
            g.writeNullField("config");
        }
        g.writeArrayFieldStart("types");
        for (DiscoveredType t : sb.types()) {
            Origin o = Origin.of(t, plugins);
            g.writeStartObject();
            g.writeStringField("type", t.type());
            g.writeStringField("version", t.version());
            g.writeStringField("source", o.source());
            g.writeStringField("origin", o.origin());
            g.writeStringField("jar", o.jar());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("problems");
        for (DiscoveryProblem p : sb.discoveryProblems()) {
            g.writeStartObject();
            g.writeStringField("source", p.source());
            g.writeStringField("reason", root.redact(p.reason()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("providers");
        for (ProviderDescription p : sb.describeProviders()) {
            g.writeStartObject();
            g.writeStringField("name", p.name());
            g.writeStringField("type", p.type());
            if (p.baseUrl().isPresent()) {
                g.writeStringField("baseUrl", root.redact(p.baseUrl().get()));
            }
            g.writeBooleanField("keyExpected", p.keyExpected());
            g.writeBooleanField("keySet", p.keySet());
            if (p.keyExpected() && !p.keySet()) {
                g.writeStringField("keyHint", p.keyHint());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("routes");
        for (String name : sb.routeNames()) {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeBooleanField("default", name.equals(sb.defaultRouteName()));
            g.writeArrayFieldStart("targets");
            for (ProviderManager.Target t : sb.route(name).targets()) {
                g.writeString(t.label());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void text(PrintWriter out, Switchboard sb) {
        Optional<Path> plugins = root.environment().pluginsDirectory();
        out.println("Provider types:");
        if (sb.types().isEmpty()) {
            out.println("  none installed: put provider jars in " + plugins.map(p -> p.resolve("<name>") + "/")
                    .orElse("a plugins folder") + " or on the class path");
        } else {
            Table types = new Table("TYPE", "VERSION", "LOADED FROM");
            for (DiscoveredType t : sb.types()) {
                types.row(t.type(), t.version(), Origin.of(t, plugins).describe());
            }
            types.print(out, "  ");
        }
        List<DiscoveryProblem> problems = sb.discoveryProblems();
        if (!problems.isEmpty()) {
            out.println("Plugins that could not be loaded:");
            for (DiscoveryProblem p : problems) {
                out.println("  " + root.redact(p.toString()));
            }
        }
        out.println();
        out.println("Providers (" + root.configSource().map(c -> "config " + c.file())
                .orElse("no config file: defaults only") + "):");
        List<ProviderDescription> providers = sb.describeProviders();
        if (providers.isEmpty()) {
            out.println("  none configured: add a block switchboard.providers.<name> { type = ... }");
        } else {
            Table table = new Table("NAME", "TYPE", "BASE URL", "KEY");
            for (ProviderDescription p : providers) {
                String key = !p.keyExpected() ? "not needed" : p.keySet() ? "set" : "not set (" + p.keyHint() + ")";
                table.row(p.name(), p.type(), root.redact(p.baseUrl().orElse("-")), key);
            }
            table.print(out, "  ");
        }
        out.println();
        out.println("Routes:");
        if (sb.routeNames().isEmpty()) {
            out.println("  none configured: add a block switchboard.routes.<name> { targets = [...] }");
        }
        for (String name : sb.routeNames()) {
            List<String> labels = sb.route(name).targets().stream().map(ProviderManager.Target::label).toList();
            out.println("  " + name + (name.equals(sb.defaultRouteName()) ? " (default)" : "") + ": "
                    + String.join(" -> ", labels));
        }
        out.flush();
    }
}
