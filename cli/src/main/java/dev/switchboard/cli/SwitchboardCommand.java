package dev.switchboard.cli;

import dev.switchboard.runtime.Switchboard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard [--config FILE] [--verbose] <command>}: the options every command shares. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Talk to LLM providers through Switchboard's routes: chat, embed, list providers and models, "
                + "check the configuration.",
        footer = {"", "Config: --config FILE, else $SWITCHBOARD_CONFIG, else ./switchboard.conf, else the "
                + "distribution's conf/switchboard.conf, always over the defaults of every installed jar.",
                "Exit codes: 0 done, 1 a provider or route failed, 2 wrong usage or configuration."},
        subcommands = {ProvidersCommand.class, RoutesCommand.class, ChatCommand.class, EmbedCommand.class, ModelsCommand.class,
                ConfigCommand.class, ServeCommand.class, UsageCommand.class})
final class SwitchboardCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "The config file to read.")
    private Path config;

    @Option(names = "--verbose", description = "Log what Switchboard does, and show stack traces with errors.")
    private boolean verbose;

    private final CliEnvironment environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Redaction redaction;

    SwitchboardCommand(CliEnvironment environment, PrintWriter out, PrintWriter err, Redaction redaction) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.redaction = redaction;
    }

    /** Without a command: say which there are. */
    @Override
    public Integer call() {
        throw new UsageException("name a command: providers, routes, chat, embed, models, config, serve or usage (see 'switchboard --help')");
    }

    boolean verbose() {
        return verbose;
    }

    CliEnvironment environment() {
        return environment;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** {@code text} with the values of credential variables masked. */
    String redact(String text) {
        return redaction.apply(text);
    }

    /** Writes an informational line to standard error (secrets masked). */
    void info(String line) {
        err.println(redaction.apply(line));
        err.flush();
    }

    /** Writes an error line to standard error without failing the command (secrets masked). */
    void warn(String line) {
        err.println(Errors.PREFIX + redaction.apply(Errors.oneLine(line)));
        err.flush();
    }

    /** The config file to read, if any (see {@link ConfigSource}). */
    Optional<ConfigSource> configSource() {
        return ConfigSource.locate(config, environment);
    }

    /** A builder over the located config, the environment and the distribution's plugin folders. */
    Switchboard.Builder builder() {
        Switchboard.Builder b = Switchboard.builder().env(environment.env());
        environment.pluginsDirectory().ifPresent(b::pluginsDirectory);
        configSource().ifPresent(c -> b.config(c.file()));
        return b;
    }

    /**
     * The configured Switchboard for a one-off command; the caller closes it. Its state is a snapshot of the
     * configured backend ({@link Switchboard.Builder#stateSnapshot()}): the command sees the budgets and cooldowns a
     * gateway keeps in the same data dir, and runs beside that gateway instead of being refused its data dir.
     */
    Switchboard open() {
        return builder().stateSnapshot().build();
    }
}
