package dev.switchboard.cli;

import dev.switchboard.runtime.ConfigFormat;
import dev.switchboard.runtime.ProviderDiscoveryException;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.runtime.SwitchboardConfigException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard config check|show}. */
@Command(name = "config",
        description = "Check the configuration, or show it resolved with secrets masked.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() {
        throw new UsageException("name a config command: check or show (see 'switchboard config --help')");
    }

    /** Which file, and why, for messages. */
    private String where() {
        return root.configSource().map(c -> c.file() + " (from " + c.why() + ")")
                .orElse("no config file, defaults only");
    }

    /**
     * {@code config check}: every problem, one line each ({@code file:line: key: what to fix}), exit 2; or OK, exit 0.
     * It runs what {@code serve} runs before binding ({@link ServeSetup}): the runtime's checks, the gateway block's,
     * and the creation of the providers (without calling them), so the factories' own checks run too (Azure's
     * {@code endpoint}, for one). The state backend is read, not taken: whether another process holds the data dir
     * is for {@code serve} to say.
     */
    @Command(name = "check",
            description = {"Validate the configuration: print each problem as file:line: key: what to fix, and "
                    + "exit 2; or print OK and exit 0.",
                    "Providers whose API key is not set are listed, but are no error."})
    static final class Check implements Callable<Integer> {

        @ParentCommand
        private ConfigCommand config;

        @Mixin
        private HelpOption help;

        @Override
        public Integer call() {
            SwitchboardCommand root = config.root;
            PrintWriter out = root.out();
            List<String> problems;
            // The state as a snapshot: a check runs beside the gateway whose next configuration it checks.
            try (Switchboard sb = ServeSetup.open(root, true).switchboard()) {
                out.println(config.where() + ": OK, " + count(sb.providerNames().size(), "provider") + ", "
                        + count(sb.routeNames().size(), "route"));
                for (Map.Entry<String, String> missing : sb.missingKeys().entrySet()) {
                    out.println("  provider " + missing.getKey() + " has no API key yet: " + missing.getValue());
                }
                out.flush();
                return ExitCodes.OK;
            } catch (SwitchboardConfigException e) {
                problems = e.problems();
            } catch (ProviderDiscoveryException e) {
                problems = e.problems();
            }
            for (String p : problems) {
                out.println(root.redact(Errors.oneLine(p)));
            }
            out.flush();
            root.warn(config.where() + ": " + count(problems.size(), "problem"));
            return ExitCodes.USAGE;
        }

        private static String count(int n, String what) {
            return n + " " + what + (n == 1 ? "" : "s");
        }
    }

    /** {@code config show}: the resolved {@code switchboard} tree, defaults included, secrets as {@code ****}. */
    @Command(name = "show",
            description = "Print the resolved configuration (your file over every reference.conf) with secrets masked.")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        private ConfigCommand config;

        @Mixin
        private HelpOption help;

        @Option(names = "--json", description = "As JSON instead of HOCON.")
        private boolean json;

        @Override
        public Integer call() {
            SwitchboardCommand root = config.root;
            String rendered = root.redact(root.builder().render(json ? ConfigFormat.JSON : ConfigFormat.HOCON));
            PrintWriter out = root.out();
            if (!json) {
                Optional<ConfigSource> source = root.configSource();
                out.println("# " + source.map(c -> c.file() + " (from " + c.why() + ")").orElse("no config file")
                        + " over the defaults of the installed jars; secrets masked");
            }
            out.print(rendered);
            if (!rendered.endsWith("\n")) {
                out.println();
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
